/**
 * The metric tables of lib/metrics on a corpus, in SQL: the same tallies (Eq. 7), breadth /
 * depth / horizon and aggregates as `trajectoryRows` / `aggregate`, computed by the engine.
 *
 * The SQL is portable (CASE sums rather than FILTER, explicit CASTs to DOUBLE, no DuckDB-only
 * functions) so docs/corpus.md can run it on Spark or Trino over the same Parquet files.
 * Labels join a trajectory by (file, trajectory id), else by id alone when that id occurs in one
 * file of the label set (as `indexLabels` does).
 */
import { EQ7_DEFAULTS } from "../metrics/rho-delta.js";
import { lit, num } from "./duckdb.js";
import { countedCallsSql, queryNoveltySql, redundancyRateSql, searchNoveltySql } from "./reward-sql.js";
import type { Corpus } from "./corpus.js";

/**
 * A WITH-list (without the WITH) defining `tally`: one row per trajectory with its tallies,
 * `label_rows`, `n_red_q_fixed`, `has_claims` and `checked_claims`; and `claim_checks(key, claim, c)`.
 */
export function tallyCtes(labelSet: string): string {
  return `lab AS (SELECT * FROM labels WHERE label_set = ${lit(labelSet)}),
lk AS (SELECT DISTINCT file, trajectory_id FROM lab),
uniq AS (SELECT trajectory_id, MIN(file) AS file FROM lk GROUP BY trajectory_id HAVING COUNT(*) = 1),
tl AS (
  SELECT t.key, t.trajectory_id, COALESCE(e.file, u.file) AS lfile
  FROM trajectories t
  LEFT JOIN lk e ON e.file = t.file AND e.trajectory_id = t.trajectory_id
  LEFT JOIN uniq u ON u.trajectory_id = t.trajectory_id
),
tlab AS (SELECT tl.key, l.* FROM tl JOIN lab l ON l.file = tl.lfile AND l.trajectory_id = tl.trajectory_id),
lt AS (
  SELECT key,
    COUNT(*) AS label_rows,
    SUM(CASE WHEN label IS NOT NULL THEN 1 ELSE 0 END) AS labelled,
    SUM(CASE WHEN label = 'UNIQUESEARCH' THEN 1 ELSE 0 END) AS n_uniq_s,
    SUM(CASE WHEN label = 'REDUNDANTSEARCH' THEN 1 ELSE 0 END) AS n_red_s,
    SUM(CASE WHEN label = 'EXPLORATION' THEN 1 ELSE 0 END) AS n_explore,
    SUM(CASE WHEN label = 'VERIFICATION' THEN 1 ELSE 0 END) AS n_verify,
    SUM(CASE WHEN label = 'REDUNDANTQUERY' THEN 1 ELSE 0 END) AS n_red_q,
    SUM(CASE WHEN role = 'page' AND is_check IS NULL THEN 1 ELSE 0 END) AS no_claim_data,
    SUM(CASE WHEN role = 'page' AND is_check IS NOT NULL AND NOT (is_check AND claim IS NOT NULL) AND label = 'REDUNDANTQUERY' THEN 1 ELSE 0 END) AS n_red_q_fixed
  FROM tlab GROUP BY key
),
claim_checks AS (
  SELECT key, claim, COUNT(*) AS c FROM tlab
  WHERE role = 'page' AND is_check AND claim IS NOT NULL
  GROUP BY key, claim
),
cc AS (SELECT key, COUNT(*) AS checked_claims FROM claim_checks GROUP BY key),
tally AS (
  SELECT t.key, t.trajectory_id, t.file, t.line, t.format, t.model, t.dataset, t.step, t.group_id,
    t.verdict, t.correct, t.format_ok, t.n_calls AS T, t.turns, t.response_tokens,
    COALESCE(lt.label_rows, 0) AS label_rows,
    COALESCE(lt.labelled, 0) AS labelled,
    COALESCE(lt.n_uniq_s, 0) AS n_uniq_s,
    COALESCE(lt.n_red_s, 0) AS n_red_s,
    COALESCE(lt.n_explore, 0) AS n_explore,
    COALESCE(lt.n_verify, 0) AS n_verify,
    COALESCE(lt.n_red_q, 0) AS n_red_q,
    COALESCE(lt.n_red_q_fixed, 0) AS n_red_q_fixed,
    CASE WHEN COALESCE(lt.no_claim_data, 0) = 0 THEN 1 ELSE 0 END AS has_claims,
    CASE WHEN COALESCE(lt.no_claim_data, 0) = 0 THEN COALESCE(cc.checked_claims, 0) ELSE 0 END AS checked_claims
  FROM trajectories t
  LEFT JOIN lt ON lt.key = t.key
  LEFT JOIN cc ON cc.key = t.key
)`;
}

/** ρ of a `tally` row under the reward's defaults, as the metric tables report it. */
const RHO = redundancyRateSql(
  "n_red_s",
  "n_red_q",
  countedCallsSql("T", "labelled", EQ7_DEFAULTS.countT === "all"),
  num(EQ7_DEFAULTS.rhoWhenNoCalls),
);

/** SELECT list turning `tally` into the columns of TrajectoryMetricRow (camelCase, as in memory). */
const METRIC_SELECT = `key AS "key", trajectory_id AS "trajectoryId", file AS "file", line AS "line", format AS "format",
  model AS "model", dataset AS "dataset", step AS "step", group_id AS "group",
  CASE WHEN label_rows = T THEN TRUE ELSE FALSE END AS "labelled",
  T AS "T", n_uniq_s AS "nUniqS", n_red_s AS "nRedS", n_explore AS "nExplore", n_verify AS "nVerify", n_red_q AS "nRedQ",
  ${RHO} AS "rho", ${searchNoveltySql("n_uniq_s", "n_red_s", EQ7_DEFAULTS.clipDelta)} AS "deltaS",
  ${queryNoveltySql("n_explore", "n_verify", "n_red_q", EQ7_DEFAULTS.clipDelta)} AS "deltaQ",
  n_uniq_s + n_explore AS "breadth", n_verify AS "depth",
  CASE WHEN checked_claims > 0 THEN CAST(n_verify AS DOUBLE) / checked_claims ELSE CAST(0 AS DOUBLE) END AS "depthPerClaim",
  T AS "horizon", turns AS "turns", response_tokens AS "responseTokens",
  correct AS "correct", verdict AS "verdict", format_ok AS "formatOk"`;

export interface CorpusQueryOptions {
  /** Label set (default: the corpus's only one). */
  labelSet?: string;
}

/**
 * Per-trajectory metric rows (like `trajectoryRows`; `responseTokens` as `trajectoryRows(…, { tokens:
 * true })` counts them when the corpus was converted with `tokens`, else null). Use on small corpora
 * or with `limit`.
 */
export async function corpusTrajectoryRows(
  corpus: Corpus,
  opts: CorpusQueryOptions & { limit?: number } = {},
): Promise<Array<Record<string, string | number | boolean | null>>> {
  const ls = corpus.labelSet(opts.labelSet);
  const limit = opts.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(opts.limit))}` : "";
  return corpus.sql(
    `WITH ${tallyCtes(ls.name)} SELECT ${METRIC_SELECT} FROM tally ORDER BY file, line, trajectory_id${limit}`,
  );
}

/** Grouping keys `corpusAggregate` accepts, as the in-memory column names. */
export const CORPUS_GROUP_KEYS = {
  model: "model",
  dataset: "dataset",
  step: "step",
  group: "group_id",
  format: "format",
  file: "file",
  verdict: "verdict",
} as const;
export type CorpusGroupKey = keyof typeof CORPUS_GROUP_KEYS;

const MEASURES: ReadonlyArray<[string, string]> = [
  ["T", "T"],
  ["nUniqS", "n_uniq_s"],
  ["nRedS", "n_red_s"],
  ["nExplore", "n_explore"],
  ["nVerify", "n_verify"],
  ["nRedQ", "n_red_q"],
  ["rho", RHO],
  ["breadth", "n_uniq_s + n_explore"],
  ["depth", "n_verify"],
  ["horizon", "T"],
  ["turns", "turns"],
];

/**
 * Like `aggregate(trajectoryTable(…), by)`: per group, `n`, accuracy (correct over all rollouts)
 * and the mean of every measure. Only the groups come back to JavaScript.
 */
export async function corpusAggregate(
  corpus: Corpus,
  by: readonly CorpusGroupKey[],
  opts: CorpusQueryOptions = {},
): Promise<Array<Record<string, string | number | null>>> {
  for (const k of by)
    if (!(k in CORPUS_GROUP_KEYS))
      throw new Error(`cannot group by "${k}" (one of ${Object.keys(CORPUS_GROUP_KEYS).join(", ")})`);
  const ls = corpus.labelSet(opts.labelSet);
  const keys = by.map((k) => `${CORPUS_GROUP_KEYS[k]} AS "${k}"`);
  const sel = [
    ...keys,
    `COUNT(*) AS "n"`,
    `AVG(CASE WHEN correct THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END) AS "accuracy"`,
    // ρ is a ratio: summed as DECIMAL(38,18), exact and independent of the order rows arrive in
    // (a DOUBLE sum is not: parallel or differently partitioned scans would differ in the last bits)
    ...MEASURES.map(([name, expr]) =>
      name === "rho"
        ? `CAST(SUM(CAST(${expr} AS DECIMAL(38,18))) AS DOUBLE) / COUNT(*) AS "${name}"`
        : `AVG(CAST(${expr} AS DOUBLE)) AS "${name}"`,
    ),
  ];
  const group = by.length
    ? ` GROUP BY ${by.map((k) => CORPUS_GROUP_KEYS[k]).join(", ")} ORDER BY ${by.map((k) => `${CORPUS_GROUP_KEYS[k]} NULLS LAST`).join(", ")}`
    : "";
  return (await corpus.sql(`WITH ${tallyCtes(ls.name)} SELECT ${sel.join(", ")} FROM tally${group}`)) as Array<
    Record<string, string | number | null>
  >;
}
