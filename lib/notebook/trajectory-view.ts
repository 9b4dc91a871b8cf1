/**
 * An HTML view of one trajectory for notebooks: the question, each step with its reasoning
 * collapsed, each tool call with its label (coloured), utility, queries / URLs / goal and a
 * collapsible response, then the final answer and the verdict. Every piece of trace text is
 * escaped; URLs become links only when they are http(s), anything else (`javascript:` …) is
 * shown as text.
 */
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { escapeHtml } from "./html.js";

export const LABEL_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  UNIQUESEARCH: "#2b8a3e",
  REDUNDANTSEARCH: "#e67700",
  EXPLORATION: "#1971c2",
  VERIFICATION: "#6741d9",
  REDUNDANTQUERY: "#c92a2a",
});

/** An `<a>` for http(s) URLs (escaped, opened safely), plain escaped text for anything else. */
export function safeLink(url: string): string {
  const text = escapeHtml(url);
  return /^https?:\/\//i.test(url.trim()) ? `<a href="${text}" target="_blank" rel="noopener noreferrer nofollow">${text}</a>` : `<code>${text}</code>`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}\n… [${s.length - n} more characters]` : s;
}

export interface TrajectoryViewOptions {
  /** Characters of each response and of the reasoning shown (default 4000). */
  maxChars?: number;
}

export function trajectoryHtml(t: Trajectory, labels: readonly LabelRow[] = [], opts: TrajectoryViewOptions = {}): string {
  const max = opts.maxChars ?? 4000;
  const byCall = new Map(labels.filter((l) => l.trajectoryId === t.id).map((l) => [l.callIndex, l]));
  const verdictColour = t.verdict === "correct" ? "#2b8a3e" : t.verdict === "incorrect" ? "#c92a2a" : "#868e96";
  const parts: string[] = [];
  parts.push(`<div class="sounding-trajectory" style="font-family:sans-serif;font-size:13px;line-height:1.4">`);
  parts.push(`<div><b>${escapeHtml(t.id)}</b> <span style="color:#868e96">${escapeHtml(t.provenance.format)} · ${escapeHtml(t.provenance.source.file)}:${t.provenance.source.line}${t.provenance.model ? ` · ${escapeHtml(t.provenance.model)}` : ""}</span></div>`);
  parts.push(`<p><b>Question</b> ${escapeHtml(t.question)}</p>`);
  for (const st of t.steps) {
    parts.push(`<div style="border-left:3px solid #dee2e6;margin:6px 0;padding-left:8px">`);
    parts.push(`<div style="color:#868e96">step ${st.index}</div>`);
    if (st.reasoning) parts.push(`<details><summary>reasoning (${st.reasoning.length} characters)</summary><pre style="white-space:pre-wrap">${escapeHtml(clip(st.reasoning, max))}</pre></details>`);
    for (const ci of st.calls) {
      const c = t.calls[ci]!;
      const l = byCall.get(c.index);
      const label = l?.label ?? null;
      const colour = label ? (LABEL_COLOURS[label] ?? "#868e96") : "#adb5bd";
      const badge = `<span style="background:${colour};color:white;border-radius:3px;padding:0 4px;font-size:11px">${escapeHtml(label ?? c.role)}</span>`;
      const utility = l?.utility !== null && l?.utility !== undefined ? ` <span style="color:#868e96">utility ${l.utility}</span>` : "";
      const targets = [
        ...c.queries.map((q) => `<div>query: ${escapeHtml(q)}</div>`),
        ...c.urls.map((u) => `<div>url: ${safeLink(u)}</div>`),
        ...(c.goal ? [`<div>goal: ${escapeHtml(c.goal)}</div>`] : []),
        ...(!c.queries.length && !c.urls.length ? [`<div>arguments: <code>${escapeHtml(clip(c.arguments, 300))}</code></div>`] : []),
      ].join("");
      const error = c.error ? ` <span style="color:#c92a2a">${escapeHtml(c.errorReason ?? "error")}</span>` : "";
      parts.push(`<div style="margin:4px 0">${badge} <b>#${c.index} ${escapeHtml(c.name)}</b>${utility}${error}${targets}`);
      if (l?.evidence) parts.push(`<div style="color:#868e96">${escapeHtml(l.evidence)}</div>`);
      parts.push(`<details><summary>response (${c.response?.length ?? 0} characters${c.results.length ? `, ${c.results.length} results` : ""})</summary><pre style="white-space:pre-wrap">${escapeHtml(clip(c.response ?? "(none)", max))}</pre></details></div>`);
    }
    parts.push(`</div>`);
  }
  parts.push(`<p><b>Answer</b> ${escapeHtml(t.finalAnswer ?? "(none)")} · <b>gold</b> ${escapeHtml(t.goldAnswers.join(" / ") || "(none)")} · <b style="color:${verdictColour}">${t.verdict}</b>${t.truncated ? ' · <span style="color:#c92a2a">truncated</span>' : ""}</p>`);
  parts.push(`</div>`);
  return parts.join("\n");
}
