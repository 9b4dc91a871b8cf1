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
 */
import { z } from "zod";

export const CORPUS_SCHEMA_VERSION = 1;
export const MANIFEST_FILE = "sounding-corpus.json";

export interface Column {
  name: string;
  type: "VARCHAR" | "INTEGER" | "DOUBLE" | "BOOLEAN";
  doc: string;
}

export const TRAJECTORY_COLUMNS: readonly Column[] = [
  { name: "key", type: "VARCHAR", doc: "file::trajectory_id, unique in the corpus" },
  { name: "trajectory_id", type: "VARCHAR", doc: "the trajectory's stable id (lib/trajectory/ids.ts)" },
  { name: "file", type: "VARCHAR", doc: "source file, as given to convert" },
  { name: "line", type: "INTEGER", doc: "first line of the record in that file" },
  { name: "format", type: "VARCHAR", doc: "reader that read it (fathom, verl, …)" },
  { name: "model", type: "VARCHAR", doc: "model / agent name when the trace records one" },
  { name: "dataset", type: "VARCHAR", doc: "benchmark or data source when recorded" },
  { name: "step", type: "INTEGER", doc: "training step (verl dumps), else null" },
  { name: "group_id", type: "VARCHAR", doc: "GRPO group (rollouts of one prompt), else null" },
  { name: "verdict", type: "VARCHAR", doc: "correct | incorrect | unknown" },
  { name: "correct", type: "BOOLEAN", doc: "verdict = 'correct'" },
  { name: "format_ok", type: "BOOLEAN", doc: "R_format of the reward (formatValid)" },
  { name: "truncated", type: "BOOLEAN", doc: "the final turn was cut" },
  { name: "n_calls", type: "INTEGER", doc: "tool calls (T when every call counts)" },
  { name: "turns", type: "INTEGER", doc: "model turns" },
  { name: "question", type: "VARCHAR", doc: "the question" },
  { name: "final_answer", type: "VARCHAR", doc: "extracted final answer, null when none" },
];

export const CALL_COLUMNS: readonly Column[] = [
  { name: "key", type: "VARCHAR", doc: "trajectory key (joins trajectories.key)" },
  { name: "trajectory_id", type: "VARCHAR", doc: "trajectory id" },
  { name: "file", type: "VARCHAR", doc: "source file" },
  { name: "line", type: "INTEGER", doc: "the trajectory's line" },
  { name: "call_index", type: "INTEGER", doc: "0-based index of the call in the trajectory" },
  { name: "turn", type: "INTEGER", doc: "0-based model turn that made the call" },
  { name: "tool", type: "VARCHAR", doc: "tool name as written" },
  { name: "role", type: "VARCHAR", doc: "search | page | answer | other" },
  { name: "queries_json", type: "VARCHAR", doc: "JSON array of the call's queries" },
  { name: "urls_json", type: "VARCHAR", doc: "JSON array of the call's URLs" },
  { name: "n_queries", type: "INTEGER", doc: "queries in the call (batched calls have several)" },
  { name: "n_urls", type: "INTEGER", doc: "URLs in the call" },
  { name: "goal", type: "VARCHAR", doc: "page-reading goal, when given" },
  { name: "error", type: "BOOLEAN", doc: "the call failed or did not parse" },
  { name: "error_reason", type: "VARCHAR", doc: "why, when it did" },
  { name: "response_chars", type: "INTEGER", doc: "length of the tool response" },
];

export const LABEL_COLUMNS: readonly Column[] = [
  { name: "label_set", type: "VARCHAR", doc: "name of the label set (convert --label-set)" },
  { name: "file", type: "VARCHAR", doc: "source file of the labelled trajectory, as the label set wrote it" },
  { name: "line", type: "INTEGER", doc: "its line" },
  { name: "trajectory_id", type: "VARCHAR", doc: "trajectory id" },
  { name: "call_index", type: "INTEGER", doc: "call index" },
  { name: "tool", type: "VARCHAR", doc: "tool name" },
  { name: "role", type: "VARCHAR", doc: "search | page | answer | other" },
  { name: "label", type: "VARCHAR", doc: "UNIQUESEARCH … REDUNDANTQUERY, null for answer/other calls" },
  { name: "utility", type: "DOUBLE", doc: "marginal utility, when the labeller gives one" },
  { name: "claim", type: "INTEGER", doc: "page calls: the claim they read for (B_v replay)" },
  { name: "is_check", type: "BOOLEAN", doc: "page calls: a check of an already-read claim (null: unknown)" },
  { name: "labeller", type: "VARCHAR", doc: "labeller that wrote the row" },
  { name: "version", type: "VARCHAR", doc: "its version" },
  { name: "config_hash", type: "VARCHAR", doc: "its configuration hash" },
];

export const TABLES = { trajectories: TRAJECTORY_COLUMNS, calls: CALL_COLUMNS, labels: LABEL_COLUMNS } as const;
export type TableName = keyof typeof TABLES;

export function createTableSql(table: TableName, name: string = table): string {
  return `CREATE TABLE ${name} (${TABLES[table].map((c) => `${c.name} ${c.type}`).join(", ")})`;
}

const PartsSchema = z.object({ trajectories: z.array(z.string()), calls: z.array(z.string()) });

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
  /** Label sets made while converting this source (convert --label): their parts and rows. */
  labels: z.record(z.string(), z.object({ parts: z.array(z.string()), rows: z.number().int() })).default({}),
});
export type SourceEntry = z.infer<typeof SourceEntrySchema>;

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
