/**
 * Cohen's κ from counts, and its uncertainty by a seeded cluster bootstrap.
 *
 * κ = (p_o − p_e) / (1 − p_e) with p_o the share of agreeing pairs and p_e = Σ_k (a_k / n)(b_k / n);
 * when p_e = 1 (one label only on both sides) κ is 1 if they agree fully and 0 otherwise.
 *
 * The interval: calls of one trajectory are not independent (each label is judged against the
 * earlier calls of the same rollout), so the bootstrap resamples whole **clusters** (trajectories)
 * with replacement, `samples` times, from `xorshift32(seed)`, and reports the percentile interval
 * (`level`, default 95 %: the 2.5th and 97.5th percentiles, linear interpolation between order
 * statistics). Several pair sets resampled together share the same draws, so the interval of a
 * difference of two κ over the same calls (before and after calibration) is paired. A resample in
 * which a set has no pair is left out of that set's interval.
 */
import { z } from "zod";
import { parseOptions } from "../io/parse-options.js";
import { xorshift32 } from "../io/rng.js";

/** How κ intervals are drawn, each default beside its meaning. */
export const KappaBootstrapSchema = z
  .object({
    samples: z.number().int().min(0).default(1000).describe("bootstrap resamples of trajectories (0: no interval)"),
    seed: z.number().int().default(1).describe("seed of the resampling (xorshift32)"),
    level: z.number().gt(0).lt(1).default(0.95).describe("coverage of the percentile interval"),
  })
  .strict();

export type KappaBootstrap = z.output<typeof KappaBootstrapSchema>;
export type KappaBootstrapInput = z.input<typeof KappaBootstrapSchema>;

/** A percentile interval of κ (or of a difference of two κ). */
export interface KappaInterval {
  lo: number;
  hi: number;
}

/** κ of counts: `n` pairs, `agree` of them equal, `a[k]` / `b[k]` pairs with label k on each side. */
export function kappaFromCounts(n: number, agree: number, a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (n === 0) return 0;
  const po = agree / n;
  let pe = 0;
  for (let k = 0; k < a.length; k++) pe += (a[k]! / n) * (b[k]! / n);
  return pe >= 1 ? (po === 1 ? 1 : 0) : (po - pe) / (1 - pe);
}

/** One labelled pair and the cluster (trajectory) it belongs to. */
export interface ClusteredPair {
  cluster: string;
  a: string;
  b: string;
}

/** Type-7 quantile of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  const j = Math.min(i + 1, sorted.length - 1);
  return sorted[i]! + (h - i) * (sorted[j]! - sorted[i]!);
}

/**
 * Bootstrap intervals of κ for several pair sets at once (same cluster draws for all), and of the
 * differences `κ[i] − κ[j]` for the index pairs in `differences`. `null` for a set with no pair, or
 * when `samples` is 0.
 */
export function kappaIntervals(
  sets: ReadonlyArray<readonly ClusteredPair[]>,
  options: KappaBootstrapInput = {},
  differences: ReadonlyArray<readonly [number, number]> = [],
): { kappa: Array<KappaInterval | null>; differences: Array<KappaInterval | null> } {
  const o = parseOptions(KappaBootstrapSchema, options, "κ bootstrap options");
  const names = [...new Set(sets.flatMap((s) => s.map((p) => p.cluster)))].sort();
  const clusterOf = new Map(names.map((c, i) => [c, i]));
  const C = names.length;
  // per set: label index, and per cluster [n, agree, a_0..a_L-1, b_0..b_L-1]
  const stats = sets.map((pairs) => {
    const labels = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
    const li = new Map(labels.map((l, i) => [l, i]));
    const L = labels.length;
    const w = 2 + 2 * L;
    const m = new Float64Array(C * w);
    for (const p of pairs) {
      const base = clusterOf.get(p.cluster)! * w;
      m[base]!++;
      if (p.a === p.b) m[base + 1]!++;
      m[base + 2 + li.get(p.a)!]!++;
      m[base + 2 + L + li.get(p.b)!]!++;
    }
    return { L, w, m, empty: pairs.length === 0 };
  });
  const none = { kappa: sets.map(() => null), differences: differences.map(() => null) };
  if (o.samples === 0 || C === 0) return none;
  const rand = xorshift32(o.seed);
  const draws = sets.map(() => [] as number[]);
  const diffDraws = differences.map(() => [] as number[]);
  const weight = new Float64Array(C);
  const kap = new Array<number>(sets.length);
  for (let s = 0; s < o.samples; s++) {
    weight.fill(0);
    for (let i = 0; i < C; i++) weight[Math.min(C - 1, Math.floor(rand() * C))]!++;
    stats.forEach((st, k) => {
      const sum = new Float64Array(st.w);
      for (let c = 0; c < C; c++) {
        const wc = weight[c]!;
        if (wc === 0) continue;
        const base = c * st.w;
        for (let j = 0; j < st.w; j++) sum[j]! += wc * st.m[base + j]!;
      }
      const n = sum[0]!;
      kap[k] = n === 0 ? NaN : kappaFromCounts(n, sum[1]!, sum.subarray(2, 2 + st.L), sum.subarray(2 + st.L));
      if (n > 0) draws[k]!.push(kap[k]!);
    });
    differences.forEach(([i, j], d) => {
      if (!Number.isNaN(kap[i]!) && !Number.isNaN(kap[j]!)) diffDraws[d]!.push(kap[i]! - kap[j]!);
    });
  }
  const tail = (1 - o.level) / 2;
  const interval = (xs: number[]): KappaInterval | null => {
    if (!xs.length) return null;
    const sorted = xs.sort((x, y) => x - y);
    return { lo: quantile(sorted, tail), hi: quantile(sorted, 1 - tail) };
  };
  return {
    kappa: draws.map((d, k) => (stats[k]!.empty ? null : interval(d))),
    differences: diffDraws.map(interval),
  };
}
