/**
 * Per-rollout behaviour measures as columns over a corpus's tally arrays (same slot order):
 * the five label counts, breadth (n_uniqS + n_explore), depth (n_verify), horizon (T, every tool
 * call) and, when the caller has them, response tokens. What pressure and within-group contrasts
 * read; a corpus's typed arrays feed them the same way.
 */
import { BehaviourLabelSchema } from "../trajectory/schema.js";
import type { TallyArrays } from "./tally-arrays.js";

/** The measures, in the order tables and figures show them: the taxonomy's five labels, then the derived ones. */
export const BEHAVIOUR_MEASURES = [
  ...BehaviourLabelSchema.options,
  "breadth",
  "depth",
  "horizon",
  "responseTokens",
] as const;

export type BehaviourMeasure = (typeof BEHAVIOUR_MEASURES)[number];

/** One column per measure (responseTokens only when given). */
export type BehaviourColumns = Partial<Record<BehaviourMeasure, Float64Array>>;

/**
 * The measures of every rollout of `a` from its labels' tallies; `responseTokens` (one per slot,
 * in the arrays' order) adds that column.
 */
export function behaviourColumns(a: TallyArrays, responseTokens?: ArrayLike<number>): BehaviourColumns {
  const n = a.n;
  if (responseTokens && responseTokens.length !== n)
    throw new Error(`responseTokens: ${responseTokens.length} values for ${n} rollouts`);
  const col = (f: (i: number) => number) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = f(i);
    return c;
  };
  const out: BehaviourColumns = {
    UNIQUESEARCH: col((i) => a.nUniqS[i]!),
    REDUNDANTSEARCH: col((i) => a.nRedS[i]!),
    EXPLORATION: col((i) => a.nExplore[i]!),
    VERIFICATION: col((i) => a.nVerify[i]!),
    REDUNDANTQUERY: col((i) => a.nRedQ[i]!),
    breadth: col((i) => a.nUniqS[i]! + a.nExplore[i]!),
    depth: col((i) => a.nVerify[i]!),
    horizon: col((i) => a.T[i]!),
  };
  if (responseTokens) out.responseTokens = Float64Array.from(responseTokens);
  return out;
}

/** The measures present in `cols`, in BEHAVIOUR_MEASURES order. */
export function measuresOf(cols: BehaviourColumns): BehaviourMeasure[] {
  return BEHAVIOUR_MEASURES.filter((m) => cols[m] !== undefined);
}
