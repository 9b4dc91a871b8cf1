/**
 * Staging tables in DuckDB, one per corpus table, written out as Parquet parts. A row is appended
 * by walking its table's column list (corpus-schema.ts): each column computes its own value, so
 * nothing here knows which columns a table has or in which order.
 */
import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBAppender } from "@duckdb/node-api";
import { Engine, lit } from "./duckdb.js";
import {
  createTableSql,
  TABLE_NAMES,
  TABLES,
  type CorpusColumn,
  type CorpusManifest,
  type TableName,
  type TableRows,
} from "./corpus-schema.js";

/** Part paths written by one flush, by table (a table with no staged rows writes none). */
export type WrittenParts = Partial<Record<TableName, string>>;

function appendValue<R>(a: DuckDBAppender, c: CorpusColumn<R>, row: R): void {
  switch (c.type) {
    case "VARCHAR": {
      const v = c.get(row);
      return v === null || v === undefined ? a.appendNull() : a.appendVarchar(v);
    }
    case "INTEGER": {
      const v = c.get(row);
      return v === null || v === undefined ? a.appendNull() : a.appendInteger(v);
    }
    case "DOUBLE": {
      const v = c.get(row);
      return v === null || v === undefined || !Number.isFinite(v) ? a.appendNull() : a.appendDouble(v);
    }
    case "BOOLEAN": {
      const v = c.get(row);
      return v === null || v === undefined ? a.appendNull() : a.appendBoolean(v);
    }
  }
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

  append<T extends TableName>(t: T, row: TableRows[T]): void {
    const a = this.apps.get(t);
    if (!a) throw new Error(`staging table ${t} is not open`);
    const columns: readonly CorpusColumn<TableRows[T]>[] = TABLES[t];
    for (const c of columns) appendValue(a, c, row);
    a.endRow();
    this.rows[t]++;
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
