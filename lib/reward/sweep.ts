/**
 * Sweeps: the rewards a whole corpus would get under many settings, from its tallies in typed
 * arrays (no re-labelling), summed up per setting in a `SweepRow` (lib/reward/sweep-row.ts).
 *
 * The work is shared between settings: the replay columns (ρ, Δ, n_verify) once per replay key
 * (replay.ts), the rollout types once per key (rollout-types.ts), then per setting the kernel's
 * reward of every type (reward-kernel.ts), the class sums from the type counts and one pass over
 * the groups (group-pass.ts). Without group statistics the means come from sorted prefix sums
 * (sweep-means.ts).
 */
import type { TallyArrays } from "../metrics/tally-arrays.js";
import { emptyReference, groupLayout, groupPass, type GroupLayout, type Reference } from "./group-pass.js";
import type { RewardConfig } from "./reward-config.js";
import { fillRewards, rewardCoefficients } from "./reward-kernel.js";
import { replayColumns, replayKey, replayRewards, type ReplayColumns } from "./replay.js";
import { classSums, rolloutTypes, type RolloutTypes } from "./rollout-types.js";
import { fastMeans, meanParts, type MeanParts } from "./sweep-means.js";
import { meansOnlyRow, sweepRowFrom, type SweepRow } from "./sweep-row.js";

export { replayRewards } from "./replay.js";
export { sweepRowFrom, type SweepRow, type SweepSums } from "./sweep-row.js";
export { paretoFront } from "./pareto-front.js";

export interface SweepOptions {
  /** Compute rank changes (O(group size²) per group and setting); default true. */
  ranks?: boolean;
  /**
   * Compute the group statistics (informative groups, rank changes, favoured behaviour,
   * incorrect-above-correct, no-effect): one pass over the corpus per setting. Default true.
   * Without them each setting costs O(log n): means and separation come from sorted prefix sums.
   */
  groups?: boolean;
  /**
   * Work kept between calls on the same arrays (`sweepCache()`): the rollout types per replay key, the
   * group layout and the pass over the first setting (the reference), reused while it is the same. For
   * a caller that sweeps the same corpus again and again, one setting at a time (the report's live
   * tuner). Same results as without.
   */
  cache?: SweepCache;
  /**
   * An array of `arrays.n` slots to receive the last setting's reward of every rollout (the same numbers
   * as `replayRewards`, gathered from the per-type rewards the sweep computes anyway): one call gives a
   * live view its rewards and its row.
   */
  rewards?: Float64Array;
}

/** What `sweep` keeps between calls on one `TallyArrays` (see `SweepOptions.cache`). */
export interface SweepCache {
  arrays: TallyArrays | null;
  /** The replay columns (ρ, Δ, n_verify per rollout) per replay key. */
  columns: Map<string, ReplayColumns>;
  types: Map<string, RolloutTypes>;
  layout: GroupLayout | null;
  /** The last reference (first setting): its config, rewards and ranks, and its row (with ranks on or off). */
  reference: { config: string; ranks: boolean; reference: Reference; row: SweepRow } | null;
}

/** An empty cache for `sweep` calls on one set of arrays. */
export function sweepCache(): SweepCache {
  return { arrays: null, columns: new Map(), types: new Map(), layout: null, reference: null };
}

/** The replay columns of `cfg` kept in a sweep's cache (made on first use of its replay key). */
export function cachedColumns(a: TallyArrays, cfg: RewardConfig, cache: SweepCache): ReplayColumns {
  claim(cache, a);
  return perKey((c) => replayColumns(a, c), cache.columns)(cfg);
}

function claim(c: SweepCache, a: TallyArrays): void {
  if (c.arrays !== null && c.arrays !== a) throw new Error("sweep: a SweepCache belongs to one TallyArrays");
  c.arrays = a;
}

/** A value per replay key, made on first use. */
function perKey<T>(make: (cfg: RewardConfig) => T, cache = new Map<string, T>()): (cfg: RewardConfig) => T {
  return (cfg) => {
    const k = replayKey(cfg);
    let v = cache.get(k);
    if (v === undefined) cache.set(k, (v = make(cfg)));
    return v;
  };
}

function meansOnlySweep(a: TallyArrays, settings: readonly RewardConfig[]): SweepRow[] {
  const parts = perKey<MeanParts>((cfg) => meanParts(replayColumns(a, cfg)));
  const rows: SweepRow[] = [];
  for (let si = 0; si < settings.length; si++) {
    const config = settings[si]!;
    const m = parts(config);
    rows.push(meansOnlyRow(si, config, fastMeans(m, config)));
  }
  return rows;
}

/** Whether per-type rewards `R` (of replay key `key`) give every rollout the reference's reward. */
function sameAsReference(types: RolloutTypes, R: Float64Array, key: string, ref: Reference): boolean {
  if (key === ref.key) {
    for (let k = 0; k < R.length; k++) if (R[k] !== ref.R[k]) return false;
    return true;
  }
  const of = types.of;
  for (let i = 0; i < of.length; i++) if (R[of[i]!] !== ref.rewards[i]) return false;
  return true;
}

/** Every rollout's reward from its type's: `out[i] = R[of[i]]`. */
function gatherRewards(of: Int32Array, R: Float64Array, out: Float64Array): void {
  for (let i = 0; i < of.length; i++) out[i] = R[of[i]!]!;
}

/** Replay the corpus under every setting; the first setting is the reference for rank changes and no-effect. */
export function sweep(a: TallyArrays, settings: readonly RewardConfig[], opts: SweepOptions = {}): SweepRow[] {
  if (opts.rewards && opts.rewards.length !== a.n)
    throw new Error(`sweep: options.rewards holds ${opts.rewards.length} slots for ${a.n} rollouts`);
  if (opts.groups === false) {
    const rows = meansOnlySweep(a, settings);
    if (opts.rewards && settings.length) replayRewards(a, settings.at(-1)!, undefined, opts.rewards);
    return rows;
  }
  const ranks = opts.ranks ?? true;
  const c = opts.cache;
  if (c) claim(c, a);
  const columnsOf = (cfg: RewardConfig) => (c ? cachedColumns(a, cfg, c) : replayColumns(a, cfg));
  const typesOf = perKey<RolloutTypes>((cfg) => rolloutTypes(a, columnsOf(cfg)), c?.types);
  const layout = c ? (c.layout ??= groupLayout(a)) : groupLayout(a);
  // the same reference as the cached one: its pass is not run again
  const refConfig = settings.length ? JSON.stringify(settings[0]) : "";
  const kept = c?.reference?.config === refConfig && c.reference.ranks === ranks ? c.reference : null;
  const reference = kept ? kept.reference : emptyReference(a.n);
  const scratch = { vals: new Float64Array(16) };
  const rows: SweepRow[] = [];
  for (let si = 0; si < settings.length; si++) {
    const config = settings[si]!;
    const last = si === settings.length - 1;
    if (si === 0 && kept) {
      rows.push({ ...kept.row, config, warnings: kept.row.warnings.map((w) => ({ ...w })) });
      if (last && opts.rewards) opts.rewards.set(kept.reference.rewards);
      continue;
    }
    const types = typesOf(config);
    const R = fillRewards(rewardCoefficients(config), types, new Float64Array(types.correct.length));
    const first = si === 0;
    const key = replayKey(config);
    if (first) {
      reference.key = key;
      reference.R = R;
    }
    const same = !first && sameAsReference(types, R, key, reference);
    const pass = groupPass(layout, reference, { types, R, first, same, ranks }, scratch);
    rows.push(sweepRowFrom({ setting: si, config, ...classSums(types, R), ...pass, same }));
    if (last && opts.rewards) gatherRewards(types.of, R, opts.rewards);
    if (first && c) c.reference = { config: refConfig, ranks, reference, row: rows[0]! };
  }
  return rows;
}
