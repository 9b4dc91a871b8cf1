/**
 * The steerable reward's settings (domain.md §4), every constant a named option with the
 * paper's default, and the open points as documented options. A reward spec is a config plus
 * its content hash, which the exported verl reward returns so rollout dumps carry it back.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../io/canonical-json.js";
import { EQ7_DEFAULTS } from "../metrics/rho-delta.js";

export const RewardConfigSchema = z
  .object({
    /** "steerable" (Eq. 8, Stage 2) or "vanilla" (Eq. 4, Stage 1). */
    stage: z.enum(["steerable", "vanilla"]).default("steerable"),
    /** Weight of R_format (0.1). */
    formatWeight: z.number().default(0.1),
    /** Eq. 4: weight of correctness (0.9). */
    correctWeight: z.number().default(0.9),
    /** Eq. 8 correct branch: floor of 1 − ρ (0.5). */
    floor: z.number().default(0.5),
    /** Eq. 8 incorrect branch: weights of the search and query novelty terms (0.2, 0.2). */
    c1: z.number().default(0.2),
    c2: z.number().default(0.2),
    /** Saturation thresholds of Δ_S and Δ_Q (8, 16). */
    CS: z.number().positive().default(8),
    CQ: z.number().positive().default(16),
    /** Verifications credited per claim (1). Changing it re-labels checks (needs claim data). */
    Bv: z.number().int().nonnegative().default(1),
    /** Δ can be negative (literal formula, default) or clipped at 0. */
    clipDelta: z.boolean().default(EQ7_DEFAULTS.clipDelta),
    /** ρ when T = 0 (0). */
    rhoWhenNoCalls: z.number().min(0).max(1).default(EQ7_DEFAULTS.rhoWhenNoCalls),
    /** What T counts: every tool call ("all", default) or only calls with a behaviour label ("labelled"). */
    countT: z.enum(["all", "labelled"]).default(EQ7_DEFAULTS.countT),
  })
  .strict();

export type RewardConfig = z.infer<typeof RewardConfigSchema>;
export type RewardConfigInput = z.input<typeof RewardConfigSchema>;

export const DEFAULT_REWARD: Readonly<RewardConfig> = Object.freeze(RewardConfigSchema.parse({}));

/** Version of the reward formulas; part of every spec hash. */
export const REWARD_VERSION = "steerable-reward-1";

/** Validate and complete a config; throws a readable message on a bad field. */
export function rewardConfig(input: RewardConfigInput = {}, where = "reward config"): RewardConfig {
  const r = RewardConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new Error(`${where}: ${i?.path.join(".") || "(root)"}: ${i?.message ?? "invalid"}`);
}

/** "sha256:" + 16 hex digits over the formula version and the canonical config. */
export function rewardSpecHash(cfg: RewardConfig): string {
  return (
    "sha256:" +
    createHash("sha256").update(REWARD_VERSION).update("\u0000").update(canonicalJson(cfg)).digest("hex").slice(0, 16)
  );
}
