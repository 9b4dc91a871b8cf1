/**
 * An HTML view of one trajectory for notebooks: the question, each step with its reasoning
 * collapsed, each tool call with its label (coloured, with a legend), utility, queries / URLs /
 * goal, its parsed search results as a table and a collapsible response, then the final answer and
 * the verdict. Every piece of trace text is escaped; http(s) URLs become links (also inside
 * responses and reasoning), anything else (`javascript:` …) is shown as text. Long text shows its
 * head and expands to the full text on a click.
 */
import type { LabelRow, ToolCall, Trajectory } from "../trajectory/schema.js";
import { escapeHtml } from "./html.js";
import { LABEL_COLOURS, UNLABELLED_COLOUR, labelLegend } from "./label-legend.js";
import { linkHtml, linkify, longText, WRAP_CSS } from "./rich-text.js";

export { LABEL_COLOURS };

/** An `<a>` for http(s) URLs (escaped, opened safely), plain escaped text for anything else. */
export function safeLink(url: string): string {
  return /^https?:\/\//i.test(url.trim()) ? linkHtml(url.trim()) : `<code>${escapeHtml(url)}</code>`;
}

export interface TrajectoryViewOptions {
  /** Characters of each response and of the reasoning shown before "show all" (default 4000). */
  maxChars?: number;
  /** Parsed search results listed per call (default 10; the rest are counted). */
  maxResults?: number;
  /** Show the label legend above the steps (default true). */
  legend?: boolean;
}

function resultsTable(c: ToolCall, max: number): string {
  if (!c.results.length) return "";
  const rows = c.results.slice(0, max).map((r, i) => {
    const title =
      r.url && /^https?:\/\//i.test(r.url) ? linkHtml(r.url, r.title || r.url) : escapeHtml(r.title || r.url || "");
    const url = r.url ? `<div style="color:#868e96;overflow-wrap:anywhere">${escapeHtml(r.url)}</div>` : "";
    return (
      `<tr><td style="vertical-align:top;color:#868e96">${i + 1}</td><td style="vertical-align:top">${title}${url}</td>` +
      `<td style="vertical-align:top;${WRAP_CSS}">${linkify(r.snippet ?? "")}</td></tr>`
    );
  });
  const more =
    c.results.length > max ? `<tr><td></td><td colspan="2">… ${c.results.length - max} more results</td></tr>` : "";
  return (
    `<table class="sounding-results" style="border-collapse:collapse;font-size:12px;margin:2px 0;table-layout:fixed;width:100%">` +
    `<colgroup><col style="width:2em"><col style="width:40%"><col></colgroup>${rows.join("")}${more}</table>`
  );
}

export function trajectoryHtml(
  t: Trajectory,
  labels: readonly LabelRow[] = [],
  opts: TrajectoryViewOptions = {},
): string {
  const max = opts.maxChars ?? 4000;
  const maxResults = opts.maxResults ?? 10;
  const byCall = new Map(
    labels
      .filter((l) => l.trajectoryId === t.id && (l.source.file === t.provenance.source.file || !l.source.file))
      .map((l) => [l.callIndex, l]),
  );
  const verdictColour = t.verdict === "correct" ? "#2b8a3e" : t.verdict === "incorrect" ? "#c92a2a" : "#868e96";
  const parts: string[] = [];
  parts.push(
    `<div class="sounding-trajectory" style="font-family:sans-serif;font-size:13px;line-height:1.4;max-width:100%;overflow-wrap:break-word">`,
  );
  const where = `${escapeHtml(t.provenance.format)} · ${escapeHtml(t.provenance.source.file)}:${t.provenance.source.line}`;
  const model = t.provenance.model ? ` · ${escapeHtml(t.provenance.model)}` : "";
  const dataset = t.provenance.dataset ? ` · ${escapeHtml(t.provenance.dataset)}` : "";
  parts.push(`<div><b>${escapeHtml(t.id)}</b> <span style="color:#868e96">${where}${model}${dataset}</span></div>`);
  if (opts.legend ?? true) parts.push(labelLegend());
  parts.push(`<div><b>Question</b> <span style="${WRAP_CSS}">${linkify(t.question)}</span></div>`);
  for (const st of t.steps) {
    parts.push(`<div style="border-left:3px solid #dee2e6;margin:6px 0;padding-left:8px">`);
    parts.push(`<div style="color:#868e96">step ${st.index}</div>`);
    if (st.reasoning) {
      parts.push(
        `<details><summary>reasoning (${st.reasoning.length} characters)</summary>${longText(st.reasoning, max)}</details>`,
      );
    }
    if (st.text && st.text.trim() && !st.calls.length) parts.push(longText(st.text, max));
    for (const ci of st.calls) {
      const c = t.calls[ci]!;
      const l = byCall.get(c.index);
      const label = l?.label ?? null;
      const colour = label ? (LABEL_COLOURS[label] ?? "#868e96") : UNLABELLED_COLOUR;
      const badge = `<span style="background:${colour};color:white;border-radius:3px;padding:0 4px;font-size:11px">${escapeHtml(label ?? c.role)}</span>`;
      const utility =
        l?.utility !== null && l?.utility !== undefined
          ? ` <span style="color:#868e96">utility ${l.utility}</span>`
          : "";
      const targets = [
        ...c.queries.map((q) => `<div style="${WRAP_CSS}">query: ${escapeHtml(q)}</div>`),
        ...c.urls.map((u) => `<div style="overflow-wrap:anywhere">url: ${safeLink(u)}</div>`),
        ...(c.goal ? [`<div style="${WRAP_CSS}">goal: ${escapeHtml(c.goal)}</div>`] : []),
        ...(!c.queries.length && !c.urls.length ? [`<div>arguments: ${longText(c.arguments, 300)}</div>`] : []),
      ].join("");
      const error = c.error ? ` <span style="color:#c92a2a">${escapeHtml(c.errorReason ?? "error")}</span>` : "";
      parts.push(
        `<div style="margin:4px 0">${badge} <b>#${c.index} ${escapeHtml(c.name)}</b>${utility}${error}${targets}`,
      );
      if (l?.evidence) parts.push(`<div style="color:#868e96;${WRAP_CSS}">${escapeHtml(l.evidence)}</div>`);
      if (c.results.length) {
        parts.push(
          `<details><summary>${c.results.length} parsed results</summary>${resultsTable(c, maxResults)}</details>`,
        );
      }
      const size = `${c.response?.length ?? 0} characters${c.results.length ? `, ${c.results.length} results` : ""}`;
      parts.push(
        `<details><summary>response (${size})</summary>${longText(c.response ?? "(none)", max)}</details></div>`,
      );
    }
    parts.push(`</div>`);
  }
  const gold = escapeHtml(t.goldAnswers.join(" / ") || "(none)");
  const truncated = t.truncated ? ' · <span style="color:#c92a2a">truncated</span>' : "";
  parts.push(
    `<p><b>Answer</b> ${escapeHtml(t.finalAnswer ?? "(none)")} · <b>gold</b> ${gold} · <b style="color:${verdictColour}">${t.verdict}</b>${truncated}</p>`,
  );
  parts.push(`</div>`);
  return parts.join("\n");
}
