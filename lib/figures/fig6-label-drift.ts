/**
 * Paper Fig. 6: mean per-rollout counts of unique_search (UNIQUESEARCH), redundant_search
 * (REDUNDANTSEARCH), unique_query (EXPLORATION + VERIFICATION) and redundant_query
 * (REDUNDANTQUERY) calls per training step.
 */
import type { Figure } from "./render-svg.js";
import { stepLineSpec } from "./step-axis.js";

export interface StepRowLike {
  step: number | null;
  nUniqS: number;
  nRedS: number;
  nExplore: number;
  nVerify: number;
  nRedQ: number;
  [k: string]: unknown;
}

export function fig6Points(rows: readonly StepRowLike[]): Array<{ step: number; kind: string; mean: number; n: number }> {
  const by = new Map<number, StepRowLike[]>();
  for (const r of rows) {
    if (r.step === null) continue;
    let a = by.get(r.step);
    if (!a) by.set(r.step, (a = []));
    a.push(r);
  }
  const out: Array<{ step: number; kind: string; mean: number; n: number }> = [];
  for (const [step, rs] of [...by.entries()].sort((a, b) => a[0] - b[0])) {
    const mean = (f: (r: StepRowLike) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
    out.push({ step, kind: "unique_search", mean: mean((r) => r.nUniqS), n: rs.length });
    out.push({ step, kind: "redundant_search", mean: mean((r) => r.nRedS), n: rs.length });
    out.push({ step, kind: "unique_query", mean: mean((r) => r.nExplore + r.nVerify), n: rs.length });
    out.push({ step, kind: "redundant_query", mean: mean((r) => r.nRedQ), n: rs.length });
  }
  return out;
}

export function fig6LabelDrift(rows: readonly StepRowLike[]): Figure {
  const data = fig6Points(rows);
  return {
    name: "fig6-label-drift",
    data,
    provenance: { figure: "fig6-label-drift", filters: { labels: "per rollout, by training step" } },
    spec: stepLineSpec("Unique and redundant tool calls per rollout during training", data, { field: "mean", title: "calls per rollout (mean)" }, { field: "kind", title: null, sort: ["unique_search", "redundant_search", "unique_query", "redundant_query"] }) as never,
  };
}
