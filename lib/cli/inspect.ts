/** `sounding inspect <paths…>`: what is in these trace files, and what is wrong with them. */
import { stat } from "node:fs/promises";
import { z } from "zod";
import {
  corpusLoadReport,
  expandPaths,
  streamTrajectories,
  emptyReport,
  StrictModeError,
  type LoadReport,
} from "../index.js";
import { command } from "./command.js";
import { corpusDirOf, LOAD_OPTIONS, loadOptionsFrom, withCorpus } from "./load-options.js";
import { flag } from "./options.js";
import { jsonText } from "./output.js";
import { printable } from "./printable.js";
import { ProgressBar } from "./progress.js";

function pad(s: string | number, n: number): string {
  const t = String(s);
  return t.length >= n ? t : t + " ".repeat(n - t.length);
}

export function formatReport(report: LoadReport, maxIssues = 20): string {
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(`${f.path}  ${f.unreadable ? "(unreadable)" : (f.format ?? "(no records)")}`);
    lines.push(
      `  trajectories  ${pad(f.trajectories, 7)} answered ${f.withAnswer}, truncated ${f.truncated}; verdicts: correct ${f.verdicts.correct}, incorrect ${f.verdicts.incorrect}, unknown ${f.verdicts.unknown}`,
    );
    lines.push(
      `  tool calls    ${pad(f.toolCalls, 7)} search ${f.byRole.search}, page ${f.byRole.page}, answer ${f.byRole.answer}, other ${f.byRole.other}`,
    );
    lines.push(`  bad records   ${pad(f.errors, 7)} warnings ${f.warnings}`);
    if (f.unparsedSearch > 0) {
      lines.push(`  search results unparsed: ${f.unparsedSearch} of ${f.byRole.search} search calls`);
    }
  }
  const errors = report.issues.filter((i) => i.severity === "error");
  const warnings = report.issues.filter((i) => i.severity === "warning");
  lines.push("");
  lines.push(
    `total: ${report.files.length} file(s), ${report.trajectories} trajectories, ${report.toolCalls} tool calls, ${errors.length} bad record(s), ${warnings.length} warning(s)`,
  );
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
      unparsedSearch: f.unparsedSearch,
    })),
    errors: report.issues
      .filter((i) => i.severity === "error")
      .map((i) => ({ file: i.file, line: i.line, reason: i.reason, excerpt: i.excerpt })),
    warnings: report.issues
      .filter((i) => i.severity === "warning")
      .map((i) => ({ file: i.file, line: i.line, reason: i.reason })),
  };
}

/** Trace files are these; anything else in a folder is not looked at. */
const TRACE_HINT = "give trace files (.jsonl, .json, .ndjson, optionally .gz; .eval, .traj) or a folder holding them";

/** Why no trajectory was read, in one line: what was found, and what to do. */
export function nothingRead(paths: readonly string[], files: readonly string[], report: LoadReport): string {
  const where = paths.join(", ");
  if (!files.length) return `no trace file in ${where}: ${TRACE_HINT}`;
  const errors = report.issues.filter((i) => i.severity === "error");
  const first = errors[0];
  const reason = first ? printable(first.reason.length > 160 ? `${first.reason.slice(0, 157)}…` : first.reason) : "";
  const unreadable = report.files.filter((f) => f.unreadable).length;
  let what: string;
  // one readable file that holds no rollout (an Inspect log of zero samples): its warning says why
  const why = files.length === 1 && !first ? report.issues.find((i) => i.severity === "warning") : undefined;
  if (why) return `no trajectory read from ${where}: ${printable(why.reason)}`;
  if (files.length === 1) what = reason || "no records";
  else if (unreadable === files.length)
    what = `none of ${files.length} files is trace data (first: ${first?.file}: ${reason})`;
  else {
    const at = first ? ` (first: ${first.file}:${first.line}: ${reason})` : "";
    what = `${files.length} files, ${errors.length} bad record(s)${at}`;
  }
  return `no trajectory read from ${where}: ${what}; ${TRACE_HINT}`;
}

export const inspectCommand = command({
  name: "inspect",
  summary: "what is in these trace files (formats, trajectories, tool calls, bad records)",
  synopsis: "<paths…|CORPUS_DIR>",
  positionals: { min: 1, what: "at least one path" },
  about: `Read trace files (or directories of them) and report, per file: the format, trajectories,
tool calls by role, answers and verdicts, and every bad record with its file and line. Given a
corpus directory (sounding convert), the report is the one its files gave when converted (files
that could not be read are not part of a corpus).`,
  options: z.object({
    json: flag("print one JSON object instead of the table"),
    ...LOAD_OPTIONS,
  }),
  epilog:
    "Exit status: 0 files read (bad records are reported), 1 --strict failure, an unreadable file or no " +
    "trajectory read at all, 2 usage error.",
  async run({ values, positionals }, out) {
    const dir = corpusDirOf(positionals);
    if (dir !== null) {
      const report = await withCorpus(dir, corpusLoadReport);
      out(values.json ? jsonText(reportJson(report)) : formatReport(report));
      if (report.trajectories === 0) {
        process.stderr.write(`sounding: the corpus ${dir} holds no trajectory\n`);
        return 1;
      }
      return 0;
    }
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
    out(values.json ? jsonText(reportJson(report)) : formatReport(report));
    if (strictFailure) {
      process.stderr.write(`sounding: --strict: stopped at ${strictFailure.message}\n`);
      return 1;
    }
    if (report.trajectories === 0) {
      process.stderr.write(`sounding: ${nothingRead(positionals, files, report)}\n`);
      return 1;
    }
    return report.files.some((f) => f.unreadable) ? 1 : 0;
  },
});
