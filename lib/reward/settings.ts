/**
 * Sweep settings: a grid (every combination of the values given per knob) or a seeded random
 * sample (uniform in a range per knob; B_v uniform over integers), over a base configuration.
 */
import { xorshift32 } from "../io/rng.js";
import { rewardConfig, type RewardConfig } from "./reward-config.js";

export type Knob = "c1" | "c2" | "CS" | "CQ" | "Bv" | "floor" | "formatWeight";
export const KNOBS: readonly Knob[] = ["c1", "c2", "CS", "CQ", "Bv", "floor", "formatWeight"];

export function gridSettings(base: RewardConfig, values: Partial<Record<Knob, readonly number[]>>): RewardConfig[] {
  let out: RewardConfig[] = [base];
  for (const k of KNOBS) {
    const vs = values[k];
    if (!vs?.length) continue;
    out = out.flatMap((c) => vs.map((v) => ({ ...c, [k]: v })));
  }
  return out.map((c) => rewardConfig(c));
}

export function randomSettings(
  base: RewardConfig,
  ranges: Partial<Record<Knob, readonly [number, number]>>,
  count: number,
  seed = 0,
): RewardConfig[] {
  const rand = xorshift32(seed, 0x9e3779b9);
  const out: RewardConfig[] = [];
  for (let i = 0; i < count; i++) {
    const c: Record<string, unknown> = { ...base };
    for (const k of KNOBS) {
      const r = ranges[k];
      if (!r) continue;
      const [lo, hi] = r;
      c[k] = k === "Bv" ? Math.floor(lo + rand() * (hi - lo + 1)) : lo + rand() * (hi - lo);
    }
    out.push(rewardConfig(c));
  }
  return out;
}
