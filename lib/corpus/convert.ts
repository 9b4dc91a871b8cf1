/**
 * `convertToCorpus`: trace files → a Parquet corpus directory (corpus-schema.ts), streaming.
 *
 * - Trajectories are read one at a time (streamTrajectories) and appended to small DuckDB staging
 *   tables (stager.ts); every `partCalls` calls the staging tables are written out as Parquet parts
 *   and emptied, so memory stays flat however large the input is.
 * - Incremental: a source already in the manifest with the same size and mtime is skipped; a
 *   changed one is converted again and its old parts dropped; new sources and label sets append.
 * - Interrupt-safe: parts are written under a temporary name and renamed; the manifest is replaced
 *   atomically after each source, and readers use only the parts it lists. A killed run leaves
 *   the previous corpus readable; the next run deletes unlisted files and completes the work.
 *
 * The run is a sequence of named steps (clean up → per source: plan, read + label into the stager,
 * write parts, commit the manifest → per label set: stage, write parts, commit). What the steps
 * share is one explicit `Run` object; the caller's options are only read, never written.
 */
import { mkdir, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { expandPaths, streamTrajectories, emptyReport, type LoadOptions, type LoadReport } from "../formats/load.js";
import { trajectoryKey } from "../trajectory/ids.js";
import type { Trajectory } from "../trajectory/schema.js";
import { HeuristicLabeller, type HeuristicOptions } from "../labels/heuristic-labeller.js";
import { labelSync } from "../labels/run-labeller.js";
import { readLabelSet } from "../labels/label-set.js";
import { Engine, type EngineOptions } from "./duckdb.js";
import { CONVERT_ORIGIN, emptyManifest, type CorpusManifest, type SourceEntry } from "./corpus-schema.js";
import {
  readCorpusManifest,
  removeParts,
  removeUnlisted,
  syncConvertLabelSets,
  writeManifest,
} from "./corpus-manifest.js";
import { Stager, type WrittenParts } from "./stager.js";

export { CorpusError, manifestParts, readCorpusManifest } from "./corpus-manifest.js";

export interface ConvertOptions extends LoadOptions {
  /** Label every call with the deterministic labeller while converting, into a label set of this name. */
  label?: string;
  /** Options of that labeller. */
  labellerOptions?: HeuristicOptions;
  /** Label sets to add (or replace): a label-set path (file or directory) under a name. */
  labelSets?: ReadonlyArray<{ name: string; path: string }>;
  /** Calls per Parquet part (default 250,000). */
  partCalls?: number;
  engine?: EngineOptions;
}

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

const DEFAULT_PART_CALLS = 250_000;

/** Labels made while converting: the set's name and its labeller. */
interface Labelling {
  name: string;
  labeller: HeuristicLabeller;
  /** The B_v the labels are made with. */
  labelsBv: number;
}

/** Everything the steps of one conversion share. Only `manifest`, `result` and the stager change. */
interface Run {
  readonly dir: string;
  readonly opts: Readonly<ConvertOptions>;
  readonly partCalls: number;
  readonly labelling: Labelling | null;
  readonly stager: Stager;
  /** The manifest being built: steps change it, then commit it (writeManifest). */
  readonly manifest: CorpusManifest;
  readonly result: ConvertResult;
}

/** A source file to convert, with what the manifest knew of it. */
interface PlannedSource {
  file: string;
  stat: Stats | null;
  prev: SourceEntry | undefined;
}

/** What reading one source staged and wrote: its new entry and label parts (not yet committed). */
interface ReadSource {
  entry: SourceEntry;
  labelParts: string[];
  labelRows: number;
  report: LoadReport;
}

/** Convert trace files (and label sets) into the corpus at `dir`, creating or extending it. */
export async function convertToCorpus(
  paths: readonly string[],
  dir: string,
  opts: ConvertOptions = {},
): Promise<ConvertResult> {
  const manifest = await cleanUp(dir);
  const db = await Engine.open({ memoryLimit: "512MB", ...opts.engine });
  try {
    const run = await startRun(dir, opts, manifest, db);
    for (const file of await expandPaths(paths)) {
      const src = await planSource(run, file);
      if (!src) {
        run.result.skipped.push(file);
        continue;
      }
      await commitSource(run, src, await readAndLabel(run, src));
    }
    for (const ls of opts.labelSets ?? []) await importLabelSet(run, ls);
    if (run.labelling) run.result.labelSets.unshift(run.labelling.name);
    return run.result;
  } finally {
    db.close();
  }
}

/** Step 0: open (or start) the corpus at `dir` and delete what a killed run left behind. */
async function cleanUp(dir: string): Promise<CorpusManifest> {
  await mkdir(dir, { recursive: true });
  const m = (await readCorpusManifest(dir)) ?? emptyManifest();
  await removeUnlisted(dir, m);
  return m;
}

async function startRun(dir: string, opts: ConvertOptions, manifest: CorpusManifest, db: Engine): Promise<Run> {
  const labelling: Labelling | null = opts.label
    ? {
        name: opts.label,
        labeller: new HeuristicLabeller(opts.labellerOptions),
        labelsBv: opts.labellerOptions?.verifyBudget ?? 1,
      }
    : null;
  const result: ConvertResult = {
    dir,
    added: [],
    replaced: [],
    skipped: [],
    labelSets: [],
    trajectories: 0,
    calls: 0,
    report: emptyReport(),
    manifest,
  };
  const stager = await Stager.open(db, dir);
  return { dir, opts, partCalls: opts.partCalls ?? DEFAULT_PART_CALLS, labelling, stager, manifest, result };
}

/** Step 1: the source to convert, or null when the manifest already holds it unchanged (and labelled). */
async function planSource(run: Run, file: string): Promise<PlannedSource | null> {
  let st: Stats | null;
  try {
    st = await stat(file);
  } catch {
    st = null;
  }
  const prev = run.manifest.sources.find((s) => s.path === file);
  const unchanged = prev && st && prev.size === st.size && prev.mtimeMs === st.mtimeMs;
  if (unchanged && (!run.labelling || prev.labels[run.labelling.name])) return null;
  return { file, stat: st, prev };
}

/** Step 2: stream the source's trajectories (and their labels) into the stager, writing parts as it fills. */
async function readAndLabel(run: Run, src: PlannedSource): Promise<ReadSource> {
  const { stager, labelling } = run;
  const entry: SourceEntry = {
    path: src.file,
    size: src.stat?.size ?? 0,
    mtimeMs: src.stat?.mtimeMs ?? 0,
    format: null,
    trajectories: 0,
    calls: 0,
    errors: 0,
    warnings: 0,
    parts: { trajectories: [], calls: [] },
    labels: {},
  };
  const read: ReadSource = { entry, labelParts: [], labelRows: 0, report: emptyReport() };
  const take = (p: WrittenParts) => {
    if (p.trajectories) entry.parts.trajectories.push(p.trajectories);
    if (p.calls) entry.parts.calls.push(p.calls);
    if (p.labels) read.labelParts.push(p.labels);
  };
  for await (const t of streamTrajectories(src.file, run.opts, read.report)) {
    stageTrajectory(stager, t);
    entry.trajectories++;
    entry.calls += t.calls.length;
    if (labelling) {
      for (const row of labelSync(labelling.labeller, t)) {
        stager.append("labels", { set: labelling.name, row });
        read.labelRows++;
      }
    }
    if (stager.staged("calls") >= run.partCalls) take(await stager.flush(run.manifest));
  }
  take(await stager.flush(run.manifest));
  return read;
}

/** Step 3: stage one trajectory's row and its calls' rows. */
function stageTrajectory(stager: Stager, t: Trajectory): void {
  const key = trajectoryKey(t);
  stager.append("trajectories", { t, key });
  for (const call of t.calls) stager.append("calls", { t, key, call });
}

/** Step 4: commit a read source: the new entry replaces the old one (and its labels) in one manifest write. */
async function commitSource(run: Run, src: PlannedSource, read: ReadSource): Promise<void> {
  const { dir, manifest: m, result, labelling } = run;
  const { entry } = read;
  const report = result.report;
  report.files.push(...read.report.files);
  report.issues.push(...read.report.issues);
  report.trajectories += read.report.trajectories;
  report.toolCalls += read.report.toolCalls;
  const prev = src.prev;
  const old = prev
    ? [...prev.parts.trajectories, ...prev.parts.calls, ...Object.values(prev.labels).flatMap((l) => l.parts)]
    : [];
  const fr = read.report.files[0];
  if (!fr || fr.unreadable) {
    // nothing to record (the report says why); a file that vanished leaves the corpus
    await removeParts(dir, [...entry.parts.trajectories, ...entry.parts.calls, ...read.labelParts]);
    if (prev) {
      m.sources = m.sources.filter((s) => s !== prev);
      syncConvertLabelSets(m);
      await writeManifest(dir, m);
      await removeParts(dir, old);
    }
    return;
  }
  entry.format = fr.format ?? null;
  entry.errors = fr.errors;
  entry.warnings = fr.warnings;
  if (labelling) {
    entry.labels[labelling.name] = { parts: read.labelParts, rows: read.labelRows };
    const before = m.labelSets[labelling.name];
    // a name used before by an imported set: the labels made now replace it
    if (before?.origin !== CONVERT_ORIGIN) old.push(...(before?.parts ?? []));
    m.labelSets[labelling.name] = {
      origin: CONVERT_ORIGIN,
      rows: 0,
      labelsBv: labelling.labelsBv,
      labeller: labelling.labeller.info.name,
      configHash: labelling.labeller.info.configHash,
      parts: [],
    };
  }
  m.sources = [...m.sources.filter((s) => s.path !== src.file), entry];
  syncConvertLabelSets(m);
  await writeManifest(dir, m);
  await removeParts(dir, old);
  (prev ? result.replaced : result.added).push(src.file);
  result.trajectories += entry.trajectories;
  result.calls += entry.calls;
}

/** Steps 2–4 for a label set: read it, stage its rows in parts of bounded size, commit it under its name. */
async function importLabelSet(run: Run, ls: { readonly name: string; readonly path: string }): Promise<void> {
  const { dir, stager, manifest: m, result } = run;
  const set = await readLabelSet(ls.path);
  for (const i of set.issues) {
    result.report.issues.push({ file: i.file, line: i.line, reason: i.reason, excerpt: "", severity: "error" });
  }
  const parts: string[] = [];
  const take = (p: WrittenParts) => {
    if (p.labels) parts.push(p.labels);
  };
  for (const row of set.rows) {
    stager.append("labels", { set: ls.name, row });
    if (stager.staged("labels") >= run.partCalls) take(await stager.flush(m));
  }
  take(await stager.flush(m));
  const old = [...(m.labelSets[ls.name]?.parts ?? [])];
  for (const s of m.sources) delete s.labels[ls.name];
  const verifyBudget = labelSetVerifyBudget(set.manifest?.config);
  // (rows keep their own source paths; they join trajectories by file and id, or by id alone)
  m.labelSets[ls.name] = {
    origin: ls.path,
    rows: set.rows.length,
    labelsBv: verifyBudget ?? 1,
    labeller: set.manifest?.labeller ?? set.rows[0]?.labeller ?? null,
    configHash: set.manifest?.configHash ?? null,
    parts,
  };
  await writeManifest(dir, m);
  await removeParts(dir, old);
  result.labelSets.push(ls.name);
}

/** The `verifyBudget` a label set's manifest config records, when it records a number. */
function labelSetVerifyBudget(config: unknown): number | undefined {
  if (config === null || typeof config !== "object" || !("verifyBudget" in config)) return undefined;
  return typeof config.verifyBudget === "number" ? config.verifyBudget : undefined;
}
