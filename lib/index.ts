/**
 * sounding's public API: everything a notebook, script or the CLI may import.
 * @packageDocumentation
 */
export * from "./trajectory/schema.js";
export { toolRoles, parseToolRoleMap, DEFAULT_TOOL_ROLES, ToolRoleMapSchema } from "./trajectory/tool-roles.js";
export type { ToolRoles, ToolRoleMap } from "./trajectory/tool-roles.js";
export { callTargets } from "./trajectory/call-arguments.js";
export { contentId, trajectoryKey } from "./trajectory/ids.js";
export {
  loadTrajectories,
  streamTrajectories,
  expandPaths,
  emptyReport,
  StrictModeError,
} from "./formats/load.js";
export type { LoadOptions, LoadIssue, LoadReport, FileReport, Loaded } from "./formats/load.js";
export { detectFormat } from "./formats/detect.js";
export type { Detection } from "./formats/detect.js";
export { READERS, FORMAT_NAMES, readerFor, isFormatName } from "./formats/registry.js";
export type { FormatReader, ReadContext } from "./formats/format-reader.js";
export { RecordError } from "./formats/format-reader.js";
export { parseSearchResults } from "./formats/search-results.js";
export { readRecords } from "./io/read-records.js";
export type { RawRecord } from "./io/raw-record.js";
export { generateTraces, simulateBatch } from "./generate/generate.js";
export type { GenerateOptions, GeneratedFile } from "./generate/generate.js";
export { simulateRollout, DEFAULT_KNOBS } from "./generate/simulate.js";
export type { SimulationKnobs, Rollout, PlannedCall, PlannedTurn } from "./generate/simulate.js";
export { fathomRow, verlRow, fathomTranscript, FATHOM_SYSTEM_PROMPT } from "./generate/render.js";
export { loadQuestionBank } from "./generate/question-bank.js";
export type { Question } from "./generate/question-bank.js";
export { Rng } from "./generate/rng.js";
export { escapeHtml, htmlTable } from "./notebook/html.js";
export type { Cell } from "./notebook/html.js";
export { fileSummaryRows, issueRows, callRows } from "./notebook/report-rows.js";
export type { FileSummaryRow } from "./notebook/report-rows.js";
