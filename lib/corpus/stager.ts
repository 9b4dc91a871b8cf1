/**
 * Staging tables in DuckDB, one per corpus table, written out as Parquet parts. Rows arrive as
 * column values (row-chunk.ts: each column computed its own value), checked against the column's
 * SQL type as they are appended; nothing here knows which columns a table has.
 */
import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBAppender } from "@duckdb/node-api";
import { Engine, lit, type SqlValue } from "./duckdb.js";
import {
  createTableSql,
  TABLE_NAMES,
  TABLES,
  type Column,
  type CorpusManifest,
  type TableName,
} from "./corpus-schema.js";
import type { RowChunk } from "./row-chunk.js";

/** Part paths written by one flush, by table (a table with no staged rows writes none). */
export type WrittenParts = Partial<Record<TableName, string>>;

/** Append `v` to `a` as a value of column `c` (an internal error when its type is not the column's). */
function appendValue(a: DuckDBAppender, table: TableName, c: Column, v: SqlValue | undefined): void {
  if (v === null || v === undefined) return a.appendNull();
  switch (c.type) {
    case "VARCHAR":
      if (typeof v === "string") return a.appendVarchar(v);
      break;
    case "INTEGER":
      if (typeof v === "number") return a.appendInteger(v);
      break;
    case "DOUBLE":
      if (typeof v === "number") return Number.isFinite(v) ? a.appendDouble(v) : a.appendNull();
      break;
    case "BOOLEAN":
      if (typeof v === "boolean") return a.appendBoolean(v);
      break;
  }
  throw new Error(`${table}.${c.name}: a ${typeof v} is not a ${c.type} value`);
}

export class Stager {
  private readonly apps = new Map<TableName, DuckDBAppender>();
  private readonly rows: Record<TableName, number> = { trajectories: 0, calls: 0, labels: 0 };

  private constructor(
    private readonly db: Engine,
    private readonly dir: string,
  ) {}

  /** Create the staging tables in `db`; parts are written under the corpus directory `dir`. */
  static async open(db: Engine, dir: string): Promise<Stager> {
    const s = new Stager(db, dir);
    for (const t of TABLE_NAMES) await db.run(createTableSql(t, `staging_${t}`));
    await s.openAppenders();
    return s;
  }

  private async openAppenders(): Promise<void> {
    for (const t of TABLE_NAMES) this.apps.set(t, await this.db.appender(`staging_${t}`));
  }

  /** Rows staged in table `t` since the last flush. */
  staged(t: TableName): number {
    return this.rows[t];
  }

  /** Stage one row of table `t` from `values` at `offset` (its columns in order); returns the next offset. */
  append(t: TableName, values: readonly SqlValue[], offset = 0): number {
    const a = this.apps.get(t);
    if (!a) throw new Error(`staging table ${t} is not open`);
    const columns = TABLES[t];
    for (let i = 0; i < columns.length; i++) appendValue(a, t, columns[i]!, values[offset + i]);
    a.endRow();
    this.rows[t]++;
    return offset + columns.length;
  }

  /** Stage every row of a chunk, calling `after` after each trajectory (with its calls and label rows). */
  async appendChunk(chunk: RowChunk, after: (calls: number, labels: number) => Promise<void>): Promise<void> {
    let [ot, oc, ol] = [0, 0, 0];
    const v = chunk.values;
    for (let i = 0; i < chunk.calls.length; i++) {
      ot = this.append("trajectories", v.trajectories, ot);
      const calls = chunk.calls[i]!;
      const labels = chunk.labels[i]!;
      for (let k = 0; k < calls; k++) oc = this.append("calls", v.calls, oc);
      for (let k = 0; k < labels; k++) ol = this.append("labels", v.labels, ol);
      await after(calls, labels);
    }
  }

  /**
   * Write the staged rows of each table as a part (numbered from `manifest.nextPart`, which
   * advances), under a temporary name then renamed, and empty the staging tables.
   */
  async flush(manifest: CorpusManifest): Promise<WrittenParts> {
    for (const a of this.apps.values()) a.closeSync();
    this.apps.clear();
    const out: WrittenParts = {};
    for (const t of TABLE_NAMES) {
      if (!this.rows[t]) continue;
      const rel = `${t}/part-${String(manifest.nextPart++).padStart(6, "0")}.parquet`;
      const tmp = join(this.dir, `${rel}.tmp`);
      await mkdir(join(this.dir, t), { recursive: true });
      await this.db.run(`COPY staging_${t} TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      await rename(tmp, join(this.dir, rel));
      await this.db.run(`DELETE FROM staging_${t}`);
      this.rows[t] = 0;
      out[t] = rel;
    }
    await this.openAppenders();
    return out;
  }
}
