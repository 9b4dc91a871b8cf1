/**
 * Means over groups with a seeded percentile bootstrap: the groups (not the rollouts) are the
 * unit resampled, since rollouts of one prompt are not independent. One resampling of the groups
 * serves every measure (their intervals come from the same draws). The stream is `xorshift32`
 * (lib/io/rng.ts): same seed, same intervals.
 */
import { xorshift32 } from "../io/rng.js";

/** A mean over groups and its bootstrap interval (NaN when there is no group). */
export interface Interval {
  value: number;
  lo: number;
  hi: number;
}

export interface BootstrapSpec {
  /** Bootstrap resamples; 0 gives no interval (lo = hi = NaN). */
  resamples: number;
  /** Coverage of the percentile interval, e.g. 0.95. */
  level: number;
  seed: number;
}

/** Type-7 quantile of sorted values. */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The mean of each measure's per-group values (`perGroup[m][g]`, every measure over the same
 * groups) and its percentile bootstrap interval over the groups.
 */
export function groupMeanIntervals(perGroup: readonly Float64Array[], spec: BootstrapSpec): Interval[] {
  const m = perGroup[0]?.length ?? 0;
  const out: Interval[] = perGroup.map((v) => {
    let s = 0;
    for (let g = 0; g < m; g++) s += v[g]!;
    return { value: m ? s / m : NaN, lo: NaN, hi: NaN };
  });
  if (!m || spec.resamples <= 0) return out;
  const B = spec.resamples;
  const rand = xorshift32(spec.seed, 0x2545f491);
  const picks = new Int32Array(B * m);
  for (let k = 0; k < picks.length; k++) picks[k] = Math.floor(rand() * m);
  const draws = perGroup.map((v) => {
    const d = new Float64Array(B);
    for (let b = 0, k = 0; b < B; b++) {
      let s = 0;
      for (const end = k + m; k < end; k++) s += v[picks[k]!]!;
      d[b] = s / m;
    }
    return d;
  });
  const a = (1 - spec.level) / 2;
  draws.forEach((d, j) => {
    d.sort();
    out[j]!.lo = quantile(d, a);
    out[j]!.hi = quantile(d, 1 - a);
  });
  return out;
}
