/**
 * A small door to DuckDB (`@duckdb/node-api`, loaded on first use so that importing sounding does
 * not load the native engine). Results come back as plain rows with numbers (BIGINT → number;
 * the counts here stay far below 2^53). The engine's memory is capped (default 1 GB) and spills to
 * a temp directory beyond it, so a query's footprint does not grow with the corpus.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBAppender } from "@duckdb/node-api";

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
