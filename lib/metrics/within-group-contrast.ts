/**
 * Within-group contrasts: what separates success from failure on the same question. For each
 * measure (labels, breadth, depth, horizon, response tokens when given), over the groups holding
 * both correct and incorrect rollouts:
 *
 *   C_b = mean over those groups of ( mean of n_b over the group's correct rollouts
 *                                    − mean of n_b over its incorrect rollouts )
 *
 * with a seeded percentile bootstrap interval over the groups (lib/metrics/group-bootstrap.ts).
 * Comparing inside a prompt removes the prompt's difficulty from the difference.
 */
import { z } from "zod";
import { behaviourColumns, measuresOf, type BehaviourColumns, type BehaviourMeasure } from "./behaviour-columns.js";
import { groupMeanIntervals, type Interval } from "./group-bootstrap.js";
import type { TallyArrays } from "./tally-arrays.js";

export const ContrastOptionsSchema = z
  .object({
    /** Bootstrap resamples over groups (1000); 0 for no interval. */
    resamples: z.number().int().min(0).default(1000),
    /** Coverage of the interval (0.95). */
    level: z.number().gt(0).lt(1).default(0.95),
    /** Seed of the bootstrap draws (0). */
    seed: z.number().int().min(0).default(0),
  })
  .strict();

export type ContrastOptionsInput = z.input<typeof ContrastOptionsSchema>;

export interface ContrastResult {
  /** Groups with both correct and incorrect rollouts: the groups the means are over. */
  groups: number;
  contrast: Partial<Record<BehaviourMeasure, Interval>>;
}

/** Contrasts from columns: `correct` per slot, group g the slots [groupStart[g], groupStart[g+1]). */
export function groupedContrast(
  groupStart: ArrayLike<number>,
  correct: ArrayLike<number | boolean>,
  columns: BehaviourColumns,
  opts: ContrastOptionsInput = {},
): ContrastResult {
  const parsed = ContrastOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`contrast options: ${i?.path.join(".") || "(root)"}: ${i?.message ?? "invalid"}`);
  }
  const mixed: Array<[number, number]> = [];
  for (let g = 0; g + 1 < groupStart.length; g++) {
    let c = 0;
    for (let i = groupStart[g]!; i < groupStart[g + 1]!; i++) if (correct[i]) c++;
    if (c > 0 && c < groupStart[g + 1]! - groupStart[g]!) mixed.push([groupStart[g]!, groupStart[g + 1]!]);
  }
  const measures = measuresOf(columns);
  const perGroup = measures.map((m) => {
    const col = columns[m]!;
    return Float64Array.from(mixed, ([from, to]) => {
      let sc = 0;
      let nc = 0;
      let si = 0;
      let ni = 0;
      for (let i = from; i < to; i++) {
        if (correct[i]) {
          sc += col[i]!;
          nc++;
        } else {
          si += col[i]!;
          ni++;
        }
      }
      return sc / nc - si / ni;
    });
  });
  const iv = groupMeanIntervals(perGroup, parsed.data);
  const contrast: ContrastResult["contrast"] = {};
  measures.forEach((m, j) => (contrast[m] = iv[j]!));
  return { groups: mixed.length, contrast };
}

/** Within-group contrasts of a corpus's tally arrays (response tokens optional, one per slot). */
export function withinGroupContrast(
  a: TallyArrays,
  opts: ContrastOptionsInput & { responseTokens?: ArrayLike<number> } = {},
): ContrastResult {
  const { responseTokens, ...rest } = opts;
  return groupedContrast(a.groupStart, a.correct, behaviourColumns(a, responseTokens), rest);
}
