/**
 * Eq. 4 and Eq. 8 (domain.md §4), defined once for every TypeScript path: the per-rollout reward
 * (`rolloutReward`), the typed-array replay (`replayRewards`), the per-type rewards of `sweep` and
 * the class sums of its means-only mode. ρ, Δ_S and Δ_Q come from lib/metrics/rho-delta.ts; the
 * SQL form of both is lib/corpus/reward-sql.ts (same IEEE operations in the same order).
 *
 *   Eq. 4 (vanilla):   r = w_f·R_format + w_c·1[correct]
 *   Eq. 8 (steerable): correct   r = w_f·R_format + max(1 − ρ, floor)
 *                      incorrect r = w_f·R_format + c1·min(1, Δ_S/C_S) + c2·min(1, Δ_Q/C_Q)
 *
 * Both are linear in their terms, so the sum over n rollouts of one class is the same formula
 * over the sums of the terms: `correctReward(k, n, Σ R_format, Σ max(1 − ρ, floor))` and
 * `incorrectReward(k, Σ R_format, Σ min(1, Δ_S/C_S), Σ min(1, Δ_Q/C_Q))`; for one rollout every
 * sum is its own term (n = 1). Δ/C is computed as Δ·(1/C), the reciprocal taken once per setting.
 */
import type { RewardConfig } from "./reward-config.js";

/** A setting's constants as the kernel uses them. */
export interface RewardCoefficients {
  /** Eq. 4 (true) or Eq. 8. */
  vanilla: boolean;
  formatWeight: number;
  correctWeight: number;
  floor: number;
  c1: number;
  c2: number;
  /** 1 / C_S and 1 / C_Q. */
  invS: number;
  invQ: number;
}

export function rewardCoefficients(cfg: RewardConfig): RewardCoefficients {
  return {
    vanilla: cfg.stage === "vanilla",
    formatWeight: cfg.formatWeight,
    correctWeight: cfg.correctWeight,
    floor: cfg.floor,
    c1: cfg.c1,
    c2: cfg.c2,
    invS: 1 / cfg.CS,
    invQ: 1 / cfg.CQ,
  };
}

/** Eq. 8's correct-branch term: max(1 − ρ, floor). */
export function flooredTerm(rho: number, floor: number): number {
  const x = 1 - rho;
  return x > floor ? x : floor;
}

/** Eq. 8's novelty term: min(1, Δ / C), with `inv` = 1 / C. */
export function saturatedTerm(delta: number, inv: number): number {
  const x = delta * inv;
  return x < 1 ? x : 1;
}

/**
 * Σ reward of `n` correct rollouts from Σ R_format and Σ max(1 − ρ, floor) (one rollout: n = 1,
 * its own R_format and term).
 */
export function correctReward(k: RewardCoefficients, n: number, formatSum: number, flooredSum: number): number {
  return k.formatWeight * formatSum + (k.vanilla ? k.correctWeight * n : flooredSum);
}

/**
 * Σ reward of incorrect rollouts from Σ R_format, Σ min(1, Δ_S/C_S) and Σ min(1, Δ_Q/C_Q). Eq. 4's
 * w_c·1[correct] stays a product with 1[correct] = 0: the same IEEE result (−0 included) as the SQL.
 */
export function incorrectReward(k: RewardCoefficients, formatSum: number, satS: number, satQ: number): number {
  return k.formatWeight * formatSum + (k.vanilla ? k.correctWeight * 0 : k.c1 * satS + k.c2 * satQ);
}

/** Reward of one rollout from its class, R_format ∈ {0, 1}, ρ, Δ_S and Δ_Q. */
export function rewardOf(
  k: RewardCoefficients,
  correct: boolean,
  formatOk: number,
  rho: number,
  dS: number,
  dQ: number,
): number {
  return correct
    ? correctReward(k, 1, formatOk, flooredTerm(rho, k.floor))
    : incorrectReward(k, formatOk, saturatedTerm(dS, k.invS), saturatedTerm(dQ, k.invQ));
}

/** Per-rollout columns the kernel reads (one slot per rollout, or per type of rollout). */
export interface RewardColumns {
  correct: Uint8Array;
  formatOk: Uint8Array;
  rho: Float64Array;
  dS: Float64Array;
  dQ: Float64Array;
}

/** The reward of every slot of `cols` into `out` (its first `cols.correct.length` slots). */
export function fillRewards(k: RewardCoefficients, cols: RewardColumns, out: Float64Array): Float64Array {
  const { correct, formatOk, rho, dS, dQ } = cols;
  const n = correct.length;
  for (let i = 0; i < n; i++) out[i] = rewardOf(k, correct[i] === 1, formatOk[i]!, rho[i]!, dS[i]!, dQ[i]!);
  return out;
}
