/**
 * Reward replay and sweeps on a corpus, in SQL: the same rows as `sweep` (lib/reward/sweep.ts)
 * — means, separation, informative groups, rank changes against the first setting, groups where
 * an incorrect rollout outscores a correct one, favoured breadth / depth / horizon, warnings —
 * with only one row per setting coming back to JavaScript.
 *
 * Sums of rewards are taken as DECIMAL(38,18): exact, so the result does not depend on the order
 * the engine combines rows in (a DOUBLE sum would differ in the last bits between runs or layouts).
 * The tallies are materialised once (one small row per trajectory); settings go into a table and
 * are crossed with the tallies in batches, so the intermediate size is bounded. The reward
 * expression (reward-sql.ts) performs the same IEEE operations in the same order as the typed-array
 * path (`replayRewards`), so rewards, ties and ranks are the same.
 */
import type { RewardConfig } from "../reward/reward-config.js";
import { sweepRowFrom, type SweepRow, type SweepSums } from "../reward/sweep-row.js";
import type { SqlRow } from "./duckdb.js";
import { replayRewardsSql, SETTING_COLUMNS, settingValues } from "./replay-sql.js";
import type { Corpus } from "./corpus.js";
import { tallyCtes, type CorpusQueryOptions } from "./corpus-metrics.js";

export interface CorpusSweepOptions extends CorpusQueryOptions {
  /** Settings per SQL batch (default 20). */
  batch?: number;
}

/** A setting's sums from its row of the statistics query. */
function sweepSums(st: SqlRow, settings: readonly RewardConfig[]): SweepSums {
  const n = (k: string): number => {
    const v = st[k];
    if (typeof v !== "number") throw new Error(`corpusSweep: column ${k} is ${String(v)}, not a number`);
    return v;
  };
  const setting = n("setting");
  const config = settings[setting];
  if (!config) throw new Error(`corpusSweep: the statistics name setting ${setting}, which is not in the sweep`);
  return {
    setting,
    config,
    sc: n("sc"),
    sInc: n("si"),
    nc: n("nc"),
    ni: n("ni"),
    multi: n("multi"),
    informative: n("informative"),
    incAbove: n("inc_above"),
    fav: n("fav"),
    fb: n("fb"),
    fd: n("fd"),
    fh: n("fh"),
    changes: n("changes"),
    same: setting > 0 && n("differ") === 0,
  };
}

/** Replay the corpus under every setting; the first is the reference for rank changes and no-effect. */
export async function corpusSweep(
  corpus: Corpus,
  settings: readonly RewardConfig[],
  opts: CorpusSweepOptions = {},
): Promise<SweepRow[]> {
  if (!settings.length) return [];
  const ls = corpus.labelSet(opts.labelSet);
  const batch = Math.max(1, opts.batch ?? 20);
  for (const t of ["s", "sw_r", "sw_ref", "sw_tally", "sw_tally0", "sw_tally2", "sw_checks"])
    await corpus.run(`DROP TABLE IF EXISTS ${t}`);
  await corpus.run(
    `CREATE TEMP TABLE sw_tally0 AS WITH ${tallyCtes(ls.name)} SELECT key, group_id, CASE WHEN correct THEN 1 ELSE 0 END AS correct, CASE WHEN format_ok THEN 1 ELSE 0 END AS fmt, T, labelled, n_uniq_s, n_red_s, n_explore, n_verify, n_red_q, n_red_q_fixed, has_claims, CAST(NULL AS DOUBLE) AS ref_reward, 0 AS ref_rk FROM tally`,
  );
  await corpus.run(`CREATE TEMP TABLE sw_checks AS WITH ${tallyCtes(ls.name)} SELECT key, c FROM claim_checks`);
  const rows: SweepRow[] = [];
  const setTable = async (idx: number[]) => {
    await corpus.run("DROP TABLE IF EXISTS s");
    await corpus.run(`CREATE TEMP TABLE s (${SETTING_COLUMNS})`);
    await corpus.run(`INSERT INTO s VALUES ${idx.map((i) => settingValues(i, settings[i]!)).join(", ")}`);
  };
  try {
    // the reference (first) setting's rewards and ranks go beside each rollout's tallies, so the
    // other settings compare against them without a join
    await setTable([0]);
    await corpus.run("ALTER TABLE sw_tally0 RENAME TO sw_tally");
    const rank = "CASE WHEN grp IS NULL THEN 0 ELSE RANK() OVER (PARTITION BY grp ORDER BY reward DESC) - 1 END";
    const replay = replayRewardsSql(ls.labelsBv);
    await corpus.run(`CREATE TEMP TABLE sw_ref AS SELECT key, reward, ${rank} AS rk FROM (${replay}) r`);
    await corpus.run(
      "CREATE TEMP TABLE sw_tally2 AS SELECT t.key, t.group_id, t.correct, t.fmt, t.T, t.labelled, t.n_uniq_s, t.n_red_s, t.n_explore, t.n_verify, t.n_red_q, t.n_red_q_fixed, t.has_claims, r.reward AS ref_reward, r.rk AS ref_rk FROM sw_tally t JOIN sw_ref r ON r.key = t.key",
    );
    await corpus.run("DROP TABLE sw_tally");
    await corpus.run("ALTER TABLE sw_tally2 RENAME TO sw_tally");
    for (let start = 0; start < settings.length; start += batch) {
      const idx = settings.slice(start, start + batch).map((_, k) => start + k);
      await setTable(idx);
      await corpus.run("DROP TABLE IF EXISTS sw_r");
      await corpus.run(`CREATE TEMP TABLE sw_r AS ${replayRewardsSql(ls.labelsBv)}`);
      const stats = await corpus.sql(`WITH g AS (
  SELECT setting, grp, COUNT(*) AS size, MIN(reward) AS lo, MAX(reward) AS hi, AVG(reward) AS mean,
    MAX(CASE WHEN correct = 0 THEN reward END) AS max_inc, MIN(CASE WHEN correct = 1 THEN reward END) AS min_cor
  FROM sw_r WHERE grp IS NOT NULL GROUP BY setting, grp
),
gs AS (
  SELECT setting, SUM(CASE WHEN size >= 2 THEN 1 ELSE 0 END) AS multi,
    SUM(CASE WHEN size >= 2 AND hi > lo THEN 1 ELSE 0 END) AS informative,
    SUM(CASE WHEN size >= 2 AND max_inc > min_cor + CAST('1e-12' AS DOUBLE) THEN 1 ELSE 0 END) AS inc_above
  FROM g GROUP BY setting
),
fav AS (
  SELECT r.setting, COUNT(*) AS fav, SUM(r.breadth) AS fb, SUM(r.depth) AS fd, SUM(r.horizon) AS fh
  FROM sw_r r JOIN g ON g.setting = r.setting AND g.grp = r.grp
  WHERE g.size >= 2 AND g.hi > g.lo AND r.reward > g.mean + CAST('1e-12' AS DOUBLE)
  GROUP BY r.setting
),
m AS (
  SELECT setting, CAST(SUM(CASE WHEN correct = 1 THEN CAST(reward AS DECIMAL(38,18)) ELSE 0 END) AS DOUBLE) AS sc, SUM(correct) AS nc,
    CAST(SUM(CASE WHEN correct = 0 THEN CAST(reward AS DECIMAL(38,18)) ELSE 0 END) AS DOUBLE) AS si, SUM(1 - correct) AS ni,
    SUM(CASE WHEN reward <> ref_reward THEN 1 ELSE 0 END) AS differ
  FROM sw_r GROUP BY setting
),
ch AS (
  SELECT setting, SUM(CASE WHEN rk <> ref_rk THEN 1 ELSE 0 END) AS changes
  FROM (SELECT setting, ref_rk, RANK() OVER (PARTITION BY setting, grp ORDER BY reward DESC) - 1 AS rk FROM sw_r WHERE grp IS NOT NULL) x
  GROUP BY setting
)
SELECT m.setting, m.sc, m.nc, m.si, m.ni, COALESCE(gs.multi, 0) AS multi, COALESCE(gs.informative, 0) AS informative,
  COALESCE(gs.inc_above, 0) AS inc_above, COALESCE(fav.fav, 0) AS fav, COALESCE(fav.fb, 0) AS fb, COALESCE(fav.fd, 0) AS fd,
  COALESCE(fav.fh, 0) AS fh, COALESCE(ch.changes, 0) AS changes, m.differ
FROM m LEFT JOIN gs ON gs.setting = m.setting LEFT JOIN fav ON fav.setting = m.setting LEFT JOIN ch ON ch.setting = m.setting
ORDER BY m.setting`);
      for (const st of stats) rows.push(sweepRowFrom(sweepSums(st, settings)));
    }
  } finally {
    for (const t of ["s", "sw_r", "sw_ref", "sw_tally", "sw_tally0", "sw_tally2", "sw_checks"])
      await corpus.run(`DROP TABLE IF EXISTS ${t}`);
  }
  return rows;
}
