/**
 * A small door to DuckDB (`@duckdb/node-api`, loaded on first use so that importing sounding does
 * not load the native engine). Results come back as plain rows with numbers (BIGINT → number;
 * the counts here stay far below 2^53). The engine's memory is capped (default 1 GB) and spills to
 * a temp directory beyond it, so a query's footprint does not grow with the corpus.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBAppender, DuckDBDataChunk } from "@duckdb/node-api";

export interface EngineOptions {
  /** DuckDB memory_limit, e.g. "1GB" (default). */
  memoryLimit?: string;
  /** Worker threads (default: DuckDB's, one per core). */
  threads?: number;
  /** Where DuckDB may spill beyond the memory limit (default: a per-process folder in the OS temp dir). */
  tempDirectory?: string;
}

export type SqlValue = string | number | boolean | null;
export type SqlRow = Record<string, SqlValue>;

export class Engine {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(opts: EngineOptions = {}): Promise<Engine> {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const config: Record<string, string> = { memory_limit: opts.memoryLimit ?? "1GB" };
    if (opts.threads) config.threads = String(opts.threads);
    // spill under the OS temp dir, never into the user's working directory (DuckDB's default is ./.tmp)
    config.temp_directory = opts.tempDirectory ?? join(tmpdir(), `sounding-duckdb-${process.pid}`);
    const instance = await DuckDBInstance.create(":memory:", config);
    return new Engine(instance, await instance.connect());
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** All rows of a query as plain objects (keep results small: aggregate in SQL). */
  async all(sql: string): Promise<SqlRow[]> {
    const r = await this.connection.runAndReadAll(sql);
    return r.getRowObjectsJS().map((row) => {
      const o: SqlRow = {};
      for (const [k, v] of Object.entries(row)) o[k] = sqlValue(v);
      return o;
    });
  }

  /**
   * A query's result as DuckDB data chunks (columnar, up to 2,048 rows each), streamed: for reading
   * large results into typed arrays without one JavaScript object per row (see `readColumn`).
   */
  async *chunks(sql: string): AsyncGenerator<DuckDBDataChunk> {
    const r = await this.connection.stream(sql);
    for (;;) {
      const c = await r.fetchChunk();
      if (!c || c.rowCount === 0) return;
      yield c;
    }
  }

  async appender(table: string): Promise<DuckDBAppender> {
    return this.connection.createAppender(table);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * A result value as a plain one: BIGINT → number, NULL → null; a list, struct or map (the corpus
 * tables have none, but `Corpus.sql` runs any query) as its JSON text.
 */
function sqlValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x));
}

/** A numeric column of a chunk into a typed array from `offset` (NULL → `nullAs`). */
export function readColumn(
  chunk: DuckDBDataChunk,
  column: number,
  into: Int32Array | Uint8Array | Float64Array,
  offset: number,
  nullAs = 0,
): void {
  const v = chunk.getColumnVector(column);
  const n = chunk.rowCount;
  for (let i = 0; i < n; i++) {
    const x = v.getItem(i);
    into[offset + i] = x === null ? nullAs : typeof x === "boolean" ? +x : Number(x);
  }
}

/** A VARCHAR column of a chunk as strings (NULL → null). */
export function readStrings(chunk: DuckDBDataChunk, column: number): Array<string | null> {
  const v = chunk.getColumnVector(column);
  const out = new Array<string | null>(chunk.rowCount);
  for (let i = 0; i < chunk.rowCount; i++) {
    const x = v.getItem(i);
    out[i] = x === null ? null : String(x);
  }
  return out;
}

/** A SQL string literal. */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * A DOUBLE literal. A bare `0.1` is a DECIMAL in DuckDB (and in standard SQL): arithmetic on it
 * would not be the IEEE arithmetic of the JavaScript path. JavaScript's shortest round-trip text,
 * cast, is the same double in every engine.
 */
export function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return `CAST('${String(x)}' AS DOUBLE)`;
}
