/**
 * The Eq. 7 quantities of one rollout, defined once for every TypeScript path (the per-rollout
 * reward, the typed-array replay and sweep, the metric tables); the SQL form is
 * lib/corpus/reward-sql.ts (domain.md §4):
 *
 *   ρ = (n_redS + n_redQ) / T,  Δ_S = n_uniqS − n_redS,  Δ_Q = (n_explore + n_verify) − n_redQ
 *
 * with the open points as options: what T counts, ρ when T = 0, Δ literal or clipped at 0. They
 * take plain numbers so the hot loops over typed arrays call them without allocating. They live
 * in metrics (not in reward) because the metric tables report ρ and Δ too and may not import
 * upwards; Eq. 4 / Eq. 8 on top of them are lib/reward/reward-kernel.ts.
 */
import type { Tallies } from "./tallies.js";

/** The Eq. 7 options of a reward setting (a `RewardConfig` is one). */
export interface Eq7Options {
  /** What T counts: every tool call ("all") or only calls with a behaviour label ("labelled"). */
  countT: "all" | "labelled";
  /** ρ when T = 0. */
  rhoWhenNoCalls: number;
  /** Δ clipped at 0 (true) or literal, possibly negative (false). */
  clipDelta: boolean;
}

/** The defaults (the reward's defaults, and what the metric tables report). */
export const EQ7_DEFAULTS: Readonly<Eq7Options> = Object.freeze({ countT: "all", rhoWhenNoCalls: 0, clipDelta: false });

/** T as the setting counts it. */
export function countedCalls(T: number, labelled: number, countT: Eq7Options["countT"]): number {
  return countT === "all" ? T : labelled;
}

/** ρ = (n_redS + n_redQ) / T, and `rhoWhenNoCalls` when T = 0. */
export function redundancyRate(nRedS: number, nRedQ: number, T: number, rhoWhenNoCalls: number): number {
  return T === 0 ? rhoWhenNoCalls : (nRedS + nRedQ) / T;
}

/** Δ_S = n_uniqS − n_redS (clipped at 0 when `clip`). */
export function searchNovelty(nUniqS: number, nRedS: number, clip: boolean): number {
  const d = nUniqS - nRedS;
  return clip && d < 0 ? 0 : d;
}

/** Δ_Q = n_explore + n_verify − n_redQ (clipped at 0 when `clip`). */
export function queryNovelty(nExplore: number, nVerify: number, nRedQ: number, clip: boolean): number {
  const d = nExplore + nVerify - nRedQ;
  return clip && d < 0 ? 0 : d;
}

/** The counts Eq. 7 reads. */
export type Eq7Counts = Pick<Tallies, "T" | "labelled" | "nUniqS" | "nRedS" | "nExplore" | "nVerify" | "nRedQ">;

export interface RhoDelta {
  /** T as counted by the options. */
  T: number;
  rho: number;
  deltaS: number;
  deltaQ: number;
}

/** ρ, Δ_S and Δ_Q of one rollout. */
export function rhoDelta(t: Eq7Counts, opts: Eq7Options = EQ7_DEFAULTS): RhoDelta {
  const T = countedCalls(t.T, t.labelled, opts.countT);
  return {
    T,
    rho: redundancyRate(t.nRedS, t.nRedQ, T, opts.rhoWhenNoCalls),
    deltaS: searchNovelty(t.nUniqS, t.nRedS, opts.clipDelta),
    deltaQ: queryNovelty(t.nExplore, t.nVerify, t.nRedQ, opts.clipDelta),
  };
}
