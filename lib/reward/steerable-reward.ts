/**
 * The reward of one rollout (domain.md §4): ρ, Δ_S, Δ_Q (lib/metrics/rho-delta.ts) and Eq. 4 /
 * Eq. 8 (reward-kernel.ts) from its tallies, with B_v re-applied from per-claim checks when it
 * differs from the labels' own.
 */
import type { RewardConfig } from "./reward-config.js";
import { rebudget, type Tallies } from "../metrics/tallies.js";
import { rhoDelta } from "../metrics/rho-delta.js";
import { rewardCoefficients, rewardOf } from "./reward-kernel.js";

export interface RewardParts {
  reward: number;
  rho: number;
  deltaS: number;
  deltaQ: number;
  T: number;
}

/** Reward of one rollout. `formatOk` is R_format ∈ {0, 1}. `labelsBv` is the B_v the labels were made with. */
export function rolloutReward(
  t: Tallies,
  correct: boolean,
  formatOk: boolean,
  cfg: RewardConfig,
  labelsBv = 1,
): RewardParts {
  const tal = cfg.Bv !== labelsBv ? (rebudget(t, cfg.Bv) ?? t) : t;
  const { T, rho, deltaS, deltaQ } = rhoDelta(tal, cfg);
  const reward = rewardOf(rewardCoefficients(cfg), correct, formatOk ? 1 : 0, rho, deltaS, deltaQ);
  return { reward, rho, deltaS, deltaQ, T };
}
