/**
 * A report's payload from loaded trajectories and their labels: the tallies of every rollout
 * (`tallyArrays`, so the page replays exactly what `sweep` and `sounding reward` compute), the
 * table's columns, and the full text of a stratified sample (report-sample.ts).
 */
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { trajectoryKey } from "../trajectory/ids.js";
import { tallyArrays } from "../metrics/tally-arrays.js";
import { indexLabels } from "../metrics/tables.js";
import { stratifiedSample } from "./report-sample.js";
import type { ReportOptions } from "./report-options.js";
import { VERDICTS, type ReportPayload } from "./report-payload.js";

/** The strata of the sample, as the page says them. */
export const SAMPLE_STRATA = "dataset, verdict and step";

/** Index of each distinct value, in order of first appearance (null → −1). */
export function dictionary(values: ReadonlyArray<string | null>): { names: string[]; codes: number[] } {
  const at = new Map<string, number>();
  const names: string[] = [];
  const codes = values.map((v) => {
    if (v === null) return -1;
    let i = at.get(v);
    if (i === undefined) {
      at.set(v, (i = names.length));
      names.push(v);
    }
    return i;
  });
  return { names, codes };
}

function meanUtility(rows: readonly LabelRow[]): number | null {
  let s = 0;
  let n = 0;
  for (const r of rows)
    if (r.utility !== null && r.utility !== undefined) {
      s += r.utility;
      n++;
    }
  return n ? s / n : null;
}

/** A trajectory as the page shows it: what the viewer and the search read (no parsed arguments, no extra fields). */
function shown(t: Trajectory): Trajectory {
  return { ...t, calls: t.calls.map((c) => ({ ...c, parsedArguments: null })), extra: {} };
}

export function reportPayload(
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
  opts: ReportOptions,
): ReportPayload {
  const a = tallyArrays(trajectories, labels, opts.labelsBv);
  const byKey = new Map(trajectories.map((t) => [trajectoryKey(t), t]));
  const ordered = a.keys.map((k) => byKey.get(k)!);
  const rowsOf = indexLabels(labels);
  const mine = ordered.map((t) => rowsOf(t));
  const files = dictionary(ordered.map((t) => t.provenance.source.file));
  const datasets = dictionary(ordered.map((t) => t.provenance.dataset));
  const models = dictionary(ordered.map((t) => t.provenance.model));
  const verdict = ordered.map((t) => VERDICTS.indexOf(t.verdict));
  const step = ordered.map((t) => t.provenance.trainingStep);
  const strata = ordered.map((t, i) => `${datasets.codes[i]}|${verdict[i]}|${step[i] ?? ""}`);
  const sampled = stratifiedSample(strata, opts.sample, opts.seed);
  const questions = Array.from({ length: a.groupIds.length }, (_, g) => ordered[a.groupStart[g]!]!.question);
  const list = (x: ArrayLike<number>) => Array.from(x);
  return {
    version: 1,
    title: opts.title,
    source: opts.source,
    n: a.n,
    labelsBv: a.labelsBv,
    base: opts.config,
    sample: { size: sampled.length, requested: opts.sample, strata: SAMPLE_STRATA, seed: opts.seed },
    textNote: "the whole trajectory: reasoning, queries, URLs, tool responses and answers",
    files: files.names,
    datasets: datasets.names,
    models: models.names,
    groups: { id: a.groupIds, question: questions },
    groupStart: list(a.groupStart),
    rows: {
      id: ordered.map((t) => t.id),
      file: files.codes,
      line: ordered.map((t) => t.provenance.source.line),
      dataset: datasets.codes,
      model: models.codes,
      step,
      verdict,
      T: list(a.T),
      labelled: list(a.labelled),
      nUniqS: list(a.nUniqS),
      nRedS: list(a.nRedS),
      nExplore: list(a.nExplore),
      nVerify: list(a.nVerify),
      nRedQ: list(a.nRedQ),
      nRedQFixed: list(a.nRedQFixed),
      hasClaims: list(a.hasClaims),
      correct: list(a.correct),
      formatOk: list(a.formatOk),
      utility: mine.map(meanUtility),
      responseChars: ordered.map((t) => t.steps.reduce((s, st) => s + st.text.length + st.reasoning.length, 0)),
      checkStart: list(a.checkStart),
      checks: list(a.checks),
    },
    text: { row: sampled, trajectories: sampled.map((i) => shown(ordered[i]!)), labels: sampled.map((i) => mine[i]!) },
  };
}
