/**
 * Merging load reports of the byte ranges of one file (read by worker threads: the parallel
 * labeller, a conversion with several jobs) into the report a single read of the file gives.
 */
import { ToolRoleSchema, VerdictSchema } from "../trajectory/schema.js";
import { emptyReport, type FileReport, type LoadReport } from "./load.js";

/** A copy of a range's file report (its counts are then added to by `addFileReport`). */
export function copyFileReport(part: FileReport): FileReport {
  return { ...part, byRole: { ...part.byRole }, verdicts: { ...part.verdicts } };
}

/** Add the counts of a later range's file report `part` to `fr` (the file's report so far). */
export function addFileReport(fr: FileReport, part: FileReport): void {
  fr.format ??= part.format;
  fr.trajectories += part.trajectories;
  fr.toolCalls += part.toolCalls;
  for (const k of ToolRoleSchema.options) fr.byRole[k] += part.byRole[k];
  for (const k of VerdictSchema.options) fr.verdicts[k] += part.verdicts[k];
  fr.withAnswer += part.withAnswer;
  fr.unparsedSearch += part.unparsedSearch;
  fr.truncated += part.truncated;
  fr.errors += part.errors;
  fr.warnings += part.warnings;
  fr.unreadable ||= part.unreadable;
}

/** One file's load report from the reports of its byte ranges, in order. */
export function mergeRangeReports(reports: readonly LoadReport[]): LoadReport {
  const out = emptyReport();
  let fr: FileReport | null = null;
  for (const r of reports) {
    out.issues.push(...r.issues);
    out.trajectories += r.trajectories;
    out.toolCalls += r.toolCalls;
    const part = r.files[0];
    if (!part) continue;
    if (!fr) fr = copyFileReport(part);
    else addFileReport(fr, part);
  }
  if (fr) out.files.push(fr);
  return out;
}
