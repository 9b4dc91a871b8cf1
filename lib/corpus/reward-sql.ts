/**
 * The SQL form of the reward kernel, defined once for every query that needs it (the sweep in
 * corpus-sweep.ts, the metric rows and aggregates in corpus-metrics.ts): ρ, Δ_S, Δ_Q (as
 * lib/metrics/rho-delta.ts), the B_v replay of per-claim checks (as `budgetedChecks`) and Eq. 4 /
 * Eq. 8 (as lib/reward/reward-kernel.ts), performing the same IEEE operations in the same order,
 * so rewards, ties and ranks equal the typed-array path's.
 *
 * Every argument is a SQL expression (a column name, a parameter column, or a literal made with
 * `num`); every result is parenthesised, so it can stand inside a larger expression.
 */
import type { RewardCoefficients } from "../reward/reward-kernel.js";
import { num } from "./duckdb.js";

/** T as the setting counts it: `countAll` is a SQL condition (T counts every call) or a constant. */
export function countedCallsSql(T: string, labelled: string, countAll: string | boolean): string {
  if (typeof countAll === "boolean") return countAll ? T : labelled;
  return `(CASE WHEN ${countAll} THEN ${T} ELSE ${labelled} END)`;
}

/** ρ = (n_redS + n_redQ) / T as a DOUBLE, `rhoWhenNoCalls` when T = 0. */
export function redundancyRateSql(nRedS: string, nRedQ: string, T: string, rhoWhenNoCalls: string): string {
  return `(CASE WHEN ${T} = 0 THEN ${rhoWhenNoCalls} ELSE CAST(${nRedS} + ${nRedQ} AS DOUBLE) / ${T} END)`;
}

/** `d` clipped at 0 where `clip` (a SQL condition, or a constant) holds. */
function clippedSql(d: string, clip: string | boolean): string {
  if (clip === false) return `(${d})`;
  return `(CASE WHEN ${clip === true ? "TRUE" : clip} AND ${d} < 0 THEN 0 ELSE ${d} END)`;
}

/** Δ_S = n_uniqS − n_redS. */
export function searchNoveltySql(nUniqS: string, nRedS: string, clip: string | boolean): string {
  return clippedSql(`${nUniqS} - ${nRedS}`, clip);
}

/** Δ_Q = n_explore + n_verify − n_redQ. */
export function queryNoveltySql(nExplore: string, nVerify: string, nRedQ: string, clip: string | boolean): string {
  return clippedSql(`${nExplore} + ${nVerify} - ${nRedQ}`, clip);
}

/** A claim's `c` checks under budget `bv`: those credited as VERIFICATION and the REDUNDANTQUERY rest. */
export function budgetedChecksSql(c: string, bv: string): { verify: string; extra: string } {
  return { verify: `LEAST(${c}, ${bv})`, extra: `GREATEST(0, ${c} - ${bv})` };
}

/** The kernel's coefficients as SQL expressions (`vanilla` a condition). */
export type RewardCoefficientsSql = Record<keyof RewardCoefficients, string>;

/** The coefficients as literals, for a setting known when the query is built. */
export function coefficientsSql(k: RewardCoefficients): RewardCoefficientsSql {
  return {
    vanilla: k.vanilla ? "TRUE" : "FALSE",
    formatWeight: num(k.formatWeight),
    correctWeight: num(k.correctWeight),
    floor: num(k.floor),
    c1: num(k.c1),
    c2: num(k.c2),
    invS: num(k.invS),
    invQ: num(k.invQ),
  };
}

/** A rollout's terms: `correct` and `fmt` are 0/1 integers, the others DOUBLE or integer. */
export interface RewardTermsSql {
  correct: string;
  fmt: string;
  rho: string;
  dS: string;
  dQ: string;
}

/**
 * Eq. 4 / Eq. 8 of one rollout: w_f·R_format + (vanilla: w_c·correct; correct: max(1 − ρ, floor);
 * incorrect: c1·min(1, Δ_S·(1/C_S)) + c2·min(1, Δ_Q·(1/C_Q))).
 */
export function rewardSql(k: RewardCoefficientsSql, t: RewardTermsSql): string {
  const one = "CAST(1 AS DOUBLE)";
  const floored = `GREATEST(1 - ${t.rho}, ${k.floor})`;
  const novelty = `${k.c1} * LEAST(${t.dS} * ${k.invS}, ${one}) + ${k.c2} * LEAST(${t.dQ} * ${k.invQ}, ${one})`;
  const vanilla = `${k.correctWeight} * ${t.correct}`;
  const branch = `CASE WHEN ${k.vanilla} THEN ${vanilla} WHEN ${t.correct} = 1 THEN ${floored} ELSE ${novelty} END`;
  return `(${k.formatWeight} * ${t.fmt} + ${branch})`;
}
