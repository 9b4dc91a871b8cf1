/**
 * A corpus's tallies out of Parquet into the typed arrays of the in-memory path (`TallyArrays`,
 * lib/metrics/tally-arrays.ts), so the sweep, group and pressure kernels run on a corpus at
 * in-memory speed. The engine computes the per-trajectory tallies (the `tally` query of
 * corpus-metrics.ts, the one SQL definition of Eq. 7's counts) and streams them back as columnar
 * chunks, read column by column into the arrays: no JavaScript object per row.
 *
 * The slots are in the trace-file path's order: trajectories in corpus order (sources as the
 * manifest lists them, rows in the order they were written, i.e. the order the files were read),
 * then the rollouts of a group made contiguous in order of first appearance, as `tallyArrays`
 * does. So `corpusTallies` on a fresh corpus equals `tallyArrays` on the files it came from,
 * array for array, and a sweep over it gives the same rows to the bit.
 *
 * Memory: `TALLY_BYTES_PER_ROLLOUT` (measured, bench/corpus-sweep.mjs) per rollout for the arrays
 * and the sweep's working columns, plus the keys when asked for. `fitsInMemory` is the cut-over the
 * CLI uses: above the budget the sweep stays in SQL (corpus-sweep.ts).
 */
import { resolve } from "node:path";
import { emptyTallyArrays, type TallyArrays } from "../metrics/tally-arrays.js";
import { lit, readColumn, readStrings } from "./duckdb.js";
import { manifestParts } from "./corpus-manifest.js";
import type { Corpus } from "./corpus.js";
import { tallyCtes, type CorpusQueryOptions } from "./corpus-metrics.js";

/** A rollout's verdict as a code: incorrect, correct, unknown. */
export const VERDICT_CODES = { incorrect: 0, correct: 1, unknown: 2 } as const;

/**
 * What the sweep and pressure kernels need from a corpus, in one call: the tallies, group
 * boundaries and ids, 0/1 correctness and R_format (`TallyArrays`), and beside them each slot's
 * verdict code (VERDICT_CODES: unknown is told apart from incorrect) and its position in corpus
 * order (`order[slot]`, 0-based: the row of the trace-file load).
 */
export interface CorpusTallies extends TallyArrays {
  verdict: Uint8Array;
  order: Int32Array;
  /** Each slot's `response_tokens` (with the `tokens` option; 0 where the corpus did not count them). */
  responseTokens?: Int32Array;
}

export interface CorpusTalliesOptions extends CorpusQueryOptions {
  /** Read each rollout's key (`file::id`, `TallyArrays.keys`); default true. The sweep does not need them. */
  keys?: boolean;
  /** Read each rollout's response tokens (`responseTokens`; convert `tokens`); default false. */
  tokens?: boolean;
}

/**
 * Bytes per rollout a typed-array sweep needs, without keys: the arrays read here (9 Int32 and 3
 * Uint8 columns, 4 bytes per checked claim) and the sweep's own per-rollout columns (replay
 * columns, rollout types, group layout, the reference's rewards and ranks) for one replay key.
 * Measured by bench/corpus-sweep.mjs (heap growth over the load and a sweep, per rollout); a
 * rollout's key adds about 2 bytes per character plus ~40.
 */
export const TALLY_BYTES_PER_ROLLOUT = 200;

/** Whether `n` rollouts fit a typed-array sweep in `budgetBytes` (the cut-over to the SQL sweep). */
export function fitsInMemory(n: number, budgetBytes: number): boolean {
  return n * TALLY_BYTES_PER_ROLLOUT <= budgetBytes;
}

/** Rollouts in the corpus (from its manifest, without a query). */
export function corpusSize(corpus: Corpus): number {
  return corpus.manifest.sources.reduce((n, s) => n + s.trajectories, 0);
}

/** Each trajectory's position in corpus order: `key, ord` (part number in the manifest, then row in the part). */
function orderSql(corpus: Corpus): string {
  const parts = manifestParts(corpus.manifest).trajectories;
  if (!parts.length) return "SELECT CAST(NULL AS VARCHAR) AS key, CAST(0 AS BIGINT) AS ord WHERE FALSE";
  const files = parts.map((p) => resolve(corpus.dir, p));
  const index = files.map((f, i) => `(${lit(f)}, ${i})`).join(", ");
  return `SELECT r.key, CAST(p.i AS BIGINT) * 4294967296 + r.file_row_number AS ord
FROM read_parquet([${files.map(lit).join(", ")}], filename = true, file_row_number = true) r
JOIN (VALUES ${index}) p(f, i) ON p.f = r.filename`;
}

const INT_COLUMNS = [
  ["T", "T"],
  ["labelled", "labelled"],
  ["nUniqS", "n_uniq_s"],
  ["nRedS", "n_red_s"],
  ["nExplore", "n_explore"],
  ["nVerify", "n_verify"],
  ["nRedQ", "n_red_q"],
  ["nRedQFixed", "n_red_q_fixed"],
] as const;

/** The corpus's tallies as typed arrays, in the trace-file path's slot order (see the file's note). */
export async function corpusTallies(corpus: Corpus, opts: CorpusTalliesOptions = {}): Promise<CorpusTallies> {
  const ls = corpus.labelSet(opts.labelSet);
  const withKeys = opts.keys ?? true;
  const withTokens = opts.tokens ?? false;
  const tmp = ["ct_slots", "ct_checks"];
  for (const t of tmp) await corpus.run(`DROP TABLE IF EXISTS ${t}`);
  try {
    // one row per trajectory: its tallies, its slot (groups contiguous in order of first appearance);
    // only the columns read below (the table is held in memory: 10^6 rollouts of every column were
    // what took a 10^7-call corpus's load past 1.5 GB peak RSS)
    const kept = ["key", "group_id", "verdict", "correct", "format_ok", ...INT_COLUMNS.map(([, c]) => c), "has_claims"];
    if (withTokens) kept.push("response_tokens");
    await corpus.run(`CREATE TEMP TABLE ct_slots AS
WITH ${tallyCtes(ls.name)},
o AS (${orderSql(corpus)}),
x AS (
  SELECT ${kept.map((c) => `t.${c}`).join(", ")}, o.ord,
    MIN(o.ord) OVER (PARTITION BY t.group_id IS NULL, COALESCE(t.group_id, t.key)) AS gfirst
  FROM tally t JOIN o ON o.key = t.key
)
SELECT CAST(ROW_NUMBER() OVER (ORDER BY gfirst, ord) - 1 AS INTEGER) AS slot, * FROM x`);
    // per-claim checks by slot, in the same one more pass over the labels (only where the labels carry claim data)
    await corpus.run(`CREATE TEMP TABLE ct_checks AS
WITH ${tallyCtes(ls.name)}
SELECT s.slot, c.claim, CAST(c.c AS INTEGER) AS c FROM claim_checks c JOIN ct_slots s ON s.key = c.key WHERE s.has_claims = 1`);
    const n = Number((await corpus.sql("SELECT COUNT(*) AS n FROM ct_slots"))[0]!.n);
    const a: CorpusTallies = {
      ...emptyTallyArrays(n, ls.labelsBv),
      keys: withKeys ? new Array<string>(n) : [],
      verdict: new Uint8Array(n),
      order: new Int32Array(n),
      ...(withTokens ? { responseTokens: new Int32Array(n) } : {}),
    };
    const starts: number[] = [];
    const cols = INT_COLUMNS.map(([, c]) => `CAST(${c} AS INTEGER)`).join(", ");
    const verdict = `CAST(CASE verdict WHEN 'correct' THEN ${VERDICT_CODES.correct} WHEN 'incorrect' THEN ${VERDICT_CODES.incorrect} ELSE ${VERDICT_CODES.unknown} END AS UTINYINT)`;
    const rank = "CAST(RANK() OVER (ORDER BY ord) - 1 AS INTEGER)";
    const select = `SELECT ${cols}, CAST(has_claims AS UTINYINT), CAST(correct AS UTINYINT), CAST(format_ok AS UTINYINT),
  ${verdict}, ${rank}, CAST(gfirst <> LAG(gfirst) OVER (ORDER BY slot) OR slot = 0 AS UTINYINT), group_id${withKeys ? ", key" : ""}${withTokens ? ", CAST(COALESCE(response_tokens, 0) AS INTEGER)" : ""}
FROM ct_slots ORDER BY slot`;
    const newGroup = new Uint8Array(n);
    let at = 0;
    for await (const chunk of corpus.chunks(select)) {
      INT_COLUMNS.forEach(([name], j) => readColumn(chunk, j, a[name], at));
      let j = INT_COLUMNS.length;
      readColumn(chunk, j++, a.hasClaims, at);
      readColumn(chunk, j++, a.correct, at);
      readColumn(chunk, j++, a.formatOk, at);
      readColumn(chunk, j++, a.verdict, at);
      readColumn(chunk, j++, a.order, at);
      readColumn(chunk, j++, newGroup, at);
      const groups = readStrings(chunk, j++);
      for (let i = 0; i < chunk.rowCount; i++)
        if (newGroup[at + i]) {
          starts.push(at + i);
          a.groupIds.push(groups[i] ?? "");
        }
      if (withKeys) {
        const keys = readStrings(chunk, j++);
        for (let i = 0; i < chunk.rowCount; i++) a.keys[at + i] = keys[i]!;
      }
      if (a.responseTokens) readColumn(chunk, j++, a.responseTokens, at);
      at += chunk.rowCount;
    }
    if (at !== n) throw new Error(`corpusTallies: read ${at} rows of ${n}`);
    starts.push(n);
    a.groupStart = Int32Array.from(starts);
    // per-claim checks (CSR), by slot and claim as talliesOf orders them; only where the labels carry claim data
    const nChecks = Number((await corpus.sql("SELECT COUNT(*) AS n FROM ct_checks"))[0]!.n);
    a.checks = new Int32Array(nChecks);
    const slotOf = new Int32Array(nChecks);
    at = 0;
    for await (const chunk of corpus.chunks("SELECT slot, c FROM ct_checks ORDER BY slot, claim")) {
      readColumn(chunk, 0, slotOf, at);
      readColumn(chunk, 1, a.checks, at);
      at += chunk.rowCount;
    }
    let k = 0;
    for (let s = 0; s < n; s++) {
      a.checkStart[s] = k;
      while (k < nChecks && slotOf[k] === s) k++;
    }
    a.checkStart[n] = k;
    if (k !== nChecks) throw new Error(`corpusTallies: ${nChecks - k} claim check(s) out of slot order`);
    return a;
  } finally {
    for (const t of tmp) await corpus.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

/** Where each rollout came from, in corpus order (index = `CorpusTallies.order[slot]`). */
export interface CorpusSources {
  file: string[];
  line: Int32Array;
  trajectoryId: string[];
  /** Label rows of the rollout in the label set (a rollout is labelled when this equals T). */
  labelRows: Int32Array;
}

/** Source file, line, id and label rows of every rollout, in corpus order (for per-rollout output). */
export async function corpusSources(corpus: Corpus, opts: CorpusQueryOptions = {}): Promise<CorpusSources> {
  const ls = corpus.labelSet(opts.labelSet);
  const n = corpusSize(corpus);
  const out: CorpusSources = { file: [], line: new Int32Array(n), trajectoryId: [], labelRows: new Int32Array(n) };
  let at = 0;
  for await (const chunk of corpus.chunks(
    `WITH ${tallyCtes(ls.name)}, o AS (${orderSql(corpus)})
SELECT t.file, CAST(t.line AS INTEGER), t.trajectory_id, CAST(t.label_rows AS INTEGER) FROM tally t JOIN o ON o.key = t.key ORDER BY o.ord`,
  )) {
    if (at + chunk.rowCount > n) throw new Error(`corpusSources: more rows than the manifest's ${n}`);
    out.file.push(...readStrings(chunk, 0).map((s) => s ?? ""));
    readColumn(chunk, 1, out.line, at);
    out.trajectoryId.push(...readStrings(chunk, 2).map((s) => s ?? ""));
    readColumn(chunk, 3, out.labelRows, at);
    at += chunk.rowCount;
  }
  if (at !== n) throw new Error(`corpusSources: read ${at} rows, the manifest lists ${n}`);
  return out;
}
