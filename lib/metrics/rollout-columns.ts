/**
 * The Eq. 7 columns of a per-rollout table, defined once for every table that shows them (the
 * metric tables, `sounding reward`): T and the five label counts, then ρ, Δ_S and Δ_Q, in this
 * order. T is the rollout's tool calls as tallied; ρ and Δ are whatever the caller computed them
 * under (the metric tables: `EQ7_DEFAULTS`; the reward: its setting, B_v included).
 */
import type { RhoDelta } from "./rho-delta.js";
import { TALLY_COUNT_COLUMNS, tallyCounts, type Tallies, type TallyCounts } from "./tallies.js";

/** The column names, in table order. */
export const ROLLOUT_COLUMNS = [...TALLY_COUNT_COLUMNS, "rho", "deltaS", "deltaQ"] as const;

/** One rollout's `ROLLOUT_COLUMNS`. */
export type RolloutColumns = TallyCounts & Pick<RhoDelta, "rho" | "deltaS" | "deltaQ">;

/** The columns of one rollout from its tallies and its ρ, Δ_S, Δ_Q (e.g. `rhoDelta(t)` or a `rolloutReward`). */
export function rolloutColumns(t: Tallies, rd: Pick<RhoDelta, "rho" | "deltaS" | "deltaQ">): RolloutColumns {
  return { ...tallyCounts(t), rho: rd.rho, deltaS: rd.deltaS, deltaQ: rd.deltaQ };
}
