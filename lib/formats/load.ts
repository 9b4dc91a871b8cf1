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
import { toolRoles, type ToolRoleMap, type ToolRoles } from "../trajectory/tool-roles.js";
import { IdAssigner } from "../trajectory/ids.js";
import { readRecords, DEFAULT_MAX_RECORD_BYTES } from "../io/read-records.js";
import type { RawRecord } from "../io/raw-record.js";
import { RecordError, type FormatReader } from "./format-reader.js";
import { detectFormat } from "./detect.js";
import { readerFor } from "./registry.js";
import type { LoadOptions } from "./load-options.js";

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

const TRACE_FILE = /\.(jsonl|json|ndjson)(\.gz)?$/i;
const SKIP_FILE = /\.labels\.jsonl(\.gz)?$/i;

/**
 * Expand directories (recursively, sorted) into trace files: `*.jsonl`, `*.json`,
 * `*.ndjson`, each optionally `.gz`; label sidecars (`*.labels.jsonl`) are skipped.
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
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (TRACE_FILE.test(e.name) && !SKIP_FILE.test(e.name)) out.push(full);
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

/**
 * Stream the trajectories of one file. Issues go to `report.issues` and the file's counts
 * to a `FileReport` appended to `report.files` as soon as reading starts.
 */
export async function* streamTrajectories(path: string, opts: LoadOptions = {}, report: LoadReport = emptyReport()): AsyncGenerator<Trajectory> {
  const fr = newFileReport(path);
  report.files.push(fr);
  const roles: ToolRoles = toolRoles(opts.toolRoles);
  const issue = (i: Omit<LoadIssue, "file">): void => {
    const full: LoadIssue = { file: path, ...i };
    report.issues.push(full);
    if (i.severity === "error") {
      fr.errors++;
      if (opts.strict) throw new StrictModeError(full);
    } else fr.warnings++;
  };

  let size = 0;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    size = st.size;
  } catch (err) {
    fr.unreadable = true;
    issue({ line: 0, reason: `cannot read file: ${fileError(err)}`, excerpt: "", severity: "error" });
    return;
  }
  if (opts.byteRange) {
    if (!opts.format) throw new Error("byteRange needs an explicit format");
    size = opts.byteRange.end - opts.byteRange.start;
  } else if (size === 0) {
    issue({ line: 0, reason: "empty file: no records", excerpt: "", severity: "warning" });
    return;
  }

  let reader: FormatReader | null = opts.format ? readerFor(opts.format) : null;
  fr.format = reader?.name ?? null;
  const held: RawRecord[] = [];
  const sampleN = opts.detectSample ?? 20;
  let sampled = 0;
  const ids = new IdAssigner();

  const handle = function* (rec: RawRecord, r: FormatReader): Generator<Trajectory> {
    if (rec.kind === "bad") {
      issue({ line: rec.line, reason: rec.reason, excerpt: rec.excerpt, severity: "error" });
      return;
    }
    let t: Trajectory;
    try {
      t = r.read(rec.value, { file: path, line: rec.line, roles });
    } catch (err) {
      if (err instanceof RecordError) {
        const text = JSON.stringify(rec.value) ?? "";
        issue({ line: rec.line, reason: err.message, excerpt: text.length > 120 ? text.slice(0, 120) + "…" : text, severity: "error" });
        return;
      }
      if (err instanceof StrictModeError) throw err;
      // a reader bug must not lose the rest of the file: report it as this record's problem
      issue({ line: rec.line, reason: `internal reader error (please report): ${(err as Error).message}`, excerpt: "", severity: "error" });
      return;
    }
    t.id = ids.assign(t);
    fr.trajectories++;
    fr.toolCalls += t.calls.length;
    for (const c of t.calls) fr.byRole[c.role]++;
    fr.verdicts[t.verdict]++;
    if (t.finalAnswer !== null) fr.withAnswer++;
    if (t.truncated) fr.truncated++;
    if (t.anomalies.length) issue({ line: rec.line, reason: t.anomalies.join("; "), excerpt: "", severity: "warning" });
    yield t;
  };

  const decide = (): FormatReader | null => {
    const d = detectFormat(held.filter((h) => h.kind === "value").map((h) => (h as { value: unknown }).value));
    if (!d.format) {
      fr.unreadable = true;
      issue({
        line: 0,
        reason: `could not tell the format from the first ${sampled} records; pass --format (one of fathom, qwen-agent, openai-chat, openai-responses, r1-searcher, search-r1, search-o1, react, verl)`,
        excerpt: "",
        severity: "error",
      });
      return null;
    }
    fr.format = d.format;
    return readerFor(d.format);
  };

  let undecidable = false;
  try {
    for await (const batch of readRecords(path, {
      range: opts.byteRange,
      maxRecordBytes: opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      onProgress: opts.onProgress ? (n) => opts.onProgress!(n, size, path) : undefined,
    })) {
      for (const rec of batch) {
        if (undecidable) continue;
        if (!reader) {
          held.push(rec);
          if (rec.kind === "value") sampled++;
          if (sampled < sampleN) continue;
          reader = decide();
          if (!reader) {
            undecidable = true;
            continue;
          }
          for (const h of held.splice(0)) yield* handle(h, reader);
          continue;
        }
        yield* handle(rec, reader);
      }
    }
  } catch (err) {
    if (err instanceof StrictModeError) throw err;
    fr.unreadable = true;
    issue({ line: 0, reason: `cannot read file: ${fileError(err)}`, excerpt: "", severity: "error" });
    return;
  }
  if (!reader && !undecidable && held.length) {
    if (sampled === 0) {
      for (const h of held) if (h.kind === "bad") issue({ line: h.line, reason: h.reason, excerpt: h.excerpt, severity: "error" });
      return;
    }
    reader = decide();
    if (reader) for (const h of held.splice(0)) yield* handle(h, reader);
  } else if (!reader && !undecidable && held.length === 0) {
    issue({ line: 0, reason: "no records (only blank lines)", excerpt: "", severity: "warning" });
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
