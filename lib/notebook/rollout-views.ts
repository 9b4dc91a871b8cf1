/**
 * Two views for comparing rollouts: a GRPO group side by side (one column per rollout of a
 * prompt: reward, verdict and its calls coloured by label) and a diff of two rollouts that aligns
 * their calls by the labeller's own similarity (content-token and character-trigram Jaccard of
 * the queries, canonical URLs for pages), so a reworded query lines up with its original, and
 * marks the first real divergence (a call with no counterpart). All trace text is escaped; long
 * URLs and queries wrap, and the views scroll sideways instead of clipping.
 */
import type { LabelRow, ToolCall, Trajectory } from "../trajectory/schema.js";
import { canonicalUrl } from "../labels/canonical-url.js";
import { contentTokens, jaccard, trigrams } from "../labels/text-similarity.js";
import { escapeHtml } from "./html.js";
import { LABEL_COLOURS, UNLABELLED_COLOUR, labelLegend } from "./label-legend.js";

function callLine(c: ToolCall, label: LabelRow | undefined): string {
  const colour = label?.label ? (LABEL_COLOURS[label.label] ?? "#868e96") : UNLABELLED_COLOUR;
  const target = [...c.queries, ...c.urls].join(" | ") || c.arguments;
  const shown = target.length > 300 ? `${target.slice(0, 300)}…` : target;
  return (
    `<div style="border-left:4px solid ${colour};padding-left:4px;margin:2px 0;overflow-wrap:anywhere" ` +
    `title="${escapeHtml(label?.label ?? c.role)}"><b>${escapeHtml(c.name)}</b> ${escapeHtml(shown)}</div>`
  );
}

function labelsOf(t: Trajectory, labels: readonly LabelRow[]): Map<number, LabelRow> {
  return new Map(
    labels
      .filter((l) => l.trajectoryId === t.id && l.source.file === t.provenance.source.file)
      .map((l) => [l.callIndex, l]),
  );
}

/** The rollouts of one group side by side; `rewards` (optional) in the same order as `group`. */
export function groupSideBySide(
  group: readonly Trajectory[],
  labels: readonly LabelRow[] = [],
  rewards?: readonly number[],
): string {
  const cols = group.map((t, i) => {
    const ls = labelsOf(t, labels);
    const verdict = t.verdict === "correct" ? "✓" : t.verdict === "incorrect" ? "✗" : "?";
    const reward = rewards ? ` reward ${rewards[i]!.toFixed(3)}` : "";
    const head = `<div><b>#${i + 1}</b> ${verdict}${reward} · ${t.calls.length} calls</div>`;
    const answer = `<div style="color:#495057;overflow-wrap:anywhere">answer: ${escapeHtml(t.finalAnswer ?? "(none)")}</div>`;
    const calls = t.calls.map((c) => callLine(c, ls.get(c.index))).join("");
    return `<div style="flex:0 0 240px;min-width:0;border:1px solid #dee2e6;padding:4px">${head}${answer}${calls}</div>`;
  });
  const q = group[0] ? `<p style="overflow-wrap:break-word"><b>Question</b> ${escapeHtml(group[0].question)}</p>` : "";
  return (
    `<div class="sounding-group" style="font-family:sans-serif;font-size:12px;max-width:100%">${q}${labelLegend()}` +
    `<div style="display:flex;gap:6px;align-items:flex-start;overflow-x:auto;max-width:100%">${cols.join("")}</div></div>`
  );
}

/** Pairs below this similarity are not aligned. */
export const ALIGN_MIN_SIMILARITY = 0.3;

/**
 * Similarity of two calls in [0, 1], by the labeller's measures: 0 across roles or tools; searches
 * by the best pair of queries (max of content-token and character-trigram Jaccard); pages 1 for the
 * same canonical URL, otherwise half the goals' token Jaccard; calls without targets 1 when their
 * arguments are equal.
 */
export function callSimilarity(a: ToolCall, b: ToolCall): number {
  if (a.role !== b.role || a.name !== b.name) return 0;
  if (a.urls.length || b.urls.length) {
    const ua = new Set(a.urls.map(canonicalUrl));
    if (b.urls.some((u) => ua.has(canonicalUrl(u)))) return 1;
    if (a.goal && b.goal) return 0.5 * jaccard(new Set(contentTokens(a.goal)), new Set(contentTokens(b.goal)));
    return 0;
  }
  if (a.queries.length && b.queries.length) {
    let best = 0;
    for (const qa of a.queries) {
      for (const qb of b.queries) {
        const tok = jaccard(new Set(contentTokens(qa)), new Set(contentTokens(qb)));
        best = Math.max(best, tok, jaccard(trigrams(qa), trigrams(qb)));
      }
    }
    return best;
  }
  return a.arguments === b.arguments ? 1 : 0;
}

export interface AlignedStep {
  a: number | null;
  b: number | null;
  /** Similarity of the aligned pair (null when one side is missing). */
  similarity?: number | null;
}

/**
 * Align the calls of two rollouts: the order-preserving matching with the largest total similarity
 * (pairs under `ALIGN_MIN_SIMILARITY` never match); pairs of call indices, null where one side has
 * no counterpart. Deterministic: ties prefer matching, then the earlier call of `a`.
 */
export function alignCalls(a: Trajectory, b: Trajectory): AlignedStep[] {
  const n = a.calls.length;
  const m = b.calls.length;
  const sim: number[][] = a.calls.map((ca) => b.calls.map((cb) => callSimilarity(ca, cb)));
  const S: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = sim[i]![j]!;
      const match = s >= ALIGN_MIN_SIMILARITY ? S[i + 1]![j + 1]! + s : -Infinity;
      S[i]![j] = Math.max(match, S[i + 1]![j]!, S[i]![j + 1]!);
    }
  }
  const out: AlignedStep[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m) {
      const s = sim[i]![j]!;
      if (s >= ALIGN_MIN_SIMILARITY && S[i]![j] === S[i + 1]![j + 1]! + s) {
        out.push({ a: i++, b: j++, similarity: s });
        continue;
      }
      if (S[i]![j] === S[i + 1]![j]) out.push({ a: i++, b: null, similarity: null });
      else out.push({ a: null, b: j++, similarity: null });
    } else if (i < n) out.push({ a: i++, b: null, similarity: null });
    else out.push({ a: null, b: j++, similarity: null });
  }
  return out;
}

/** Two rollouts aligned call by call; the first row where one has no counterpart is marked. */
export function trajectoryDiff(a: Trajectory, b: Trajectory, labels: readonly LabelRow[] = []): string {
  const la = labelsOf(a, labels);
  const lb = labelsOf(b, labels);
  const steps = alignCalls(a, b);
  const first = steps.findIndex((s) => s.a === null || s.b === null);
  const rows = steps.map((s, k) => {
    const cell = (t: Trajectory, i: number | null, ls: Map<number, LabelRow>) =>
      i === null
        ? `<td style="background:#f8f9fa;color:#adb5bd;text-align:left">—</td>`
        : `<td style="text-align:left;vertical-align:top">${callLine(t.calls[i]!, ls.get(i))}</td>`;
    const mark = k === first ? ` style="outline:2px solid #c92a2a"` : "";
    const sim =
      s.similarity !== null && s.similarity !== undefined && s.similarity < 1
        ? `<div>≈ ${s.similarity.toFixed(2)}</div>`
        : "";
    return `<tr${mark}><td style="color:#868e96;white-space:nowrap">${k}${k === first ? " ◀ diverge" : ""}${sim}</td>${cell(a, s.a, la)}${cell(b, s.b, lb)}</tr>`;
  });
  const head = `<tr><th></th><th>${escapeHtml(a.id)} (${a.verdict})</th><th>${escapeHtml(b.id)} (${b.verdict})</th></tr>`;
  const answers = `<tr><td></td><td>answer: ${escapeHtml(a.finalAnswer ?? "(none)")}</td><td>answer: ${escapeHtml(b.finalAnswer ?? "(none)")}</td></tr>`;
  return (
    `<div class="sounding-diff-wrap" style="max-width:100%;overflow-x:auto">${labelLegend()}` +
    `<table class="sounding-diff" style="font-family:sans-serif;font-size:12px;table-layout:fixed;width:100%;` +
    `min-width:480px;text-align:left">` +
    `<colgroup><col style="width:6em"><col><col></colgroup>${head}${rows.join("")}${answers}</table></div>`
  );
}
