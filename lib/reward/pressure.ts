/**
 * Behaviour pressure: what a reward setting will *teach* under GRPO. An update raises the
 * log-probability of each rollout in proportion to its advantage, so a setting pushes a behaviour
 * b in the direction of the within-group covariance between the advantage and b's count:
 *
 *   P_b = mean over groups with σ > 0 of (1/G) · Σ_i Â_i · (n_b,i − mean_group(n_b))
 *
 * with G the group's size and Â the GRPO advantage under the setting, exactly `grpoAdvantages`
 * (lib/reward/grpo.ts): population σ, no ε in the denominator, a group counts as σ > 0 when
 * σ > 1e-12 (the threshold `grpoAdvantages` uses, so float noise in a constant group is σ = 0).
 * With `advantage: "rapo"` the advantages are RAPO's scaled ones (`rapoBatch`, Eq. 6: × G/G_good
 * over the groups of ≥ 2 rollouts). P_b > 0 reads "training pushes b up", P_b < 0 "down". The
 * interval is a seeded percentile bootstrap over the σ > 0 groups (lib/metrics/group-bootstrap.ts).
 *
 * Counts are those the setting sees: VERIFICATION, REDUNDANTQUERY and depth under the setting's
 * B_v (re-applied from the per-claim checks, as the reward replay does); the rest as labelled.
 */
import { z } from "zod";
import {
  behaviourColumns,
  measuresOf,
  type BehaviourColumns,
  type BehaviourMeasure,
} from "../metrics/behaviour-columns.js";
import { groupMeanIntervals, type Interval } from "../metrics/group-bootstrap.js";
import type { TallyArrays } from "../metrics/tally-arrays.js";
import { DEFAULT_RAPO, grpoAdvantages, rapoBatch } from "./grpo.js";
import type { RewardConfig } from "./reward-config.js";
import { replayColumns, replayRewards } from "./replay.js";

export const PressureOptionsSchema = z
  .object({
    /** "grpo" (Â, default) or "rapo" (Â scaled by G / G_good, Eq. 6). */
    advantage: z.enum(["grpo", "rapo"]).default("grpo"),
    /** RAPO's G: the number of groups (default, as `DEFAULT_RAPO`) or the group size. */
    rapoScaleBy: z.enum(["groups", "group-size"]).default(DEFAULT_RAPO.scaleBy),
    /** Bootstrap resamples over groups (1000); 0 for no interval. */
    resamples: z.number().int().min(0).default(1000),
    /** Coverage of the interval (0.95). */
    level: z.number().gt(0).lt(1).default(0.95),
    /** Seed of the bootstrap draws (0). */
    seed: z.number().int().min(0).default(0),
  })
  .strict();

export type PressureOptions = z.output<typeof PressureOptionsSchema>;
export type PressureOptionsInput = z.input<typeof PressureOptionsSchema>;

/** Pressure on each measure: a mean over the σ > 0 groups with its interval. */
export interface PressureResult {
  /** Groups with σ > 0: the groups the means are over. */
  groups: number;
  /** Groups with ≥ 2 rollouts. */
  multiGroups: number;
  pressure: Partial<Record<BehaviourMeasure, Interval>>;
}

/** Pressure of one setting on a corpus, with the setting it was computed for. */
export interface SettingPressure extends PressureResult {
  setting: RewardConfig;
}

function options(opts: PressureOptionsInput): PressureOptions {
  const r = PressureOptionsSchema.safeParse(opts);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new Error(`pressure options: ${i?.path.join(".") || "(root)"}: ${i?.message ?? "invalid"}`);
}

/**
 * Pressure from columns: rewards and measures per rollout, group g the slots
 * [groupStart[g], groupStart[g+1]) (the layout of `TallyArrays.groupStart`). The one arithmetic
 * every entry point runs.
 */
export function groupedPressure(
  groupStart: ArrayLike<number>,
  rewards: ArrayLike<number>,
  columns: BehaviourColumns,
  opts: PressureOptionsInput = {},
): PressureResult {
  const o = options(opts);
  const measures = measuresOf(columns);
  const multi: Array<{ from: number; rewards: number[] }> = [];
  for (let g = 0; g + 1 < groupStart.length; g++) {
    const from = groupStart[g]!;
    const to = groupStart[g + 1]!;
    if (to - from < 2) continue;
    const r: number[] = [];
    for (let i = from; i < to; i++) r.push(rewards[i]!);
    multi.push({ from, rewards: r });
  }
  const adv =
    o.advantage === "rapo"
      ? rapoBatch(
          multi.map((m, k) => ({ id: String(k), rewards: m.rewards, correct: m.rewards.map(() => false) })),
          { ...DEFAULT_RAPO, scaleBy: o.rapoScaleBy },
        ).groups.map((s) => ({ informative: s.informative, a: s.scaled }))
      : multi.map((m) => {
          const s = grpoAdvantages(m.rewards);
          return { informative: s.informative, a: s.advantages };
        });
  const used = multi.map((_, k) => k).filter((k) => adv[k]!.informative);
  const perGroup = measures.map((name) => {
    const col = columns[name]!;
    const v = new Float64Array(used.length);
    used.forEach((k, j) => {
      const { from, rewards: r } = multi[k]!;
      const G = r.length;
      const A = adv[k]!.a;
      let mean = 0;
      for (let i = 0; i < G; i++) mean += col[from + i]!;
      mean /= G;
      let s = 0;
      for (let i = 0; i < G; i++) s += A[i]! * (col[from + i]! - mean);
      v[j] = s / G;
    });
    return v;
  });
  const iv = groupMeanIntervals(perGroup, o);
  const pressure: PressureResult["pressure"] = {};
  measures.forEach((m, j) => (pressure[m] = iv[j]!));
  return { groups: used.length, multiGroups: multi.length, pressure };
}

/**
 * The contiguous layout of rollouts given by group id (any order): `order` lists the rollouts
 * group by group, groups in order of first appearance, and group g is order[groupStart[g]…].
 */
export function groupLayoutOf(groupIds: ArrayLike<string | number>): { order: Int32Array; groupStart: Int32Array } {
  const groups = new Map<string | number, number[]>();
  for (let i = 0; i < groupIds.length; i++) {
    const id = groupIds[i]!;
    let a = groups.get(id);
    if (!a) groups.set(id, (a = []));
    a.push(i);
  }
  const order = new Int32Array(groupIds.length);
  const groupStart = new Int32Array(groups.size + 1);
  let k = 0;
  let g = 0;
  for (const idx of groups.values()) {
    groupStart[g++] = k;
    for (const i of idx) order[k++] = i;
  }
  groupStart[g] = k;
  return { order, groupStart };
}

/**
 * Pressure from plain columns with a group id per rollout (rows in any order): the entry point for
 * a corpus's typed arrays (rewards under the setting, counts, group ids).
 */
export function pressureByGroup(
  groupIds: ArrayLike<string | number>,
  rewards: ArrayLike<number>,
  columns: BehaviourColumns,
  opts: PressureOptionsInput = {},
): PressureResult {
  const { order, groupStart } = groupLayoutOf(groupIds);
  const take = (c: ArrayLike<number>) => Float64Array.from(order, (i) => c[i]!);
  const cols: BehaviourColumns = {};
  for (const m of measuresOf(columns)) cols[m] = take(columns[m]!);
  return groupedPressure(groupStart, take(rewards), cols, opts);
}

/**
 * The columns a setting sees: the labels' counts with VERIFICATION, REDUNDANTQUERY and depth under
 * its B_v (as the reward replay re-applies it).
 */
export function settingColumns(
  a: TallyArrays,
  cfg: RewardConfig,
  responseTokens?: ArrayLike<number>,
): BehaviourColumns {
  const cols = behaviourColumns(a, responseTokens);
  if (cfg.Bv !== a.labelsBv) {
    const r = replayColumns(a, cfg);
    cols.VERIFICATION = Float64Array.from(r.nVerify);
    cols.REDUNDANTQUERY = Float64Array.from(r.nRedQ);
    cols.depth = Float64Array.from(r.nVerify);
  }
  return cols;
}

/**
 * Behaviour pressure of a setting on a corpus's tally arrays (the sweep's input): rewards replayed
 * under `cfg`, GRPO (or RAPO) advantages per group, pressure on every label, breadth, depth,
 * horizon and, when given (one per slot, in the arrays' order), response tokens.
 */
export function behaviourPressure(
  a: TallyArrays,
  cfg: RewardConfig,
  opts: PressureOptionsInput & { responseTokens?: ArrayLike<number> } = {},
): SettingPressure {
  const { responseTokens, ...rest } = opts;
  const rewards = replayRewards(a, cfg);
  return { setting: cfg, ...groupedPressure(a.groupStart, rewards, settingColumns(a, cfg, responseTokens), rest) };
}

/** Whether an interval excludes 0 (a clear push). */
export function clearPush(iv: Interval): boolean {
  return (iv.lo > 0 && iv.hi > 0) || (iv.lo < 0 && iv.hi < 0);
}

/** "up", "down" or "no clear push" (interval covers 0; without interval, the sign alone). */
export function pushDirection(iv: Interval): "up" | "down" | "no clear push" {
  const known = Number.isNaN(iv.lo) ? iv.value !== 0 && !Number.isNaN(iv.value) : clearPush(iv);
  if (!known) return "no clear push";
  return iv.value > 0 ? "up" : "down";
}

/**
 * One sentence comparing a setting's push on `measure` with the reference's, e.g.
 * "c1=0.3 pushes REDUNDANTSEARCH down 2.1× as hard as the default".
 */
export function comparePressure(
  name: string,
  measure: BehaviourMeasure,
  p: Interval,
  ref: Interval,
  refName = "the default",
): string {
  const d = pushDirection(p);
  const dr = pushDirection(ref);
  if (d === "no clear push")
    return dr === "no clear push"
      ? `neither ${name} nor ${refName} pushes ${measure} clearly`
      : `${name} does not push ${measure} clearly (${refName} pushes it ${dr})`;
  if (dr === "no clear push") return `${name} pushes ${measure} ${d}; ${refName} does not push it clearly`;
  if (d !== dr) return `${name} pushes ${measure} ${d} where ${refName} pushes it ${dr}`;
  const ratio = p.value / ref.value;
  return `${name} pushes ${measure} ${d} ${ratio.toFixed(ratio >= 10 ? 0 : ratio >= 1 ? 1 : 2)}× as hard as ${refName}`;
}
