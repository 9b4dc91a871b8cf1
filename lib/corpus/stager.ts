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

/** What a value of a column must be, and how it is appended. */
const KINDS = { VARCHAR: 0, INTEGER: 1, DOUBLE: 2, BOOLEAN: 3 } as const;
const KIND_OF: Record<TableName, Uint8Array> = {
  trajectories: kinds("trajectories"),
  calls: kinds("calls"),
  labels: kinds("labels"),
};
function kinds(t: TableName): Uint8Array {
  return Uint8Array.from(TABLES[t].map((c) => KINDS[c.type]));
}

/** A value that is not of its column's type: an internal error naming the column. */
function wrongType(table: TableName, c: Column, v: SqlValue): Error {
  return new Error(`${table}.${c.name}: a ${typeof v} is not a ${c.type} value`);
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
    return this.appendRows(t, values, offset, 1);
  }

  /** Stage `n` rows of table `t` from `values` at `offset`, each its columns in order; returns the next offset. */
  private appendRows(t: TableName, values: readonly SqlValue[], offset: number, n: number): number {
    const a = this.apps.get(t);
    if (!a) throw new Error(`staging table ${t} is not open`);
    const kind = KIND_OF[t];
    const width = kind.length;
    let j = offset;
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < width; i++, j++) {
        const v = values[j];
        if (v === null || v === undefined) a.appendNull();
        else if (kind[i] === KINDS.VARCHAR) {
          if (typeof v !== "string") throw wrongType(t, TABLES[t][i]!, v);
          a.appendVarchar(v);
        } else if (kind[i] === KINDS.BOOLEAN) {
          if (typeof v !== "boolean") throw wrongType(t, TABLES[t][i]!, v);
          a.appendBoolean(v);
        } else {
          if (typeof v !== "number") throw wrongType(t, TABLES[t][i]!, v);
          if (kind[i] === KINDS.INTEGER) a.appendInteger(v);
          else if (Number.isFinite(v)) a.appendDouble(v);
          else a.appendNull();
        }
      }
      a.endRow();
    }
    this.rows[t] += n;
    return j;
  }

  /** Stage every row of a chunk, calling `after` after each trajectory (with its calls and label rows). */
  async appendChunk(chunk: RowChunk, after: (calls: number, labels: number) => Promise<void>): Promise<void> {
    let [ot, oc, ol] = [0, 0, 0];
    const v = chunk.values;
    for (let i = 0; i < chunk.calls.length; i++) {
      ot = this.appendRows("trajectories", v.trajectories, ot, 1);
      const calls = chunk.calls[i]!;
      const labels = chunk.labels[i]!;
      oc = this.appendRows("calls", v.calls, oc, calls);
      ol = this.appendRows("labels", v.labels, ol, labels);
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
