/**
 * Counterfactual replay in SQL (as lib/reward/replay.ts over typed arrays), over three tables:
 *
 * - `s`: one row per setting (SETTING_COLUMNS, rows from `settingValues`): the kernel's
 *   coefficients and the replay options;
 * - `sw_tally`: one row per rollout: key, group_id, correct and fmt (0/1), T, labelled, n_uniq_s,
 *   n_red_s, n_explore, n_verify, n_red_q, n_red_q_fixed, has_claims (0/1), and the reference
 *   setting's ref_reward and ref_rk (NULL / 0 while the reference itself is computed);
 * - `sw_checks`: one row per checked claim: key, c (its checks), for the B_v replay.
 *
 * The expressions are reward-sql.ts's, so every reward is the typed-array path's, to the bit.
 */
import type { RewardConfig } from "../reward/reward-config.js";
import { rewardCoefficients } from "../reward/reward-kernel.js";
import { num } from "./duckdb.js";
import {
  budgetedChecksSql,
  countedCallsSql,
  queryNoveltySql,
  redundancyRateSql,
  rewardSql,
  searchNoveltySql,
  type RewardCoefficientsSql,
} from "./reward-sql.js";

/** The settings table `s`: one row per setting, the kernel's coefficients and the replay options. */
export const SETTING_COLUMNS =
  "setting INTEGER, vanilla INTEGER, fw DOUBLE, cw DOUBLE, c1 DOUBLE, c2 DOUBLE, floor_ DOUBLE, inv_s DOUBLE, " +
  "inv_q DOUBLE, bv INTEGER, count_all INTEGER, clip INTEGER, rho0 DOUBLE";

/** The kernel's coefficients as columns of `s`. */
const SETTING_COEFFICIENTS: RewardCoefficientsSql = {
  vanilla: "vanilla = 1",
  formatWeight: "fw",
  correctWeight: "cw",
  floor: "floor_",
  c1: "c1",
  c2: "c2",
  invS: "inv_s",
  invQ: "inv_q",
};

/** One row of `s`, in SETTING_COLUMNS order. */
export function settingValues(i: number, c: RewardConfig): string {
  const k = rewardCoefficients(c);
  const b = (x: boolean) => (x ? 1 : 0);
  const cols = [i, b(k.vanilla), num(k.formatWeight), num(k.correctWeight), num(k.c1), num(k.c2), num(k.floor)];
  cols.push(num(k.invS), num(k.invQ), c.Bv, b(c.countT === "all"), b(c.clipDelta), num(c.rhoWhenNoCalls));
  return `(${cols.join(", ")})`;
}

/**
 * Rewards per (setting, rollout) for the settings in table `s`, as a SELECT over `sw_tally` and
 * `sw_checks`: columns setting, key, grp, correct, breadth, depth, horizon, ref_reward, ref_rk, reward.
 */
export function replayRewardsSql(labelsBv: number): string {
  const checks = budgetedChecksSql("c.c", "b.bv");
  const replay = `s.bv <> ${labelsBv} AND t.has_claims = 1`;
  return `WITH rb AS (
  SELECT b.bv, c.key, SUM(${checks.verify}) AS v, SUM(${checks.extra}) AS extra
  FROM (SELECT DISTINCT bv FROM s WHERE bv <> ${labelsBv}) b CROSS JOIN sw_checks c
  GROUP BY b.bv, c.key
),
d AS (
  SELECT s.*, t.key, t.group_id AS grp, t.correct, t.fmt, t.T, t.labelled, t.n_uniq_s, t.n_red_s, t.n_explore,
    t.ref_reward, t.ref_rk,
    CASE WHEN ${replay} THEN COALESCE(rb.v, 0) ELSE t.n_verify END AS v,
    CASE WHEN ${replay} THEN t.n_red_q_fixed + COALESCE(rb.extra, 0) ELSE t.n_red_q END AS rq
  FROM s CROSS JOIN sw_tally t
  LEFT JOIN rb ON rb.bv = s.bv AND rb.key = t.key
),
e AS (
  SELECT d.*, ${countedCallsSql("T", "labelled", "count_all = 1")} AS tt,
    ${searchNoveltySql("n_uniq_s", "n_red_s", "clip = 1")} AS ds,
    ${queryNoveltySql("n_explore", "v", "rq", "clip = 1")} AS dq
  FROM d
),
f AS (
  SELECT e.*, ${redundancyRateSql("n_red_s", "rq", "tt", "rho0")} AS rho FROM e
)
SELECT setting, key, grp, correct, n_uniq_s + n_explore AS breadth, v AS depth, T AS horizon, ref_reward, ref_rk,
  ${rewardSql(SETTING_COEFFICIENTS, { correct: "correct", fmt: "fmt", rho: "rho", dS: "ds", dQ: "dq" })} AS reward
FROM f`;
}
