/**
 * Two views for comparing rollouts: a GRPO group side by side (one column per rollout of a
 * prompt: reward, verdict and its calls coloured by label) and a diff of two rollouts that aligns
 * their calls (longest common subsequence on tool + normalised target) and marks where they
 * diverge. All trace text is escaped.
 */
import type { LabelRow, ToolCall, Trajectory } from "../trajectory/schema.js";
import { escapeHtml } from "./html.js";
import { LABEL_COLOURS } from "./trajectory-view.js";

function callLine(c: ToolCall, label: LabelRow | undefined): string {
  const colour = label?.label ? (LABEL_COLOURS[label.label] ?? "#868e96") : "#adb5bd";
  const target = [...c.queries, ...c.urls].join(" | ") || c.arguments;
  return `<div style="border-left:4px solid ${colour};padding-left:4px;margin:2px 0" title="${escapeHtml(label?.label ?? c.role)}"><b>${escapeHtml(c.name)}</b> ${escapeHtml(target.slice(0, 140))}</div>`;
}

function labelsOf(t: Trajectory, labels: readonly LabelRow[]): Map<number, LabelRow> {
  return new Map(labels.filter((l) => l.trajectoryId === t.id && l.source.file === t.provenance.source.file).map((l) => [l.callIndex, l]));
}

/** The rollouts of one group side by side; `rewards` (optional) in the same order as `group`. */
export function groupSideBySide(group: readonly Trajectory[], labels: readonly LabelRow[] = [], rewards?: readonly number[]): string {
  const cols = group.map((t, i) => {
    const ls = labelsOf(t, labels);
    const head = `<div><b>#${i + 1}</b> ${t.verdict === "correct" ? "✓" : t.verdict === "incorrect" ? "✗" : "?"}${rewards ? ` reward ${rewards[i]!.toFixed(3)}` : ""} · ${t.calls.length} calls</div>`;
    const answer = `<div style="color:#495057">answer: ${escapeHtml(t.finalAnswer ?? "(none)")}</div>`;
    return `<div style="flex:1;min-width:220px;border:1px solid #dee2e6;padding:4px">${head}${answer}${t.calls.map((c) => callLine(c, ls.get(c.index))).join("")}</div>`;
  });
  const q = group[0] ? `<p><b>Question</b> ${escapeHtml(group[0].question)}</p>` : "";
  return `<div class="sounding-group" style="font-family:sans-serif;font-size:12px">${q}<div style="display:flex;gap:6px;align-items:flex-start">${cols.join("")}</div></div>`;
}

function signature(c: ToolCall): string {
  const target = [...c.queries, ...c.urls].join("|").toLowerCase().replace(/\s+/g, " ").trim();
  return `${c.role}\u0000${c.name}\u0000${target}`;
}

export interface AlignedStep {
  a: number | null;
  b: number | null;
}

/** Align the calls of two rollouts (LCS on tool and target): pairs of call indices, null where one side has no counterpart. */
export function alignCalls(a: Trajectory, b: Trajectory): AlignedStep[] {
  const sa = a.calls.map(signature);
  const sb = b.calls.map(signature);
  const n = sa.length;
  const m = sb.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = sa[i] === sb[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: AlignedStep[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && sa[i] === sb[j]) out.push({ a: i++, b: j++ });
    else if (j >= m || (i < n && L[i + 1]![j]! >= L[i]![j + 1]!)) out.push({ a: i++, b: null });
    else out.push({ a: null, b: j++ });
  }
  return out;
}

/** Two rollouts aligned call by call; the first row where they differ is marked. */
export function trajectoryDiff(a: Trajectory, b: Trajectory, labels: readonly LabelRow[] = []): string {
  const la = labelsOf(a, labels);
  const lb = labelsOf(b, labels);
  const steps = alignCalls(a, b);
  const first = steps.findIndex((s) => s.a === null || s.b === null);
  const rows = steps.map((s, k) => {
    const cell = (t: Trajectory, i: number | null, ls: Map<number, LabelRow>) => (i === null ? `<td style="background:#f8f9fa;color:#adb5bd">—</td>` : `<td>${callLine(t.calls[i]!, ls.get(i))}</td>`);
    const mark = k === first ? ` style="outline:2px solid #c92a2a"` : "";
    return `<tr${mark}><td style="color:#868e96">${k}${k === first ? " ◀ diverge" : ""}</td>${cell(a, s.a, la)}${cell(b, s.b, lb)}</tr>`;
  });
  const head = `<tr><th></th><th>${escapeHtml(a.id)} (${a.verdict})</th><th>${escapeHtml(b.id)} (${b.verdict})</th></tr>`;
  return `<table class="sounding-diff" style="font-family:sans-serif;font-size:12px">${head}${rows.join("")}<tr><td></td><td>answer: ${escapeHtml(a.finalAnswer ?? "(none)")}</td><td>answer: ${escapeHtml(b.finalAnswer ?? "(none)")}</td></tr></table>`;
}
