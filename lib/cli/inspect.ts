/** `sounding inspect <paths…>`: what is in these trace files, and what is wrong with them. */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  loadTrajectories,
  type Trajectory,
  expandPaths,
  isFormatName,
  parseToolRoleMap,
  streamTrajectories,
  emptyReport,
  StrictModeError,
  FORMAT_NAMES,
  type LoadOptions,
  type LoadReport,
  type ToolRoleMap,
} from "../index.js";
import { ProgressBar } from "./progress.js";
import { UsageError, numberOption } from "./usage-error.js";

export const INSPECT_HELP = `usage: sounding inspect <paths…> [--format F] [--tool-roles FILE] [--strict] [--json] [--max-record-mb N]

Read trace files (or directories of them) and report, per file: the format, trajectories,
tool calls by role, answers and verdicts, and every bad record with its file and line.

  --format F          read every file as F (${FORMAT_NAMES.join(", ")}); default: detect per file
  --tool-roles FILE   JSON object {"tool_name": "search"|"page"|"answer"|"other"} merged over the defaults
  --strict            stop at the first bad record (exit 1)
  --json              print one JSON object instead of the table
  --max-record-mb N   skip (and report) records larger than N MB (default 32)

Exit status: 0 files read (bad records are reported), 1 --strict failure or an unreadable file, 2 usage error.`;

export async function toolRoleFile(path: string): Promise<ToolRoleMap> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`--tool-roles ${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--tool-roles ${path}: not valid JSON (${(err as Error).message})`);
  }
  try {
    return parseToolRoleMap(value, `--tool-roles ${path}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The `parseArgs` options of every command that loads traces. */
export const LOAD_ARG_OPTIONS = {
  format: { type: "string" },
  "tool-roles": { type: "string" },
  strict: { type: "boolean" },
  "max-record-mb": { type: "string" },
} as const;

/**
 * Load traces for a command that is not `inspect`: bad records and unreadable files are summed up
 * on stderr (first few with file and line; `sounding inspect` lists all), and a load that yields
 * no trajectory at all is an error rather than an empty result.
 */
export async function loadForCommand(paths: string[], opts: LoadOptions): Promise<Trajectory[]> {
  const { trajectories, report } = await loadTrajectories(paths, opts);
  const errors = report.issues.filter((i) => i.severity === "error");
  if (errors.length) {
    process.stderr.write(`sounding: ${errors.length} bad record(s) or unreadable file(s) skipped; run "sounding inspect" for all of them\n`);
    for (const e of errors.slice(0, 3)) process.stderr.write(printable(`sounding:   ${e.file}:${e.line}: ${e.reason}`) + "\n");
  }
  if (!trajectories.length) throw new LoadFailure(`no trajectory could be read from ${paths.join(", ")}`);
  return trajectories;
}

/** Nothing usable was read: exit 1 with the reason. */
export class LoadFailure extends Error {
  override readonly name = "LoadFailure";
}

/** Shared option parsing for commands that load traces. */
export async function loadOptionsFrom(values: { format?: string; "tool-roles"?: string; strict?: boolean; "max-record-mb"?: string }): Promise<LoadOptions> {
  const opts: LoadOptions = { strict: Boolean(values.strict) };
  if (values.format !== undefined) {
    if (!isFormatName(values.format)) throw new UsageError(`--format: unknown format "${values.format}" (one of ${FORMAT_NAMES.join(", ")})`);
    opts.format = values.format;
  }
  if (values["tool-roles"] !== undefined) opts.toolRoles = await toolRoleFile(values["tool-roles"]);
  const mb = numberOption("max-record-mb", values["max-record-mb"], { min: 0.001 });
  if (mb !== undefined) opts.maxRecordBytes = Math.floor(mb * 1024 * 1024);
  return opts;
}

/** Trace text reaches the terminal: neutralise control characters (escape sequences) first. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function pad(s: string | number, n: number): string {
  const t = String(s);
  return t.length >= n ? t : t + " ".repeat(n - t.length);
}

export function formatReport(report: LoadReport, maxIssues = 20): string {
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(`${f.path}  ${f.unreadable ? "(unreadable)" : (f.format ?? "(no records)")}`);
    lines.push(`  trajectories  ${pad(f.trajectories, 7)} answered ${f.withAnswer}, truncated ${f.truncated}; verdicts: correct ${f.verdicts.correct}, incorrect ${f.verdicts.incorrect}, unknown ${f.verdicts.unknown}`);
    lines.push(`  tool calls    ${pad(f.toolCalls, 7)} search ${f.byRole.search}, page ${f.byRole.page}, answer ${f.byRole.answer}, other ${f.byRole.other}`);
    lines.push(`  bad records   ${pad(f.errors, 7)} warnings ${f.warnings}`);
  }
  const errors = report.issues.filter((i) => i.severity === "error");
  const warnings = report.issues.filter((i) => i.severity === "warning");
  lines.push("");
  lines.push(`total: ${report.files.length} file(s), ${report.trajectories} trajectories, ${report.toolCalls} tool calls, ${errors.length} bad record(s), ${warnings.length} warning(s)`);
  const show = [...errors, ...warnings].slice(0, maxIssues);
  if (show.length) {
    lines.push("");
    lines.push(errors.length ? "bad records (file:line: reason):" : "warnings (file:line: reason):");
    let inWarnings = false;
    for (const i of show) {
      if (i.severity === "warning" && !inWarnings && errors.length) {
        lines.push("warnings:");
        inWarnings = true;
      }
      lines.push(printable(`  ${i.file}:${i.line}: ${i.reason}`));
      if (i.excerpt) lines.push(printable(`      ${i.excerpt}`));
    }
    const more = errors.length + warnings.length - show.length;
    if (more > 0) lines.push(`  … and ${more} more (use --json for all)`);
  }
  return lines.join("\n");
}

export function reportJson(report: LoadReport): unknown {
  return {
    trajectories: report.trajectories,
    toolCalls: report.toolCalls,
    files: report.files.map((f) => ({
      path: f.path,
      format: f.format,
      trajectories: f.trajectories,
      toolCalls: f.toolCalls,
      errors: f.errors,
      warnings: f.warnings,
      byRole: f.byRole,
      verdicts: f.verdicts,
      answered: f.withAnswer,
      truncated: f.truncated,
      unreadable: f.unreadable,
    })),
    errors: report.issues.filter((i) => i.severity === "error").map((i) => ({ file: i.file, line: i.line, reason: i.reason, excerpt: i.excerpt })),
    warnings: report.issues.filter((i) => i.severity === "warning").map((i) => ({ file: i.file, line: i.line, reason: i.reason })),
  };
}

export async function inspectCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...LOAD_ARG_OPTIONS,
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${INSPECT_HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(INSPECT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`inspect needs at least one path\n\n${INSPECT_HELP}`);
  const opts = await loadOptionsFrom(values);
  const files = await expandPaths(positionals);
  let total = 0;
  for (const f of files) total += (await stat(f).catch(() => ({ size: 0 }))).size;
  const bar = new ProgressBar("reading");
  let before = 0;
  opts.onProgress = (n) => bar.update(before + n, total);
  const report = emptyReport();
  let strictFailure: StrictModeError | null = null;
  try {
    for (const f of files) {
      for await (const t of streamTrajectories(f, opts, report)) {
        report.trajectories++;
        report.toolCalls += t.calls.length;
      }
      before += (await stat(f).catch(() => ({ size: 0 }))).size;
    }
  } catch (err) {
    if (!(err instanceof StrictModeError)) throw err;
    strictFailure = err;
  } finally {
    bar.done();
  }
  out(values.json ? JSON.stringify(reportJson(report)) : formatReport(report));
  if (strictFailure) {
    process.stderr.write(`sounding: --strict: stopped at ${strictFailure.message}\n`);
    return 1;
  }
  return report.files.some((f) => f.unreadable) ? 1 : 0;
}
