/**
 * The means-only sweep (`sweep(…, { groups: false })`): the mean reward of correct and incorrect
 * rollouts under a setting in O(log n), from sorted prefix sums of 1 − ρ, Δ_S and Δ_Q. Eq. 4 /
 * Eq. 8 are linear in their clamped terms, so a class's Σ reward is the kernel's class formula
 * over Σ max(1 − ρ, floor), Σ min(1, Δ_S/C_S) and Σ min(1, Δ_Q/C_Q), each a binary search.
 */
import type { RewardConfig } from "./reward-config.js";
import { correctReward, incorrectReward, rewardCoefficients } from "./reward-kernel.js";
import type { ReplayColumns } from "./replay.js";
import type { MeansOnly } from "./sweep-row.js";

/** Sorted values with prefix sums: sums of clamped values in O(log n). */
export class SortedSums {
  readonly v: Float64Array;
  readonly prefix: Float64Array;
  constructor(values: Float64Array) {
    this.v = Float64Array.from(values).sort();
    this.prefix = new Float64Array(this.v.length + 1);
    for (let i = 0; i < this.v.length; i++) this.prefix[i + 1] = this.prefix[i]! + this.v[i]!;
  }
  /** Number of values < x. */
  below(x: number): number {
    let lo = 0;
    let hi = this.v.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.v[m]! < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  /** Σ_i max(v_i, floor). */
  sumFloored(floor: number): number {
    const k = this.below(floor); // values below the floor are raised to it
    return floor * k + (this.prefix[this.v.length]! - this.prefix[k]!);
  }
  /** Σ_i min(1, v_i · inv) for inv > 0. */
  sumSaturated(inv: number): number {
    const k = this.below(1 / inv);
    return this.prefix[k]! * inv + (this.v.length - k);
  }
}

/** What the means of one setting key need: class sizes, Σ R_format per class, the sorted terms. */
export interface MeanParts {
  nc: number;
  ni: number;
  fmtC: number;
  fmtI: number;
  /** 1 − ρ of the correct rollouts. */
  a: SortedSums;
  /** Δ_S and Δ_Q of the incorrect rollouts. */
  s: SortedSums;
  q: SortedSums;
}

export function meanParts(cols: ReplayColumns): MeanParts {
  const ca: number[] = [];
  const is: number[] = [];
  const iq: number[] = [];
  let fmtC = 0;
  let fmtI = 0;
  for (let i = 0; i < cols.correct.length; i++) {
    if (cols.correct[i]) {
      ca.push(1 - cols.rho[i]!);
      fmtC += cols.formatOk[i]!;
    } else {
      is.push(cols.dS[i]!);
      iq.push(cols.dQ[i]!);
      fmtI += cols.formatOk[i]!;
    }
  }
  const sorted = (x: number[]) => new SortedSums(Float64Array.from(x));
  return { nc: ca.length, ni: is.length, fmtC, fmtI, a: sorted(ca), s: sorted(is), q: sorted(iq) };
}

/** Mean reward of correct and incorrect rollouts under one setting, in O(log n). */
export function fastMeans(m: MeanParts, cfg: RewardConfig): MeansOnly {
  const k = rewardCoefficients(cfg);
  const sumC = correctReward(k, m.nc, m.fmtC, m.a.sumFloored(k.floor));
  const sumI = incorrectReward(k, m.fmtI, m.s.sumSaturated(k.invS), m.q.sumSaturated(k.invQ));
  return { meanCorrect: m.nc ? sumC / m.nc : NaN, meanIncorrect: m.ni ? sumI / m.ni : NaN, nc: m.nc, ni: m.ni };
}
