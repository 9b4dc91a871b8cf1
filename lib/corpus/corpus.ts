/**
 * An open corpus: a DuckDB engine with the views `trajectories`, `calls` and `labels` over the
 * Parquet parts its manifest lists (never a glob: parts a killed convert left behind are not
 * part of the corpus). Query it with `sql()`; keep results small (aggregate in SQL).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DuckDBDataChunk } from "@duckdb/node-api";
import { Engine, lit, type EngineOptions, type SqlRow } from "./duckdb.js";
import {
  createTableSql,
  MANIFEST_FILE,
  TABLE_NAMES,
  TABLES,
  type Column,
  type CorpusManifest,
  type TableName,
} from "./corpus-schema.js";
import { CorpusError, manifestParts, readCorpusManifest } from "./corpus-manifest.js";

export class Corpus {
  private constructor(
    readonly dir: string,
    readonly manifest: CorpusManifest,
    private readonly db: Engine,
  ) {}

  /** Open the corpus at `dir` (made by `convertToCorpus` / `sounding convert`). */
  static async open(dir: string, opts: EngineOptions = {}): Promise<Corpus> {
    const manifest = await readCorpusManifest(dir);
    if (!manifest)
      throw new CorpusError(
        `${dir}: not a sounding corpus (no ${MANIFEST_FILE}; make one with \`sounding convert <paths…> --out ${dir}\`)`,
      );
    const db = await Engine.open(opts);
    try {
      const parts = manifestParts(manifest);
      for (const t of TABLE_NAMES) {
        const files = parts[t].map((p) => resolve(dir, p));
        if (files.length) await db.run(`CREATE VIEW ${t} AS ${await tableSelect(db, t, files)}`);
        else await db.run(createTableSql(t));
      }
    } catch (err) {
      db.close();
      throw err;
    }
    return new Corpus(dir, manifest, db);
  }

  /** Names of the label sets in the corpus. */
  get labelSets(): string[] {
    return Object.keys(this.manifest.labelSets).sort();
  }

  /** The label set to use: the one named, else the only one (an error when there are several or none). */
  labelSet(name?: string): { name: string; labelsBv: number } {
    const names = this.labelSets;
    if (name !== undefined) {
      const e = this.manifest.labelSets[name];
      if (!e)
        throw new CorpusError(
          `${this.dir}: no label set "${name}" (${names.length ? `it has ${names.join(", ")}` : "it has none; convert with --label or --labels DIR"})`,
        );
      return { name, labelsBv: e.labelsBv };
    }
    if (names.length === 1) return { name: names[0]!, labelsBv: this.manifest.labelSets[names[0]!]!.labelsBv };
    throw new CorpusError(
      names.length
        ? `${this.dir}: several label sets (${names.join(", ")}); name one`
        : `${this.dir}: no label set (convert with --label or --labels DIR)`,
    );
  }

  async sql(query: string): Promise<SqlRow[]> {
    return this.db.all(query);
  }

  /** A query's result as streamed columnar chunks (Engine.chunks). */
  chunks(query: string): AsyncGenerator<DuckDBDataChunk> {
    return this.db.chunks(query);
  }

  async run(statement: string): Promise<void> {
    return this.db.run(statement);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The view of table `t` over its parts. A column `added` to the schema after older parts were
 * written is read as NULL where a part lacks it: NULL throughout when no part has it, and the
 * parts' columns matched by name when only some do (a corpus extended by a newer convert).
 */
async function tableSelect(db: Engine, t: TableName, files: readonly string[]): Promise<string> {
  const list = `[${files.map(lit).join(", ")}]`;
  const columns: readonly Column[] = TABLES[t];
  const added = columns.filter((c) => c.added);
  const holding = new Map<string, number>();
  if (added.length) {
    const names = added.map((c) => lit(c.name)).join(", ");
    for (const r of await db.all(
      `SELECT name, COUNT(DISTINCT file_name) AS n FROM parquet_schema(${list}) WHERE name IN (${names}) GROUP BY name`,
    ))
      holding.set(String(r.name), Number(r.n));
  }
  const everywhere = added.every((c) => holding.get(c.name) === files.length);
  const cols = columns.map((c) => (c.added && !holding.get(c.name) ? `CAST(NULL AS ${c.type}) AS ${c.name}` : c.name));
  return `SELECT ${cols.join(", ")} FROM read_parquet(${list}${everywhere ? "" : ", union_by_name = true"})`;
}

/** True when `path` is a corpus directory (it holds a corpus manifest). */
export function isCorpusDir(path: string): boolean {
  return existsSync(join(path, MANIFEST_FILE));
}
