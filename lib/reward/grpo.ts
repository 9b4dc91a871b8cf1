/**
 * GRPO and RAPO arithmetic over recorded groups (domain.md §4.1).
 *
 * - GRPO: Â_i = (r_i − μ) / σ within a group, σ the population standard deviation; a group
 *   with σ = 0 gives no signal (all advantages 0).
 * - RAPO advantage scaling (Eq. 6): Ã = (G / G_good) · Â, G_good = groups in the batch with
 *   σ > 0. G is the number of groups (prompts) in the batch by default (`scaleBy: "groups"`),
 *   or the group size (`"group-size"`), the other reading.
 * - RAPO pruning (Eq. 5): drop a prompt when SolveRate = (1/G)·Σ 1[solved] ≥ threshold (0.9),
 *   solved = correct (default, the intent) or R > 0 (`"literal"`, as printed).
 * - RAPO replay buffer: per prompt keep the latest rollout with R > 0.5; when every rollout of
 *   a group fails (R ≤ 0.5), one of them (chosen by a seeded draw) is replaced by it.
 */
import { xorshift32 } from "../io/rng.js";

export interface GroupStats {
  mean: number;
  std: number;
  advantages: number[];
  /** σ > 0: the group gives a learning signal. */
  informative: boolean;
}

export function grpoAdvantages(rewards: readonly number[]): GroupStats {
  const n = rewards.length;
  if (n === 0) return { mean: 0, std: 0, advantages: [], informative: false };
  const mean = rewards.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / n);
  const informative = std > 1e-12;
  return { mean, std, advantages: rewards.map((r) => (informative ? (r - mean) / std : 0)), informative };
}

export interface RapoOptions {
  scaleBy: "groups" | "group-size";
  pruneBy: "correctness" | "literal";
  pruneThreshold: number;
  replayThreshold: number;
  seed: number;
}

export const DEFAULT_RAPO: Readonly<RapoOptions> = Object.freeze({
  scaleBy: "groups",
  pruneBy: "correctness",
  pruneThreshold: 0.9,
  replayThreshold: 0.5,
  seed: 0,
});

export interface BatchGroup {
  id: string;
  rewards: number[];
  correct: boolean[];
}

export interface RapoBatch {
  groups: Array<GroupStats & { id: string; scaled: number[] }>;
  /** Groups with σ > 0 (G_good) and the scale G / G_good applied. */
  informativeGroups: number;
  scale: number;
}

/** GRPO advantages per group with RAPO's scaling over one batch of groups. */
export function rapoBatch(batch: readonly BatchGroup[], opts: RapoOptions = DEFAULT_RAPO): RapoBatch {
  const stats = batch.map((g) => ({ id: g.id, ...grpoAdvantages(g.rewards) }));
  const good = stats.filter((s) => s.informative).length;
  const G = opts.scaleBy === "groups" ? batch.length : batch.length ? batch[0]!.rewards.length : 0;
  const scale = good ? G / good : 0;
  return {
    groups: stats.map((s) => ({ ...s, scaled: s.advantages.map((a) => a * scale) })),
    informativeGroups: good,
    scale,
  };
}

/** Solve rate of a group and whether RAPO would prune its prompt. */
export function solveRate(g: BatchGroup, opts: RapoOptions = DEFAULT_RAPO): { rate: number; pruned: boolean } {
  const n = g.rewards.length;
  if (!n) return { rate: 0, pruned: false };
  const solved =
    opts.pruneBy === "correctness" ? g.correct.filter(Boolean).length : g.rewards.filter((r) => r > 0).length;
  const rate = solved / n;
  return { rate, pruned: rate >= opts.pruneThreshold };
}

/**
 * Simulate the replay buffer over groups of the same prompt in training order (e.g. one
 * prompt's groups across verl steps): returns each group's rewards after substitution and
 * how many substitutions happened.
 */
export function replaySimulation(
  groupsInOrder: readonly BatchGroup[],
  opts: RapoOptions = DEFAULT_RAPO,
): { rewards: number[][]; substitutions: number } {
  let buffer: number | null = null;
  let substitutions = 0;
  const rand = xorshift32(opts.seed);
  const out: number[][] = [];
  for (const g of groupsInOrder) {
    const rewards = [...g.rewards];
    const allFail = rewards.length > 0 && rewards.every((r) => r <= opts.replayThreshold);
    if (allFail && buffer !== null) {
      rewards[Math.floor(rand() * rewards.length)] = buffer;
      substitutions++;
    }
    for (let i = g.rewards.length - 1; i >= 0; i--) {
      if (g.rewards[i]! > opts.replayThreshold) {
        buffer = g.rewards[i]!;
        break;
      }
    }
    out.push(rewards);
  }
  return { rewards: out, substitutions };
}
