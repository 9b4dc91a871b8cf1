/**
 * The rewards of the paper, exactly (domain.md §4):
 *
 *   ρ = (n_redS + n_redQ) / T,  Δ_S = n_uniqS − n_redS,  Δ_Q = (n_explore + n_verify) − n_redQ
 *   Eq. 4 (vanilla):   r = w_f·R_format + w_c·1[correct]
 *   Eq. 8 (steerable): correct   r = w_f·R_format + max(1 − ρ, floor)
 *                      incorrect r = w_f·R_format + c1·min(1, Δ_S/C_S) + c2·min(1, Δ_Q/C_Q)
 *
 * Options: Δ literal (may be negative) or clipped at 0; ρ := rhoWhenNoCalls when T = 0; T counts
 * every call or only labelled ones; B_v re-applied from per-claim checks when it differs from
 * the labels' own.
 */
import type { RewardConfig } from "./reward-config.js";
import { rebudget, type Tallies } from "../metrics/tallies.js";

export interface RewardParts {
  reward: number;
  rho: number;
  deltaS: number;
  deltaQ: number;
  T: number;
}

/** Reward of one rollout. `formatOk` is R_format ∈ {0, 1}. `labelsBv` is the B_v the labels were made with. */
export function rolloutReward(t: Tallies, correct: boolean, formatOk: boolean, cfg: RewardConfig, labelsBv = 1): RewardParts {
  let tal = t;
  if (cfg.Bv !== labelsBv) tal = rebudget(t, cfg.Bv) ?? t;
  const T = cfg.countT === "all" ? tal.T : tal.labelled;
  const rho = T === 0 ? cfg.rhoWhenNoCalls : (tal.nRedS + tal.nRedQ) / T;
  let deltaS = tal.nUniqS - tal.nRedS;
  let deltaQ = tal.nExplore + tal.nVerify - tal.nRedQ;
  if (cfg.clipDelta) {
    deltaS = Math.max(0, deltaS);
    deltaQ = Math.max(0, deltaQ);
  }
  const fmt = cfg.formatWeight * (formatOk ? 1 : 0);
  let reward: number;
  if (cfg.stage === "vanilla") reward = fmt + cfg.correctWeight * (correct ? 1 : 0);
  else if (correct) reward = fmt + Math.max(1 - rho, cfg.floor);
  else reward = fmt + cfg.c1 * Math.min(1, deltaS / cfg.CS) + cfg.c2 * Math.min(1, deltaQ / cfg.CQ);
  return { reward, rho, deltaS, deltaQ, T };
}
