/**
 * The round trip of the training loop: the exported reward (`sounding_reward.py`) returns the
 * labels it gave each rollout as the `labels` column (one letter per tool call, in call order:
 * `LABEL_LETTERS`, `.` for a call without a behaviour label) beside `labeller`, and verl writes
 * those keys into its rollout dumps (`reward_extra_info` → `_dump_generations`), so the verl
 * reader hands them over in `Trajectory.extra`. `labelsFromDump` turns them back into label rows
 * without relabelling (Fig. 6 and every table draw from them); `dumpLabelMismatches` compares
 * them with a fresh relabelling, call for call.
 */
import { LABELS_BY_ROLE, type BehaviourLabel, type LabelRow, type Trajectory } from "../trajectory/schema.js";

/** One letter per behaviour label: the compact `labels` column of the exported reward. */
export const LABEL_LETTERS: Readonly<Record<BehaviourLabel, string>> = Object.freeze({
  UNIQUESEARCH: "U",
  REDUNDANTSEARCH: "S",
  EXPLORATION: "E",
  VERIFICATION: "V",
  REDUNDANTQUERY: "Q",
});
/** The letter of a call without a behaviour label. */
export const NO_LABEL_LETTER = ".";

const BY_LETTER = new Map(Object.entries(LABEL_LETTERS).map(([label, letter]) => [letter, label as BehaviourLabel]));

/** The compact column for labels in call order. */
export function compactLabels(labels: ReadonlyArray<BehaviourLabel | null>): string {
  return labels.map((l) => (l === null ? NO_LABEL_LETTER : LABEL_LETTERS[l])).join("");
}

/** Labels from a compact column; throws naming the first unknown letter. */
export function parseCompactLabels(s: string): Array<BehaviourLabel | null> {
  return [...s].map((ch, i) => {
    if (ch === NO_LABEL_LETTER) return null;
    const l = BY_LETTER.get(ch);
    if (!l)
      throw new Error(
        `letter ${i + 1} is ${JSON.stringify(ch)}, not one of ${[...BY_LETTER.keys()].join(" ")} ${NO_LABEL_LETTER}`,
      );
    return l;
  });
}

export interface DumpLabelProblem {
  file: string;
  line: number;
  trajectoryId: string;
  reason: string;
}

export interface DumpLabels {
  /** Label rows of every trajectory whose dump row carries a usable `labels` column. */
  rows: LabelRow[];
  /** Trajectories whose labels could not be taken from the dump, with the reason. */
  problems: DumpLabelProblem[];
  /** Rows per `labeller` value (e.g. heuristic@2.0.0, llm@behaviour-v2:gpt-4.1, heuristic-fallback). */
  labellers: Record<string, number>;
}

/** Label rows from the dump's own columns (no relabelling). */
export function labelsFromDump(trajectories: readonly Trajectory[]): DumpLabels {
  const rows: LabelRow[] = [];
  const problems: DumpLabelProblem[] = [];
  const labellers: Record<string, number> = {};
  for (const t of trajectories) {
    const where = { file: t.provenance.source.file, line: t.provenance.source.line, trajectoryId: t.id };
    const col = t.extra.labels;
    if (typeof col !== "string") {
      problems.push({ ...where, reason: 'the dump row has no "labels" column (written by sounding_reward.py)' });
      continue;
    }
    let labels: Array<BehaviourLabel | null>;
    try {
      labels = parseCompactLabels(col);
    } catch (err) {
      problems.push({ ...where, reason: `"labels" column: ${(err as Error).message}` });
      continue;
    }
    if (labels.length !== t.calls.length) {
      problems.push({
        ...where,
        reason: `"labels" column has ${labels.length} letters but ${t.calls.length} tool calls were read`,
      });
      continue;
    }
    const wrong = t.calls.find((c, i) => labels[i] !== null && !LABELS_BY_ROLE[c.role].includes(labels[i]!));
    if (wrong) {
      problems.push({
        ...where,
        reason: `call ${wrong.index} is a ${wrong.role} call but the dump labels it ${labels[wrong.index]}`,
      });
      continue;
    }
    const labeller = typeof t.extra.labeller === "string" ? t.extra.labeller : "dump";
    labellers[labeller] = (labellers[labeller] ?? 0) + 1;
    const at = labeller.indexOf("@");
    for (const c of t.calls) {
      rows.push({
        source: { ...t.provenance.source },
        trajectoryId: t.id,
        callIndex: c.index,
        tool: c.name,
        role: c.role,
        label: labels[c.index]!,
        utility: null,
        labeller: at === -1 ? labeller : labeller.slice(0, at),
        ...(at === -1 ? {} : { version: labeller.slice(at + 1) }),
      });
    }
  }
  return { rows, problems, labellers };
}

export interface LabelMismatch {
  file: string;
  line: number;
  trajectoryId: string;
  callIndex: number;
  tool: string;
  dump: BehaviourLabel | null;
  fresh: BehaviourLabel | null;
}

/** Calls whose dump label differs from a fresh relabelling (rows of any labeller, e.g. `runLabeller`). */
export function dumpLabelMismatches(
  dump: readonly LabelRow[],
  fresh: readonly LabelRow[],
): { calls: number; agree: number; mismatches: LabelMismatch[] } {
  const key = (r: LabelRow) => `${r.trajectoryId}\u0000${r.callIndex}`;
  const byKey = new Map(fresh.map((r) => [key(r), r]));
  const mismatches: LabelMismatch[] = [];
  let calls = 0;
  for (const d of dump) {
    const f = byKey.get(key(d));
    if (!f) continue;
    calls++;
    if (f.label !== d.label) {
      mismatches.push({
        file: d.source.file,
        line: d.source.line,
        trajectoryId: d.trajectoryId,
        callIndex: d.callIndex,
        tool: d.tool,
        dump: d.label,
        fresh: f.label,
      });
    }
  }
  return { calls, agree: calls - mismatches.length, mismatches };
}

/** One line per mismatch: `file:line call 3 (query_url): dump VERIFICATION, relabelled REDUNDANTQUERY`. */
export function formatMismatch(m: LabelMismatch): string {
  return `${m.file}:${m.line} call ${m.callIndex} (${m.tool}): dump ${m.dump ?? "no label"}, relabelled ${m.fresh ?? "no label"}`;
}
