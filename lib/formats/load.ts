/**
 * Loading trace files: framing (io/), format detection, reading, stable ids and the load
 * report. Streaming (`streamTrajectories`) for large files; `loadTrajectories` collects.
 *
 * Bad records never stop a default load: each becomes an `error` issue `{file, line,
 * reason, excerpt}` and the good records around it are kept. `strict: true` throws
 * `StrictModeError` at the first bad record. Readable records with oddities (a truncated
 * final turn, a call whose JSON does not parse) load and add a `warning` issue.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FormatName, RoleCounts, Trajectory, Verdict } from "../trajectory/schema.js";
import { emptyRoleCounts } from "../trajectory/schema.js";
import { roleInferenceNotes, toolRoles, type ToolRoles } from "../trajectory/tool-roles.js";
import { IdAssigner } from "../trajectory/ids.js";
import { readRecords, DEFAULT_MAX_RECORD_BYTES } from "../io/read-records.js";
import type { RawRecord } from "../io/raw-record.js";
import { RecordError, type FormatReader } from "./format-reader.js";
import { detectFormat } from "./detect.js";
import { READERS, readerFor } from "./registry.js";
import { unparsedSearchCalls } from "./search-results.js";
import { expandContainer, gatherRollout, isInspectLog, type Member } from "./containers.js";
import { loadOptions, loadOptionsWithin, type LoadOptions } from "./load-options.js";

export type { LoadOptions } from "./load-options.js";

export interface LoadIssue {
  file: string;
  /** 1-based line of the record; 0 for file-level issues. */
  line: number;
  reason: string;
  excerpt: string;
  severity: "error" | "warning";
}

export interface FileReport {
  path: string;
  format: FormatName | null;
  trajectories: number;
  toolCalls: number;
  byRole: RoleCounts;
  verdicts: Record<Verdict, number>;
  withAnswer: number;
  truncated: number;
  errors: number;
  warnings: number;
  /** The file could not be opened or its format could not be told. */
  unreadable: boolean;
  /**
   * Search calls that got a response which is neither a failure nor an explicit "no results", yet
   * gave no parsed hits (URL-level metrics and result-overlap rules cannot see them).
   */
  unparsedSearch: number;
}

export interface LoadReport {
  files: FileReport[];
  issues: LoadIssue[];
  trajectories: number;
  toolCalls: number;
  /** Ids that occur in more than one file of the load (use `trajectoryKey` to tell them apart). */
  duplicateIds: number;
}

/** A bad record met in strict mode. */
export class StrictModeError extends Error {
  override readonly name = "StrictModeError";
  constructor(readonly issue: LoadIssue) {
    super(`${issue.file}:${issue.line}: ${issue.reason}`);
  }
}

const TRACE_FILE = /\.(jsonl|json|ndjson)(\.gz)?$|\.(eval|traj)$/i;
const SKIP_FILE = /\.labels\.jsonl(\.gz)?$/i;
/**
 * Files the harnesses write beside their traces, which hold no rollout: verifiers' and OpenHands'
 * run `metadata.json` (PrimeIntellect-ai/verifiers@a60a606 `verifiers/legacy/utils/save_utils.py`;
 * All-Hands-AI/OpenHands@156d068 `evaluation/utils/shared.py`), SWE-agent's and mini-swe-agent's
 * `preds.json` (instance id → patch), Inspect's `logs.json` listing and `eval-set.json`.
 */
const SIDECAR_FILE = /^(metadata|preds|logs|eval-set)\.json$/i;
/** A Harbor trial directory's own files (`result.json`, `config.json` beside `agent/` and `trial.log`). */
const TRIAL_FILE = /^(result|config)\.json$/i;

/**
 * Expand directories (recursively, sorted) into trace files: `*.jsonl`, `*.json`,
 * `*.ndjson`, each optionally `.gz`, Inspect `*.eval` logs and SWE-agent `*.traj` files;
 * label sidecars (`*.labels.jsonl`) and the harnesses' run files beside the traces are skipped
 * (`metadata.json`, `preds.json`, `logs.json`, `eval-set.json`; a Harbor trial directory's
 * `result.json` and `config.json`, the directory that holds `agent/` or `trial.log`).
 * Plain file paths are kept as given, whatever their extension.
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push(p); // reported as unreadable when loaded
      continue;
    }
    if (!st.isDirectory()) {
      out.push(p);
      continue;
    }
    const walk = async (dir: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      const trial = entries.some(
        (e) => (e.isDirectory() && e.name === "agent") || (e.isFile() && e.name === "trial.log"),
      );
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (!TRACE_FILE.test(e.name) || SKIP_FILE.test(e.name) || SIDECAR_FILE.test(e.name)) continue;
        else if (!(trial && TRIAL_FILE.test(e.name))) out.push(full);
      }
    };
    await walk(p);
  }
  return out;
}

function newFileReport(path: string): FileReport {
  return {
    path,
    format: null,
    trajectories: 0,
    toolCalls: 0,
    byRole: emptyRoleCounts(),
    verdicts: { correct: 0, incorrect: 0, unknown: 0 },
    withAnswer: 0,
    truncated: 0,
    errors: 0,
    warnings: 0,
    unreadable: false,
    unparsedSearch: 0,
  };
}

function fileError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return e.message ?? String(err);
  }
}

/** The per-file state the load steps share: the file's report and the issue sink. */
interface FileLoad {
  path: string;
  opts: LoadOptions;
  fr: FileReport;
  roles: ToolRoles;
  /** Readable records framed so far (before container expansion). */
  records: number;
  issue(i: Omit<LoadIssue, "file">): void;
}

function openFileLoad(path: string, opts: LoadOptions, report: LoadReport): FileLoad {
  const fr = newFileReport(path);
  report.files.push(fr);
  const issue = (i: Omit<LoadIssue, "file">): void => {
    const full: LoadIssue = { file: path, ...i };
    report.issues.push(full);
    if (i.severity === "error") {
      fr.errors++;
      if (opts.strict) throw new StrictModeError(full);
    } else fr.warnings++;
  };
  return { path, opts, fr, roles: toolRoles(opts.toolRoles), records: 0, issue };
}

/** Step 1: the file's size in bytes (the byte range's for a range read), or null when there is nothing to read. */
async function sizeOf(f: FileLoad): Promise<number | null> {
  let size: number;
  try {
    const st = await stat(f.path);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    size = st.size;
  } catch (err) {
    f.fr.unreadable = true;
    f.issue({ line: 0, reason: `cannot read file: ${fileError(err)}`, excerpt: "", severity: "error" });
    return null;
  }
  if (f.opts.byteRange) {
    if (!f.opts.format) throw new Error("byteRange needs an explicit format");
    return f.opts.byteRange.end - f.opts.byteRange.start;
  }
  if (size === 0) {
    f.issue({ line: 0, reason: "empty file: no records", excerpt: "", severity: "warning" });
    return null;
  }
  return size;
}

/** Step 2: the file's framed records, one at a time; a read failure ends them with a file-level error. */
async function* framed(f: FileLoad, size: number): AsyncGenerator<RawRecord> {
  const onProgress = f.opts.onProgress;
  try {
    for await (const batch of readRecords(f.path, {
      range: f.opts.byteRange,
      maxRecordBytes: f.opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      streamArray: INSPECT_SAMPLES,
      onProgress: onProgress ? (n) => onProgress(n, size, f.path) : undefined,
    })) {
      for (const rec of batch) yield rec;
    }
  } catch (err) {
    if (err instanceof StrictModeError) throw err;
    f.fr.unreadable = true;
    f.issue({ line: 0, reason: `cannot read file: ${fileError(err)}`, excerpt: "", severity: "error" });
  }
}

/** An Inspect JSON log is read sample by sample (its header, the fields before `samples`, rides along). */
const INSPECT_SAMPLES = { key: "samples", when: isInspectLog };

/** A readable rollout record, or a record that could not be framed. */
type Item =
  ({ kind: "member" } & Member) | { kind: "bad"; line: number; reason: string; excerpt: string; fileLevel?: boolean };

const recognised = (v: unknown): boolean => READERS.some((r) => r.detect(v) > 0);

/** Step 3: containers of rollouts (Inspect logs, keyed objects) expanded into their members. */
async function* members(f: FileLoad, records: AsyncIterable<RawRecord>): AsyncGenerator<Item> {
  for await (const rec of records) {
    if (rec.kind === "bad") {
      yield rec;
      continue;
    }
    f.records++;
    // a streamed sample is a one-sample log: its parent holds the log's other fields
    const value = rec.parent !== undefined ? { ...(rec.parent as object), samples: [rec.value] } : rec.value;
    const { members: ms, container } = expandContainer(value, rec.line, recognised);
    if (container === "inspect-log" && ms.length === 0) {
      f.issue({
        line: rec.line,
        reason: "an Inspect log without samples (header only): no rollouts",
        excerpt: "",
        severity: "warning",
      });
    }
    if (container === "episode" && ms.length === 0) {
      f.issue({
        line: rec.line,
        reason: "a verifiers episode without traces (no rollout ran): no rollouts",
        excerpt: "",
        severity: "warning",
      });
    }
    for (const m of ms) yield { kind: "member", ...m };
  }
}

/** The message naming every format, from the registry. */
function formatList(): string {
  return READERS.map((r) => r.name).join(", ");
}

/**
 * Step 4: the reader. Forced by `format`, else detected from the first `detectSample`
 * members: they are held, the reader chosen once, and then they are replayed before the
 * rest. When the format cannot be told, that is reported and nothing more is read.
 */
async function* sniffThenReplay(
  f: FileLoad,
  items: AsyncIterable<Item>,
): AsyncGenerator<{ item: Item; reader: FormatReader }> {
  const forced = f.opts.format ? readerFor(f.opts.format) : null;
  let reader: FormatReader | null = forced;
  f.fr.format = reader?.name ?? null;
  const sampleN = f.opts.detectSample ?? 20;
  const held: Item[] = [];
  let sampled = 0;
  const decide = (): FormatReader | null => {
    const d = detectFormat(held.flatMap((h) => (h.kind === "member" ? [h.value] : [])));
    if (!d.format) {
      f.fr.unreadable = true;
      f.issue({
        line: 0,
        reason: `could not tell the format from the first ${sampled} records; pass --format (one of ${formatList()})`,
        excerpt: "",
        severity: "error",
      });
      return null;
    }
    f.fr.format = d.format;
    return readerFor(d.format);
  };
  for await (const item of items) {
    if (reader) {
      yield { item, reader };
      continue;
    }
    held.push(item);
    if (item.kind === "member") sampled++;
    if (sampled < sampleN) continue;
    reader = decide();
    if (!reader) return; // the rest of the file is not read
    for (const h of held.splice(0)) yield { item: h, reader };
  }
  if (reader || !held.length) {
    if (f.records === 0 && !forced)
      f.issue({ line: 0, reason: "no records (only blank lines)", excerpt: "", severity: "warning" });
    return;
  }
  if (sampled === 0) {
    for (const h of held) {
      if (h.kind !== "bad") continue;
      // a binary, an archive without samples, text that is not JSON: the file as a whole is unreadable
      if (h.fileLevel) f.fr.unreadable = true;
      f.issue({ line: h.line, reason: h.reason, excerpt: h.excerpt, severity: "error" });
    }
    return;
  }
  reader = decide();
  if (reader) for (const h of held) yield { item: h, reader };
}

/** Step 5: one member read into a trajectory, counted in the file's report; bad ones become issues. */
function readMember(f: FileLoad, item: Item, r: FormatReader, ids: IdAssigner): Trajectory | null {
  if (item.kind === "bad") {
    f.issue({ line: item.line, reason: item.reason, excerpt: item.excerpt, severity: "error" });
    return null;
  }
  let t: Trajectory;
  try {
    t = r.read(item.value, {
      file: f.path,
      line: item.line,
      roles: f.roles,
      ...(item.key !== undefined ? { key: item.key } : {}),
      ...(f.opts.verdictThreshold !== undefined ? { verdictThreshold: f.opts.verdictThreshold } : {}),
    });
  } catch (err) {
    if (err instanceof RecordError) {
      const text = JSON.stringify(item.value) ?? "";
      const excerpt = text.length > 120 ? text.slice(0, 120) + "…" : text;
      f.issue({ line: item.line, reason: err.message, excerpt, severity: "error" });
      return null;
    }
    if (err instanceof StrictModeError) throw err;
    // a reader bug must not lose the rest of the file: report it as this record's problem
    const msg = err instanceof Error ? err.message : String(err);
    f.issue({
      line: item.line,
      reason: `internal reader error (please report): ${msg}`,
      excerpt: "",
      severity: "error",
    });
    return null;
  }
  const p = t.provenance;
  if (item.model !== undefined) p.model = item.model; // the container knows the run (eval.model)
  if (item.dataset !== undefined) p.dataset = item.dataset;
  // a keyed container's key is the record's id when it has none (so every id path, e.g. the parallel
  // labeller's re-numbering from `baseId`, sees it)
  if (p.recordId === null && item.key !== undefined) p.recordId = item.key;
  t.id = ids.assign(t);
  const fr = f.fr;
  fr.trajectories++;
  fr.toolCalls += t.calls.length;
  for (const c of t.calls) fr.byRole[c.role]++;
  fr.verdicts[t.verdict]++;
  if (t.finalAnswer !== null) fr.withAnswer++;
  if (t.truncated) fr.truncated++;
  if (t.anomalies.length)
    f.issue({ line: item.line, reason: t.anomalies.join("; "), excerpt: "", severity: "warning" });
  return t;
}

/**
 * Stream the trajectories of one file. Issues go to `report.issues` and the file's counts
 * to a `FileReport` appended to `report.files` as soon as reading starts.
 *
 * Steps: the file's size → framed records (io/) → a file of messages or events gathered
 * into one record → containers expanded into members → the reader (forced, or detected on
 * the first members, which are then replayed) → each member read, with a per-file id.
 */
export async function* streamTrajectories(
  path: string,
  opts: LoadOptions = {},
  report: LoadReport = emptyReport(),
): AsyncGenerator<Trajectory> {
  // streamTrajectories also receives larger options objects (convert, label): check only what is its own
  const f = openFileLoad(path, loadOptionsWithin(opts), report);
  const size = await sizeOf(f);
  if (size === null) return;
  const ids = new IdAssigner();
  const items = members(f, gatherRollout(framed(f, size)));
  for await (const { item, reader } of sniffThenReplay(f, items)) {
    const t = readMember(f, item, reader, ids);
    if (!t) continue;
    f.fr.unparsedSearch += unparsedSearchCalls([t]);
    yield t;
  }
  // a role taken from a tool's arguments (an unknown name), once per tool and load, with its override
  for (const note of roleInferenceNotes(f.roles)) {
    if (report.issues.some((i) => i.line === 0 && i.reason === note)) continue;
    f.issue({ line: 0, reason: note, excerpt: "", severity: "warning" });
  }
}

export function emptyReport(): LoadReport {
  return { files: [], issues: [], trajectories: 0, toolCalls: 0, duplicateIds: 0 };
}

export interface Loaded {
  trajectories: Trajectory[];
  report: LoadReport;
}

/**
 * Load every trajectory of `paths` (files or directories). Ids are unique within a file and
 * never depend on what else is loaded; across files the key is (file, id): see
 * `trajectoryKey`. `report.duplicateIds` counts ids that occur in more than one file.
 * @example
 * const { trajectories, report } = await loadTrajectories(["traces/"]);
 */
export async function loadTrajectories(paths: readonly string[], opts: LoadOptions = {}): Promise<Loaded> {
  loadOptions(opts); // a misspelt or out-of-range option is an error naming it
  const report = emptyReport();
  const trajectories: Trajectory[] = [];
  for (const p of await expandPaths(paths)) {
    for await (const t of streamTrajectories(p, opts, report)) trajectories.push(t);
  }
  const fileOf = new Map<string, string>();
  const dup = new Set<string>();
  for (const t of trajectories) {
    const f = fileOf.get(t.id);
    if (f === undefined) fileOf.set(t.id, t.provenance.source.file);
    else if (f !== t.provenance.source.file) dup.add(t.id);
  }
  report.duplicateIds = dup.size;
  report.trajectories = trajectories.length;
  report.toolCalls = trajectories.reduce((n, t) => n + t.calls.length, 0);
  return { trajectories, report };
}
