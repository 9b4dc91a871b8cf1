/**
 * Guardrails on a reward setting, checked from the formulas (not from a sample):
 * - `incorrect-can-beat-correct`: some incorrect rollout can score more than some correct one.
 *   Under Eq. 8 the best incorrect score is w_f + c1⁺ + c2⁺ (R_format = 1, both Δ saturated;
 *   unbounded when a weight is negative and Δ is not clipped, since Δ can be any negative
 *   number) and the worst correct score is max(floor, 0) (R_format = 0, ρ = 1), so it fires
 *   exactly when w_f + c1⁺ + c2⁺ > max(floor, 0). Under Eq. 4 it fires when w_f > w_c.
 * - `redundancy-pays`: a redundant call can raise the reward (negative c1/c2 make Δ's loss a gain).
 */
import type { RewardConfig } from "./reward-config.js";

export interface Guardrail {
  code: "incorrect-can-beat-correct" | "redundancy-pays";
  message: string;
}

export function rewardGuardrails(cfg: RewardConfig): Guardrail[] {
  const out: Guardrail[] = [];
  const pos = (x: number) => Math.max(0, x);
  if (cfg.stage === "vanilla") {
    if (cfg.formatWeight > cfg.correctWeight)
      out.push({
        code: "incorrect-can-beat-correct",
        message: `a well-formatted incorrect rollout (${cfg.formatWeight}) outscores a badly formatted correct one (${cfg.correctWeight})`,
      });
    return out;
  }
  // a negative weight times an unclipped, negative Δ (many redundant calls) grows without bound
  const term = (c: number) => (c >= 0 ? c : cfg.clipDelta ? 0 : Infinity);
  const bestIncorrect = cfg.formatWeight + term(cfg.c1) + term(cfg.c2);
  const worstCorrect = pos(cfg.floor);
  if (bestIncorrect > worstCorrect + 1e-12) {
    out.push({
      code: "incorrect-can-beat-correct",
      message: `an incorrect rollout can reach ${Number.isFinite(bestIncorrect) ? round(bestIncorrect) : "any score (negative weight × negative Δ)"} while a correct one can get ${round(worstCorrect)}`,
    });
  }
  if (cfg.c1 < 0 || cfg.c2 < 0)
    out.push({
      code: "redundancy-pays",
      message: `negative ${cfg.c1 < 0 ? "c1" : "c2"}: redundant calls raise the reward of incorrect rollouts`,
    });
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
