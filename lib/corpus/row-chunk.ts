/**
 * Trajectories staged as column values: the rows of the three corpus tables, computed by each
 * column's own accessor (corpus-schema.ts) and kept flat, in column order. The converter stages
 * chunks alike whether it read them itself or a worker thread did (convert-worker.ts): a chunk is
 * plain data, so it crosses a thread boundary by structured clone without the trajectories' text.
 */
import { trajectoryKey } from "../trajectory/ids.js";
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { TABLES, type CorpusColumn, type TableName, type TableRows } from "./corpus-schema.js";
import type { SqlValue } from "./duckdb.js";

export interface RowChunk {
  /** Per trajectory of the chunk, in order: its call rows and its label rows. */
  calls: number[];
  labels: number[];
  /** The rows of each table, row after row, each row its table's columns in order. */
  values: Record<TableName, SqlValue[]>;
  /** Bytes of the source read when the chunk was cut (for progress), when known. */
  bytesRead: number | null;
}

/** Append the values of `row` for `columns` to `out`. */
export function pushRow<R>(columns: readonly CorpusColumn<R>[], row: R, out: SqlValue[]): void {
  for (const c of columns) out.push(c.get(row) ?? null);
}

/** The values of one row of table `t`. */
export function rowValues<T extends TableName>(t: T, row: TableRows[T]): SqlValue[] {
  const out: SqlValue[] = [];
  const columns: readonly CorpusColumn<TableRows[T]>[] = TABLES[t];
  pushRow(columns, row, out);
  return out;
}

/** Collects trajectories (and their label rows) into a chunk. */
export class ChunkBuilder {
  private chunk: RowChunk = ChunkBuilder.empty();
  /** Rows in the chunk so far (trajectories, calls and labels). */
  rows = 0;

  private static empty(): RowChunk {
    return { calls: [], labels: [], values: { trajectories: [], calls: [], labels: [] }, bytesRead: null };
  }

  add(t: Trajectory, labels: { set: string; rows: readonly LabelRow[] } | null): void {
    const key = trajectoryKey(t);
    const v = this.chunk.values;
    pushRow(TABLES.trajectories, { t, key }, v.trajectories);
    for (const call of t.calls) pushRow(TABLES.calls, { t, key, call }, v.calls);
    if (labels) for (const row of labels.rows) pushRow(TABLES.labels, { set: labels.set, row }, v.labels);
    this.chunk.calls.push(t.calls.length);
    this.chunk.labels.push(labels?.rows.length ?? 0);
    this.rows += 1 + t.calls.length + (labels?.rows.length ?? 0);
  }

  /** The chunk so far (empties the builder). */
  take(bytesRead: number | null = null): RowChunk {
    const c = this.chunk;
    c.bytesRead = bytesRead;
    this.chunk = ChunkBuilder.empty();
    this.rows = 0;
    return c;
  }
}
