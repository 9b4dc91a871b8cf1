/** Flat rows of a load report, for tables in notebooks (one row per file, one per issue). */
import type { LoadReport } from "../formats/load.js";
import type { Trajectory } from "../trajectory/schema.js";

export interface FileSummaryRow {
  [k: string]: string | number;
  file: string;
  format: string;
  trajectories: number;
  toolCalls: number;
  search: number;
  page: number;
  other: number;
  correct: number;
  incorrect: number;
  unknown: number;
  badRecords: number;
  warnings: number;
}

export function fileSummaryRows(report: LoadReport): FileSummaryRow[] {
  return report.files.map((f) => ({
    file: f.path,
    format: f.unreadable ? "(unreadable)" : (f.format ?? "(no records)"),
    trajectories: f.trajectories,
    toolCalls: f.toolCalls,
    search: f.byRole.search,
    page: f.byRole.page,
    other: f.byRole.other + f.byRole.answer,
    correct: f.verdicts.correct,
    incorrect: f.verdicts.incorrect,
    unknown: f.verdicts.unknown,
    badRecords: f.errors,
    warnings: f.warnings,
  }));
}

export function issueRows(
  report: LoadReport,
  severity?: "error" | "warning",
): Array<{ [k: string]: string | number; severity: string; file: string; line: number; reason: string }> {
  return report.issues
    .filter((i) => !severity || i.severity === severity)
    .map((i) => ({ severity: i.severity, file: i.file, line: i.line, reason: i.reason }));
}

/** One row per tool call of a trajectory. */
export function callRows(t: Trajectory): Array<{
  [k: string]: string | number | boolean;
  index: number;
  step: number;
  tool: string;
  role: string;
  target: string;
  results: number;
  error: string;
}> {
  return t.calls.map((c) => ({
    index: c.index,
    step: c.step,
    tool: c.name,
    role: c.role,
    target: [...c.queries, ...c.urls].join(" | ") + (c.goal ? `  (goal: ${c.goal})` : ""),
    results: c.results.length,
    error: c.errorReason ?? "",
  }));
}
