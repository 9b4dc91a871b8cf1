/**
 * Counterfactual replay: the rewards a corpus's rollouts would get under another setting,
 * from its tallies in typed arrays (no re-labelling; B_v re-applied from the per-claim checks
 * when it differs from the labels' own).
 */
import type { TallyArrays } from "../metrics/tally-arrays.js";
import { budgetedChecks } from "../metrics/tallies.js";
import { countedCalls, queryNovelty, redundancyRate, searchNovelty } from "../metrics/rho-delta.js";
import type { RewardConfig } from "./reward-config.js";
import { fillRewards, rewardCoefficients, type RewardColumns } from "./reward-kernel.js";

/** ρ, Δ_S, Δ_Q and n_verify of every rollout under one setting, beside its class and R_format. */
export interface ReplayColumns extends RewardColumns {
  nVerify: Float64Array;
  /** n_RedQ under the setting's B_v (the labels' own when B_v is theirs). */
  nRedQ: Float64Array;
}

/** The settings the replay columns depend on: those with the same key share them. */
export function replayKey(c: RewardConfig): string {
  return `${c.Bv}|${c.countT}|${c.clipDelta}|${c.rhoWhenNoCalls}`;
}

/** The replay columns of every rollout under `cfg` (same order as the arrays). */
export function replayColumns(a: TallyArrays, cfg: RewardConfig): ReplayColumns {
  const n = a.n;
  const rho = new Float64Array(n);
  const dS = new Float64Array(n);
  const dQ = new Float64Array(n);
  const nVerify = new Float64Array(n);
  const nRedQ = new Float64Array(n);
  const rebudget = cfg.Bv !== a.labelsBv;
  const b = { verify: 0, extra: 0 };
  for (let i = 0; i < n; i++) {
    let v = a.nVerify[i]!;
    let rq = a.nRedQ[i]!;
    if (rebudget && a.hasClaims[i]) {
      budgetedChecks(a.checks, a.checkStart[i]!, a.checkStart[i + 1]!, cfg.Bv, b);
      v = b.verify;
      rq = a.nRedQFixed[i]! + b.extra;
    }
    const T = countedCalls(a.T[i]!, a.labelled[i]!, cfg.countT);
    rho[i] = redundancyRate(a.nRedS[i]!, rq, T, cfg.rhoWhenNoCalls);
    dS[i] = searchNovelty(a.nUniqS[i]!, a.nRedS[i]!, cfg.clipDelta);
    dQ[i] = queryNovelty(a.nExplore[i]!, v, rq, cfg.clipDelta);
    nVerify[i] = v;
    nRedQ[i] = rq;
  }
  return { correct: a.correct, formatOk: a.formatOk, rho, dS, dQ, nVerify, nRedQ };
}

/** Rewards of every rollout under one setting (same order as the arrays). */
export function replayRewards(
  a: TallyArrays,
  cfg: RewardConfig,
  cols: RewardColumns = replayColumns(a, cfg),
  out = new Float64Array(a.n),
): Float64Array {
  return fillRewards(rewardCoefficients(cfg), cols, out);
}
