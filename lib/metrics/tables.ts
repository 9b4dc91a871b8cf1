/**
 * Metric tables (arquero): one row per tool call and one row per trajectory, joined to a label
 * set, and aggregates by any of model / dataset / step / group with the row count beside every
 * mean, so each number can be traced to its rows (domain.md §5):
 *
 * - breadth = n_uniqS + n_explore (distinct novel searches and new sources; knobs C_S, C_Q);
 * - depth = n_verify (cross-source verification; knob B_v), with depthPerClaim = n_verify per
 *   claim that was checked;
 * - horizon = T (tool calls), with assistant turns and response tokens beside it;
 * - redundancy = ρ.
 */
import * as aq from "arquero";
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { trajectoryKey } from "../trajectory/ids.js";
import { TALLY_COUNT_COLUMNS, talliesOf } from "./tallies.js";
import { EQ7_DEFAULTS, rhoDelta } from "./rho-delta.js";
import { rolloutColumns, type RolloutColumns } from "./rollout-columns.js";
import { formatValid } from "./format-validity.js";
import { responseTokens } from "./response-tokens.js";

/** Index label rows by `<file>::<trajectoryId>` (and by id alone when unambiguous). */
export function indexLabels(rows: readonly LabelRow[]): (t: Trajectory) => LabelRow[] {
  const byKey = new Map<string, LabelRow[]>();
  const byId = new Map<string, LabelRow[] | null>();
  for (const r of rows) {
    const k = `${r.source.file}::${r.trajectoryId}`;
    let a = byKey.get(k);
    if (!a) byKey.set(k, (a = []));
    a.push(r);
  }
  for (const [k, a] of byKey) {
    const id = k.slice(k.indexOf("::") + 2);
    byId.set(id, byId.has(id) ? null : a);
  }
  return (t) => (byKey.get(trajectoryKey(t)) ?? byId.get(t.id) ?? []).slice().sort((x, y) => x.callIndex - y.callIndex);
}

export interface TableOptions {
  /** Count response tokens with the Qwen3 tokenizer (slow on big corpora; default false). */
  tokens?: boolean;
  includeToolResponses?: boolean;
}

/** One row of the per-trajectory table. */
export interface TrajectoryMetricRow extends RolloutColumns {
  [k: string]: string | number | boolean | null;
  key: string;
  trajectoryId: string;
  file: string;
  line: number;
  /** The reader's format name (fathom, verl, …). */
  format: string;
  model: string | null;
  dataset: string | null;
  step: number | null;
  group: string | null;
  labelled: boolean;
  breadth: number;
  depth: number;
  depthPerClaim: number;
  horizon: number;
  turns: number;
  responseTokens: number | null;
  correct: boolean;
  verdict: string;
  formatOk: boolean;
}

export function trajectoryRows(
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
  opts: TableOptions = {},
): TrajectoryMetricRow[] {
  const rowsOf = indexLabels(labels);
  return trajectories.map((t) => {
    const rows = rowsOf(t);
    const tal = talliesOf(rows, t.calls.length);
    const fmt = formatValid(t);
    const correct = t.verdict === "correct";
    const checkedClaims = tal.claimChecks ? tal.claimChecks.filter((c) => c > 0).length : 0;
    return {
      key: trajectoryKey(t),
      trajectoryId: t.id,
      file: t.provenance.source.file,
      line: t.provenance.source.line,
      format: t.provenance.format,
      model: t.provenance.model,
      dataset: t.provenance.dataset,
      step: t.provenance.trainingStep,
      group: t.provenance.groupId,
      labelled: rows.length === t.calls.length,
      // Eq. 7 under the reward's defaults (T counts every call, ρ := 0 when T = 0, Δ literal)
      ...rolloutColumns(tal, rhoDelta(tal, EQ7_DEFAULTS)),
      breadth: tal.nUniqS + tal.nExplore,
      depth: tal.nVerify,
      depthPerClaim: checkedClaims ? tal.nVerify / checkedClaims : 0,
      horizon: tal.T,
      turns: t.steps.length,
      responseTokens: opts.tokens ? responseTokens(t, opts.includeToolResponses) : null,
      correct,
      verdict: t.verdict,
      formatOk: fmt,
    };
  });
}

export function callRowsOf(
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
): Array<Record<string, string | number | boolean | null>> {
  const rowsOf = indexLabels(labels);
  const out: Array<Record<string, string | number | boolean | null>> = [];
  for (const t of trajectories) {
    const ls = new Map(rowsOf(t).map((r) => [r.callIndex, r]));
    for (const c of t.calls) {
      const l = ls.get(c.index);
      out.push({
        key: trajectoryKey(t),
        trajectoryId: t.id,
        index: c.index,
        step: c.step,
        tool: c.name,
        role: c.role,
        label: l?.label ?? null,
        utility: l?.utility ?? null,
        query: c.queries.join(" | ") || null,
        url: c.urls.join(" | ") || null,
        responseChars: c.response?.length ?? 0,
        error: c.error,
      });
    }
  }
  return out;
}

/** Per-trajectory metric table. */
export function trajectoryTable(
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
  opts: TableOptions = {},
) {
  return aq.from(trajectoryRows(trajectories, labels, opts));
}

/** Per-call table. */
export function callTable(trajectories: readonly Trajectory[], labels: readonly LabelRow[]) {
  return aq.from(callRowsOf(trajectories, labels));
}

const MEASURES = [...TALLY_COUNT_COLUMNS, "rho", "breadth", "depth", "horizon", "turns"] as const;

/**
 * Aggregate a trajectory table by `by` (e.g. ["model"], ["dataset"], ["step"], ["group"]):
 * `n` rows, accuracy, and the mean of every measure (plus response tokens when counted).
 */
export function aggregate(table: ReturnType<typeof trajectoryTable>, by: readonly string[]) {
  const rollups: Record<string, string> = { n: "d => op.count()", accuracy: "d => op.mean(d.correct ? 1 : 0)" };
  for (const m of MEASURES) rollups[m] = `d => op.mean(d.${m})`;
  rollups.responseTokens = "d => op.mean(d.responseTokens)";
  return table
    .groupby(...by)
    .rollup(rollups)
    .orderby(...by);
}
