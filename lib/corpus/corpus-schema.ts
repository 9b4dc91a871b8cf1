/**
 * The on-disk corpus (schema version 1): Parquet tables in a directory, listed by a manifest.
 *
 *   DIR/sounding-corpus.json          the manifest: schema version, converted sources, label sets,
 *                                      and the Parquet parts of each (only listed parts belong to
 *                                      the corpus; it is replaced atomically after each source)
 *   DIR/trajectories/part-NNNNNN.parquet
 *   DIR/calls/part-NNNNNN.parquet
 *   DIR/labels/part-NNNNNN.parquet     every label set, told apart by `label_set`
 *
 * Column types are plain SQL (VARCHAR, INTEGER, DOUBLE, BOOLEAN): no lists, maps or structs, so
 * Spark, Trino, DuckDB or pandas read the files as they are. Lists (a call's queries and URLs) are
 * JSON text. docs/corpus.md documents every column and shows the queries on a cluster engine.
 *
 * Each column is declared once below: name, SQL type, doc and the accessor that computes its value
 * from the trajectory, call or label row it describes. The writer (row-chunk.ts, stager.ts) walks
 * these lists, so adding a column is one entry here and its line in docs/corpus.md (a test checks
 * that the docs name every column, in order).
 */
import { z } from "zod";
import { formatValid } from "../metrics/format-validity.js";
import { responseTokens } from "../metrics/response-tokens.js";
import type { LabelRow, ToolCall, Trajectory } from "../trajectory/schema.js";

export const CORPUS_SCHEMA_VERSION = 1;
export const MANIFEST_FILE = "sounding-corpus.json";

/** The SQL types of corpus columns, and the JavaScript value each holds. */
interface SqlTypes {
  VARCHAR: string;
  INTEGER: number;
  DOUBLE: number;
  BOOLEAN: boolean;
}
export type SqlType = keyof SqlTypes;

/** A column as documented (docs/corpus.md): name, SQL type, meaning. */
export interface Column {
  name: string;
  type: SqlType;
  doc: string;
  /**
   * Added after parts of schema version 1 were first written: parts written before lack it, and a
   * corpus reads it there as NULL (corpus.ts), so an older corpus opens as it is.
   */
  added?: true;
}

interface TypedColumn<R, K extends SqlType> extends Column {
  type: K;
  /**
   * The column holds the trajectory's id ("id") or key ("key", `<file>::<id>`, trajectory/ids.ts).
   * A conversion that reads a file in byte ranges renumbers repeated ids in file order afterwards
   * (`IdAssigner`), and rewrites these columns only.
   */
  identity?: "id" | "key";
  /** The column's value for one row (null / undefined: SQL NULL; a DOUBLE that is not finite is NULL too). */
  get(row: R): SqlTypes[K] | null | undefined;
}

/**
 * A column that computes its own value from the row it describes: the table's writer loops over
 * the column list, so a column is added (or moved) in this one place.
 */
export type CorpusColumn<R> = { [K in SqlType]: TypedColumn<R, K> }[SqlType];

/** What a row of each table is made from. */
export interface TrajectorySource {
  t: Trajectory;
  /** trajectoryKey(t), computed once per trajectory. */
  key: string;
  /** Count the trajectory's response tokens (convert `tokens`: the tokenizer is slow, so on request). */
  tokens?: boolean;
}
export interface CallSource extends TrajectorySource {
  call: ToolCall;
}
export interface LabelSource {
  set: string;
  row: LabelRow;
}

export const TRAJECTORY_COLUMNS: readonly CorpusColumn<TrajectorySource>[] = [
  {
    name: "key",
    type: "VARCHAR",
    doc: "file::trajectory_id, unique in the corpus",
    identity: "key",
    get: (r) => r.key,
  },
  {
    name: "trajectory_id",
    type: "VARCHAR",
    doc: "the trajectory's stable id (lib/trajectory/ids.ts)",
    identity: "id",
    get: (r) => r.t.id,
  },
  { name: "file", type: "VARCHAR", doc: "source file, as given to convert", get: (r) => r.t.provenance.source.file },
  {
    name: "line",
    type: "INTEGER",
    doc: "first line of the record in that file",
    get: (r) => r.t.provenance.source.line,
  },
  { name: "format", type: "VARCHAR", doc: "reader that read it (fathom, verl, …)", get: (r) => r.t.provenance.format },
  {
    name: "model",
    type: "VARCHAR",
    doc: "model / agent name when the trace records one",
    get: (r) => r.t.provenance.model,
  },
  {
    name: "dataset",
    type: "VARCHAR",
    doc: "benchmark or data source when recorded",
    get: (r) => r.t.provenance.dataset,
  },
  {
    name: "step",
    type: "INTEGER",
    doc: "training step (verl dumps), else null",
    get: (r) => r.t.provenance.trainingStep,
  },
  {
    name: "group_id",
    type: "VARCHAR",
    doc: "GRPO group (rollouts of one prompt), else null",
    get: (r) => r.t.provenance.groupId,
  },
  { name: "verdict", type: "VARCHAR", doc: "correct | incorrect | unknown", get: (r) => r.t.verdict },
  { name: "correct", type: "BOOLEAN", doc: "verdict = 'correct'", get: (r) => r.t.verdict === "correct" },
  { name: "format_ok", type: "BOOLEAN", doc: "R_format of the reward (formatValid)", get: (r) => formatValid(r.t) },
  { name: "truncated", type: "BOOLEAN", doc: "the final turn was cut", get: (r) => r.t.truncated },
  { name: "n_calls", type: "INTEGER", doc: "tool calls (T when every call counts)", get: (r) => r.t.calls.length },
  { name: "turns", type: "INTEGER", doc: "model turns", get: (r) => r.t.steps.length },
  { name: "question", type: "VARCHAR", doc: "the question", get: (r) => r.t.question },
  { name: "final_answer", type: "VARCHAR", doc: "extracted final answer, null when none", get: (r) => r.t.finalAnswer },
  {
    name: "response_tokens",
    type: "INTEGER",
    doc: "response tokens (responseTokens: the model's text, Qwen3 tokenizer) when converted with --tokens, else null",
    added: true,
    get: (r) => (r.tokens ? responseTokens(r.t) : null),
  },
];

export const CALL_COLUMNS: readonly CorpusColumn<CallSource>[] = [
  {
    name: "key",
    type: "VARCHAR",
    doc: "trajectory key (joins trajectories.key)",
    identity: "key",
    get: (r) => r.key,
  },
  { name: "trajectory_id", type: "VARCHAR", doc: "trajectory id", identity: "id", get: (r) => r.t.id },
  { name: "file", type: "VARCHAR", doc: "source file", get: (r) => r.t.provenance.source.file },
  { name: "line", type: "INTEGER", doc: "the trajectory's line", get: (r) => r.t.provenance.source.line },
  {
    name: "call_index",
    type: "INTEGER",
    doc: "0-based index of the call in the trajectory",
    get: (r) => r.call.index,
  },
  { name: "turn", type: "INTEGER", doc: "0-based model turn that made the call", get: (r) => r.call.step },
  { name: "tool", type: "VARCHAR", doc: "tool name as written", get: (r) => r.call.name },
  { name: "role", type: "VARCHAR", doc: "search | page | answer | other", get: (r) => r.call.role },
  {
    name: "queries_json",
    type: "VARCHAR",
    doc: "JSON array of the call's queries",
    get: (r) => JSON.stringify(r.call.queries),
  },
  { name: "urls_json", type: "VARCHAR", doc: "JSON array of the call's URLs", get: (r) => JSON.stringify(r.call.urls) },
  {
    name: "n_queries",
    type: "INTEGER",
    doc: "queries in the call (batched calls have several)",
    get: (r) => r.call.queries.length,
  },
  { name: "n_urls", type: "INTEGER", doc: "URLs in the call", get: (r) => r.call.urls.length },
  { name: "goal", type: "VARCHAR", doc: "page-reading goal, when given", get: (r) => r.call.goal },
  { name: "error", type: "BOOLEAN", doc: "the call failed or did not parse", get: (r) => r.call.error },
  { name: "error_reason", type: "VARCHAR", doc: "why, when it did", get: (r) => r.call.errorReason },
  {
    name: "response_chars",
    type: "INTEGER",
    doc: "length of the tool response",
    get: (r) => r.call.response?.length ?? 0,
  },
];

export const LABEL_COLUMNS: readonly CorpusColumn<LabelSource>[] = [
  { name: "label_set", type: "VARCHAR", doc: "name of the label set (convert --label-set)", get: (r) => r.set },
  {
    name: "file",
    type: "VARCHAR",
    doc: "source file of the labelled trajectory, as the label set wrote it",
    get: (r) => r.row.source.file,
  },
  { name: "line", type: "INTEGER", doc: "its line", get: (r) => r.row.source.line },
  { name: "trajectory_id", type: "VARCHAR", doc: "trajectory id", identity: "id", get: (r) => r.row.trajectoryId },
  { name: "call_index", type: "INTEGER", doc: "call index", get: (r) => r.row.callIndex },
  { name: "tool", type: "VARCHAR", doc: "tool name", get: (r) => r.row.tool },
  { name: "role", type: "VARCHAR", doc: "search | page | answer | other", get: (r) => r.row.role },
  {
    name: "label",
    type: "VARCHAR",
    doc: "UNIQUESEARCH … REDUNDANTQUERY, null for answer/other calls",
    get: (r) => r.row.label,
  },
  {
    name: "utility",
    type: "DOUBLE",
    doc: "marginal utility, when the labeller gives one",
    get: (r) => r.row.utility,
  },
  {
    name: "claim",
    type: "INTEGER",
    doc: "page calls: the claim they read for (B_v replay)",
    get: (r) => r.row.claim,
  },
  {
    name: "is_check",
    type: "BOOLEAN",
    doc: "page calls: a check of an already-read claim (null: unknown)",
    get: (r) => r.row.check,
  },
  { name: "labeller", type: "VARCHAR", doc: "labeller that wrote the row", get: (r) => r.row.labeller },
  { name: "version", type: "VARCHAR", doc: "its version", get: (r) => r.row.version },
  { name: "config_hash", type: "VARCHAR", doc: "its configuration hash", get: (r) => r.row.configHash },
];

/** The row source of each table. */
export interface TableRows {
  trajectories: TrajectorySource;
  calls: CallSource;
  labels: LabelSource;
}
export type TableName = keyof TableRows;

export const TABLES: { readonly [T in TableName]: readonly CorpusColumn<TableRows[T]>[] } = {
  trajectories: TRAJECTORY_COLUMNS,
  calls: CALL_COLUMNS,
  labels: LABEL_COLUMNS,
};
/** The tables in the order their parts are written (part numbers follow it). */
export const TABLE_NAMES: readonly TableName[] = ["trajectories", "calls", "labels"];

export function createTableSql(table: TableName, name: string = table): string {
  return `CREATE TABLE ${name} (${TABLES[table].map((c) => `${c.name} ${c.type}`).join(", ")})`;
}

const PartsSchema = z.object({ trajectories: z.array(z.string()), calls: z.array(z.string()) });

const count = z.number().int().nonnegative();

/** A source's load report as `inspect` prints it (lib/formats/load.ts `FileReport` and its issues). */
export const SourceReportSchema = z.object({
  file: z.object({
    path: z.string(),
    format: z.string().nullable(),
    trajectories: count,
    toolCalls: count,
    byRole: z.object({ search: count, page: count, answer: count, other: count }),
    verdicts: z.object({ correct: count, incorrect: count, unknown: count }),
    withAnswer: count,
    truncated: count,
    errors: count,
    warnings: count,
    unreadable: z.boolean(),
    unparsedSearch: count,
  }),
  issues: z.array(
    z.object({
      file: z.string(),
      line: z.number().int(),
      reason: z.string(),
      excerpt: z.string(),
      severity: z.enum(["error", "warning"]),
    }),
  ),
});
export type SourceReport = z.infer<typeof SourceReportSchema>;

export const SourceEntrySchema = z.object({
  path: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  format: z.string().nullable(),
  trajectories: z.number().int(),
  calls: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
  parts: PartsSchema,
  /** Whether its trajectories' `response_tokens` were counted (convert --tokens); absent in older corpora: no. */
  tokens: z.boolean().optional(),
  /** Label sets made while converting this source (convert --label): their parts and rows. */
  labels: z.record(z.string(), z.object({ parts: z.array(z.string()), rows: z.number().int() })).default({}),
  /**
   * The source's load report (what `sounding inspect` prints for the file: counts, bad records and
   * warnings with their lines), so `inspect` on the corpus prints what it printed on the file.
   * Absent in corpora written before it was recorded.
   */
  report: SourceReportSchema.optional(),
});
export type SourceEntry = z.infer<typeof SourceEntrySchema>;

/** The `origin` of a label set made while converting (`convert --label`). */
export const CONVERT_ORIGIN = "convert --label";

export const LabelSetEntrySchema = z.object({
  /** Where the rows came from: a label set path, or "convert --label" for labels made while converting. */
  origin: z.string(),
  rows: z.number().int(),
  /** The B_v the labels were made with (1 unless the label set's manifest says otherwise). */
  labelsBv: z.number().int().nonnegative(),
  labeller: z.string().nullable(),
  configHash: z.string().nullable(),
  parts: z.array(z.string()),
});
export type LabelSetEntry = z.infer<typeof LabelSetEntrySchema>;

export const CorpusManifestSchema = z.object({
  schema: z.literal("sounding-corpus"),
  schemaVersion: z.literal(CORPUS_SCHEMA_VERSION),
  /** Next part number (parts are never renumbered). */
  nextPart: z.number().int().nonnegative(),
  sources: z.array(SourceEntrySchema),
  labelSets: z.record(z.string(), LabelSetEntrySchema),
});
export type CorpusManifest = z.infer<typeof CorpusManifestSchema>;

export function emptyManifest(): CorpusManifest {
  return { schema: "sounding-corpus", schemaVersion: CORPUS_SCHEMA_VERSION, nextPart: 0, sources: [], labelSets: {} };
}
