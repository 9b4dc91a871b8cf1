/**
 * Paper Fig. 6: mean per-rollout counts of unique search (UNIQUESEARCH), redundant search
 * (REDUNDANTSEARCH), unique query (EXPLORATION + VERIFICATION) and redundant query (REDUNDANTQUERY)
 * calls per training step, with a ±1 standard-error band and the rollouts per step (n). Colours
 * as in the paper: unique search blue, redundant search orange, unique query green, redundant
 * query red. Several runs (`runOf`) are told apart by the line's dash.
 */
import type { Figure } from "./render-svg.js";
import type { FigureSizeInput } from "./figure-size.js";
import { meanSe, stepLineFigure, type StepPoint } from "./step-axis.js";

export interface StepRowLike {
  step: number | null;
  nUniqS: number;
  nRedS: number;
  nExplore: number;
  nVerify: number;
  nRedQ: number;
  [k: string]: unknown;
}

/** The four series, in the paper's order and colours. */
export const FIG6_SERIES = [
  { kind: "unique search", colour: "#1f77b4", of: (r: StepRowLike) => r.nUniqS },
  { kind: "redundant search", colour: "#ff7f0e", of: (r: StepRowLike) => r.nRedS },
  { kind: "unique query", colour: "#2ca02c", of: (r: StepRowLike) => r.nExplore + r.nVerify },
  { kind: "redundant query", colour: "#d62728", of: (r: StepRowLike) => r.nRedQ },
] as const;

export interface Fig6Options extends FigureSizeInput {
  /** The run a row belongs to (runs are drawn with different dashes); default: one run. */
  runOf?: (r: StepRowLike) => string;
  title?: string;
}

export function fig6Points(
  rows: readonly StepRowLike[],
  runOf: (r: StepRowLike) => string = () => "",
): Array<StepPoint & { run: string; kind: string }> {
  const by = new Map<string, StepRowLike[]>();
  for (const r of rows) {
    if (r.step === null) continue;
    const k = `${runOf(r)}\u0000${r.step}`;
    let a = by.get(k);
    if (!a) by.set(k, (a = []));
    a.push(r);
  }
  const keys = [...by.keys()].sort((a, b) => {
    const [ra, sa] = a.split("\u0000");
    const [rb, sb] = b.split("\u0000");
    return ra! < rb! ? -1 : ra! > rb! ? 1 : Number(sa) - Number(sb);
  });
  const out: Array<StepPoint & { run: string; kind: string }> = [];
  for (const key of keys) {
    const [run, step] = key.split("\u0000");
    const rs = by.get(key)!;
    for (const s of FIG6_SERIES) {
      const { mean, se, n } = meanSe(rs.map(s.of));
      out.push({ run: run!, step: Number(step), kind: s.kind, mean, lo: mean - se, hi: mean + se, n });
    }
  }
  return out;
}

export function fig6LabelDrift(rows: readonly StepRowLike[], opts: Fig6Options = {}): Figure {
  return stepLineFigure({
    name: "fig6-label-drift",
    title: opts.title ?? "Unique and redundant calls per rollout in training",
    yTitle: "calls per rollout",
    data: fig6Points(rows, opts.runOf),
    size: opts,
    encode: (runs) => ({
      colour: {
        field: "kind",
        title: null,
        domain: FIG6_SERIES.map((s) => s.kind),
        range: FIG6_SERIES.map((s) => s.colour),
      },
      dash: runs.length > 1 ? { field: "run", title: "run", domain: runs } : null,
    }),
    filters: (runs) => ({ labels: "per rollout, by training step", runs }),
  });
}
