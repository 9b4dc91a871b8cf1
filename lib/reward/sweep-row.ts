/**
 * A sweep's row for one setting (means, separation, shares, warnings), built from the sums one
 * pass gathers, whether that pass ran over typed arrays (`sweep`) or in SQL (`corpusSweep`):
 *
 * - meanCorrect / meanIncorrect and their separation (meanCorrect − meanIncorrect);
 * - informativeGroups: share of groups (≥ 2 rollouts) with σ > 0, i.e. that give GRPO a signal;
 * - rankChanges: rollouts whose rank within their group (number of group members with a
 *   strictly higher reward) differs from the reference setting (the first one given);
 * - groupsIncorrectAbove: groups where some incorrect rollout outscores some correct one;
 * - favoured breadth / depth / horizon: means over the rollouts the setting would reinforce
 *   (reward above their group's mean, in informative groups): what the setting pushes towards;
 * - warnings: the formula guardrails (`rewardGuardrails`), `incorrect-above-correct` when it
 *   happens on this corpus, and `no-effect` when the setting differs from the reference but
 *   gives every rollout the same reward.
 */
import { rewardGuardrails, type Guardrail } from "./guardrails.js";
import type { GroupPassResult } from "./group-pass.js";
import type { RewardConfig } from "./reward-config.js";
import type { ClassSums } from "./rollout-types.js";

export interface SweepRow {
  setting: number;
  config: RewardConfig;
  meanCorrect: number;
  meanIncorrect: number;
  separation: number;
  nCorrect: number;
  nIncorrect: number;
  informativeGroups: number;
  rankChanges: number;
  groupsIncorrectAbove: number;
  favouredBreadth: number;
  favouredDepth: number;
  favouredHorizon: number;
  warnings: Array<Guardrail | { code: "incorrect-above-correct" | "no-effect"; message: string }>;
}

/** The sums one pass (typed arrays or SQL) gathers for a setting. */
export interface SweepSums extends ClassSums, GroupPassResult {
  setting: number;
  config: RewardConfig;
  /** Every rollout gets the reference's reward. */
  same: boolean;
}

/** A sweep row (means, shares, warnings) from a setting's sums; shared by `sweep` and `corpusSweep`. */
export function sweepRowFrom(x: SweepSums): SweepRow {
  const warnings: SweepRow["warnings"] = [...rewardGuardrails(x.config)];
  if (x.incAbove) {
    const message = `in ${x.incAbove} group(s) of this corpus an incorrect rollout outscores a correct one`;
    warnings.push({ code: "incorrect-above-correct", message });
  }
  if (x.same) {
    const message = "this setting gives every rollout of the corpus the same reward as the reference";
    warnings.push({ code: "no-effect", message });
  }
  return {
    setting: x.setting,
    config: x.config,
    meanCorrect: x.nc ? x.sc / x.nc : NaN,
    meanIncorrect: x.ni ? x.sInc / x.ni : NaN,
    separation: x.nc && x.ni ? x.sc / x.nc - x.sInc / x.ni : NaN,
    nCorrect: x.nc,
    nIncorrect: x.ni,
    informativeGroups: x.multi ? x.informative / x.multi : NaN,
    rankChanges: x.changes,
    groupsIncorrectAbove: x.incAbove,
    favouredBreadth: x.fav ? x.fb / x.fav : NaN,
    favouredDepth: x.fav ? x.fd / x.fav : NaN,
    favouredHorizon: x.fav ? x.fh / x.fav : NaN,
    warnings,
  };
}

/** A means-only row: the group statistics are NaN, the warnings the formula's own. */
export function meansOnlyRow(setting: number, config: RewardConfig, m: MeansOnly): SweepRow {
  return {
    setting,
    config,
    meanCorrect: m.meanCorrect,
    meanIncorrect: m.meanIncorrect,
    separation: m.meanCorrect - m.meanIncorrect,
    nCorrect: m.nc,
    nIncorrect: m.ni,
    informativeGroups: NaN,
    rankChanges: NaN,
    groupsIncorrectAbove: NaN,
    favouredBreadth: NaN,
    favouredDepth: NaN,
    favouredHorizon: NaN,
    warnings: [...rewardGuardrails(config)],
  };
}

export interface MeansOnly {
  meanCorrect: number;
  meanIncorrect: number;
  nc: number;
  ni: number;
}
