/**
 * `convertToCorpus`: trace files → a Parquet corpus directory (corpus-schema.ts), streaming.
 *
 * - Trajectories are read one at a time (streamTrajectories) and appended to small DuckDB staging
 *   tables; every `partCalls` calls the staging tables are written out as Parquet parts and
 *   emptied, so memory stays flat however large the input is.
 * - Incremental: a source already in the manifest with the same size and mtime is skipped; a
 *   changed one is converted again and its old parts dropped; new sources and label sets append.
 * - Interrupt-safe: parts are written under a temporary name and renamed; the manifest is replaced
 *   atomically after each source, and readers use only the parts it lists. A killed run leaves
 *   the previous corpus readable; the next run deletes unlisted files and completes the work.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBAppender } from "@duckdb/node-api";
import { expandPaths, streamTrajectories, emptyReport, type LoadOptions, type LoadReport } from "../formats/load.js";
import { trajectoryKey } from "../trajectory/ids.js";
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { HeuristicLabeller, type HeuristicOptions } from "../labels/heuristic-labeller.js";
import { labelSync } from "../labels/run-labeller.js";
import { readLabelSet } from "../labels/label-set.js";
import { formatValid } from "../metrics/format-validity.js";
import { Engine, lit, type EngineOptions } from "./duckdb.js";
import type { ConvertOptions } from "./convert-options.js";
import { CorpusManifestSchema, createTableSql, emptyManifest, MANIFEST_FILE, TABLES, type CorpusManifest, type SourceEntry, type TableName } from "./corpus-schema.js";

export type { ConvertOptions } from "./convert-options.js";

export interface ConvertResult {
  dir: string;
  added: string[];
  replaced: string[];
  skipped: string[];
  labelSets: string[];
  trajectories: number;
  calls: number;
  report: LoadReport;
  manifest: CorpusManifest;
}

export class CorpusError extends Error {}

/** Read a corpus manifest (null when `dir` holds none). */
export async function readCorpusManifest(dir: string): Promise<CorpusManifest | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CorpusError(`${join(dir, MANIFEST_FILE)}: not valid JSON (${(err as Error).message})`);
  }
  const r = CorpusManifestSchema.safeParse(v);
  if (!r.success) {
    const sv = (v as { schemaVersion?: unknown })?.schemaVersion;
    throw new CorpusError(`${join(dir, MANIFEST_FILE)}: not a sounding corpus manifest of schema version 1${sv !== undefined ? ` (schemaVersion ${JSON.stringify(sv)})` : ""}: ${r.error.issues[0]?.message ?? ""}`);
  }
  return r.data;
}

async function writeManifest(dir: string, m: CorpusManifest): Promise<void> {
  const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(m, null, 1) + "\n");
  await rename(tmp, join(dir, MANIFEST_FILE));
}

/** Every part the manifest lists, by table. */
export function manifestParts(m: CorpusManifest): Record<TableName, string[]> {
  return {
    trajectories: m.sources.flatMap((s) => s.parts.trajectories),
    calls: m.sources.flatMap((s) => s.parts.calls),
    labels: Object.values(m.labelSets).flatMap((l) => l.parts),
  };
}

/** Delete files under the table folders that the manifest does not list (left by a killed run). */
async function removeUnlisted(dir: string, m: CorpusManifest): Promise<void> {
  const listed = new Set(Object.values(manifestParts(m)).flat());
  for (const t of Object.keys(TABLES)) {
    let names: string[];
    try {
      names = await readdir(join(dir, t));
    } catch {
      continue;
    }
    for (const n of names) if (!listed.has(`${t}/${n}`)) await rm(join(dir, t, n), { force: true });
  }
  await rm(join(dir, `${MANIFEST_FILE}.tmp`), { force: true });
}

/** Staging tables in DuckDB, written out as Parquet parts. */
class Stager {
  private apps = new Map<TableName, DuckDBAppender>();
  rows: Record<TableName, number> = { trajectories: 0, calls: 0, labels: 0 };

  constructor(
    private readonly db: Engine,
    private readonly dir: string,
    private readonly m: CorpusManifest,
  ) {}

  async init(): Promise<void> {
    for (const t of Object.keys(TABLES) as TableName[]) await this.db.run(createTableSql(t, `staging_${t}`));
    await this.open();
  }

  private async open(): Promise<void> {
    for (const t of Object.keys(TABLES) as TableName[]) this.apps.set(t, await this.db.appender(`staging_${t}`));
  }

  app(t: TableName): DuckDBAppender {
    return this.apps.get(t)!;
  }

  /** Write the staged rows of each table as a part; returns the new part paths by table. */
  async flush(): Promise<Partial<Record<TableName, string>>> {
    for (const a of this.apps.values()) a.closeSync();
    this.apps.clear();
    const out: Partial<Record<TableName, string>> = {};
    for (const t of Object.keys(TABLES) as TableName[]) {
      if (!this.rows[t]) continue;
      const rel = `${t}/part-${String(this.m.nextPart++).padStart(6, "0")}.parquet`;
      const tmp = join(this.dir, `${rel}.tmp`);
      await mkdir(join(this.dir, t), { recursive: true });
      await this.db.run(`COPY staging_${t} TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      await rename(tmp, join(this.dir, rel));
      await this.db.run(`DELETE FROM staging_${t}`);
      this.rows[t] = 0;
      out[t] = rel;
    }
    await this.open();
    return out;
  }
}

const str = (a: DuckDBAppender, v: string | null | undefined) => (v === null || v === undefined ? a.appendNull() : a.appendVarchar(v));
const int = (a: DuckDBAppender, v: number | null | undefined) => (v === null || v === undefined ? a.appendNull() : a.appendInteger(v));
const bool = (a: DuckDBAppender, v: boolean | null | undefined) => (v === null || v === undefined ? a.appendNull() : a.appendBoolean(v));

function appendTrajectory(s: Stager, t: Trajectory): void {
  const a = s.app("trajectories");
  const p = t.provenance;
  str(a, trajectoryKey(t));
  str(a, t.id);
  str(a, p.source.file);
  int(a, p.source.line);
  str(a, p.format);
  str(a, p.model);
  str(a, p.dataset);
  int(a, p.trainingStep);
  str(a, p.groupId);
  str(a, t.verdict);
  bool(a, t.verdict === "correct");
  bool(a, formatValid(t));
  bool(a, t.truncated);
  int(a, t.calls.length);
  int(a, t.steps.length);
  str(a, t.question);
  str(a, t.finalAnswer);
  a.endRow();
  s.rows.trajectories++;
  const c = s.app("calls");
  for (const call of t.calls) {
    str(c, trajectoryKey(t));
    str(c, t.id);
    str(c, p.source.file);
    int(c, p.source.line);
    int(c, call.index);
    int(c, call.step);
    str(c, call.name);
    str(c, call.role);
    str(c, JSON.stringify(call.queries));
    str(c, JSON.stringify(call.urls));
    int(c, call.queries.length);
    int(c, call.urls.length);
    str(c, call.goal);
    bool(c, call.error);
    str(c, call.errorReason);
    int(c, call.response?.length ?? 0);
    c.endRow();
    s.rows.calls++;
  }
}

function appendLabel(s: Stager, set: string, r: LabelRow): void {
  const a = s.app("labels");
  str(a, set);
  str(a, r.source.file);
  int(a, r.source.line);
  str(a, r.trajectoryId);
  int(a, r.callIndex);
  str(a, r.tool);
  str(a, r.role);
  str(a, r.label);
  if (r.utility === null || !Number.isFinite(r.utility)) a.appendNull();
  else a.appendDouble(r.utility);
  int(a, r.claim);
  bool(a, r.check);
  str(a, r.labeller);
  str(a, r.version);
  str(a, r.configHash);
  a.endRow();
  s.rows.labels++;
}

/** Convert trace files (and label sets) into the corpus at `dir`, creating or extending it. */
export async function convertToCorpus(paths: readonly string[], dir: string, opts: ConvertOptions = {}): Promise<ConvertResult> {
  await mkdir(dir, { recursive: true });
  const m = (await readCorpusManifest(dir)) ?? emptyManifest();
  await removeUnlisted(dir, m);
  const db = await Engine.open({ memoryLimit: "512MB", ...opts.engine });
  const report = emptyReport();
  const res: ConvertResult = { dir, added: [], replaced: [], skipped: [], labelSets: [], trajectories: 0, calls: 0, report, manifest: m };
  const partCalls = opts.partCalls ?? 250_000;
  const labeller = opts.label ? new HeuristicLabeller(opts.labellerOptions) : null;
  const labelSetName = opts.label;
  try {
    const stager = new Stager(db, dir, m);
    await stager.init();
    for (const file of await expandPaths(paths)) {
      let st;
      try {
        st = await stat(file);
      } catch {
        st = null;
      }
      const prev = m.sources.find((s) => s.path === file);
      if (prev && st && prev.size === st.size && prev.mtimeMs === st.mtimeMs && (!labelSetName || prev.labels[labelSetName])) {
        res.skipped.push(file);
        continue;
      }
      const entry: SourceEntry = { path: file, size: st?.size ?? 0, mtimeMs: st?.mtimeMs ?? 0, format: null, trajectories: 0, calls: 0, errors: 0, warnings: 0, parts: { trajectories: [], calls: [] }, labels: {} };
      const labelParts: string[] = [];
      let labelRows = 0;
      const take = (p: Partial<Record<TableName, string>>) => {
        if (p.trajectories) entry.parts.trajectories.push(p.trajectories);
        if (p.calls) entry.parts.calls.push(p.calls);
        if (p.labels) labelParts.push(p.labels);
      };
      const fileReport = emptyReport();
      for await (const t of streamTrajectories(file, opts, fileReport)) {
        appendTrajectory(stager, t);
        entry.trajectories++;
        entry.calls += t.calls.length;
        if (labeller) {
          for (const r of labelSync(labeller, t)) {
            appendLabel(stager, labelSetName!, r);
            labelRows++;
          }
        }
        if (stager.rows.calls >= partCalls) take(await stager.flush());
      }
      take(await stager.flush());
      const fr = fileReport.files[0];
      report.files.push(...fileReport.files);
      report.issues.push(...fileReport.issues);
      report.trajectories += fileReport.trajectories;
      report.toolCalls += fileReport.toolCalls;
      const old = prev ? [...prev.parts.trajectories, ...prev.parts.calls, ...Object.values(prev.labels).flatMap((l) => l.parts)] : [];
      if (!fr || fr.unreadable) {
        // nothing to record (the report says why); a file that vanished leaves the corpus
        for (const p of [...entry.parts.trajectories, ...entry.parts.calls, ...labelParts]) await rm(join(dir, p), { force: true });
        if (prev) {
          m.sources = m.sources.filter((s) => s !== prev);
          syncConvertLabelSets(m);
          await writeManifest(dir, m);
          for (const p of old) await rm(join(dir, p), { force: true });
        }
        continue;
      }
      entry.format = fr.format ?? null;
      entry.errors = fr.errors;
      entry.warnings = fr.warnings;
      if (labeller && labelSetName) {
        entry.labels[labelSetName] = { parts: labelParts, rows: labelRows };
        if (m.labelSets[labelSetName]?.origin !== "convert --label") {
          // a name used before by an imported set: the labels made now replace it
          old.push(...(m.labelSets[labelSetName]?.parts ?? []));
        }
        m.labelSets[labelSetName] = { origin: "convert --label", rows: 0, labelsBv: opts.labellerOptions?.verifyBudget ?? 1, labeller: labeller.info.name, configHash: labeller.info.configHash, parts: [] };
      }
      // commit: the new entry replaces the old one (and its labels) in one manifest write
      m.sources = [...m.sources.filter((s) => s.path !== file), entry];
      syncConvertLabelSets(m);
      await writeManifest(dir, m);
      for (const p of old) await rm(join(dir, p), { force: true });
      (prev ? res.replaced : res.added).push(file);
      res.trajectories += entry.trajectories;
      res.calls += entry.calls;
    }
    for (const ls of opts.labelSets ?? []) {
      const set = await readLabelSet(ls.path);
      for (const i of set.issues) report.issues.push({ file: i.file, line: i.line, reason: i.reason, excerpt: "", severity: "error" });
      for (const r of set.rows) {
        appendLabel(stager, ls.name, r);
        // parts of a bounded size here too
        if (stager.rows.labels >= partCalls) (ls as { parts?: string[] }).parts = [...((ls as { parts?: string[] }).parts ?? []), (await stager.flush()).labels!];
      }
      const last = (await stager.flush()).labels;
      const parts = [...((ls as { parts?: string[] }).parts ?? []), ...(last ? [last] : [])];
      const old = [...(m.labelSets[ls.name]?.parts ?? [])];
      for (const s of m.sources) delete s.labels[ls.name];
      const cfg = set.manifest?.config as { verifyBudget?: unknown } | undefined;
      // (rows keep their own source paths; they join trajectories by file and id, or by id alone)
      m.labelSets[ls.name] = {
        origin: ls.path,
        rows: set.rows.length,
        labelsBv: typeof cfg?.verifyBudget === "number" ? cfg.verifyBudget : 1,
        labeller: set.manifest?.labeller ?? set.rows[0]?.labeller ?? null,
        configHash: set.manifest?.configHash ?? null,
        parts,
      };
      await writeManifest(dir, m);
      for (const p of old) await rm(join(dir, p), { force: true });
      res.labelSets.push(ls.name);
    }
    if (labelSetName) res.labelSets.unshift(labelSetName);
  } finally {
    db.close();
  }
  return res;
}

/** Recompute the parts and rows of label sets made while converting from their sources. */
function syncConvertLabelSets(m: CorpusManifest): void {
  for (const [name, ls] of Object.entries(m.labelSets)) {
    if (ls.origin !== "convert --label") continue;
    ls.parts = m.sources.flatMap((s) => s.labels[name]?.parts ?? []);
    ls.rows = m.sources.reduce((n, s) => n + (s.labels[name]?.rows ?? 0), 0);
    if (!m.sources.some((s) => s.labels[name])) delete m.labelSets[name];
  }
}
