/**
 * sounding's public API: everything a notebook, script or the CLI may import, in data-flow order
 * (io → trajectory model → formats → generate → labels → metrics → reward → figures → corpus → notebook views).
 * Every function and class here has an entry with an `@example` in docs/api.md (tests/api-docs.test.ts checks).
 * Internals stay behind their module paths; tests that need one import "lib/<dir>/<file>.js".
 * @packageDocumentation
 */

// ── io: framing, file kinds, options parsing, the seeded RNG and canonical JSON ──────────────────────────────
export { readRecords } from "./io/read-records.js";
export type { RawRecord } from "./io/raw-record.js";
export { fileKind, sniffKind } from "./io/file-kind.js";
export type { FileKind } from "./io/file-kind.js";
export { OptionsError } from "./io/parse-options.js";
export { Rng, xorshift32 } from "./io/rng.js";
export { canonicalJson } from "./io/canonical-json.js";

// ── trajectory model: schemas, tool roles, call targets, ids ─────────────────────────────────────────────────
export {
  ToolRoleSchema,
  FormatNameSchema,
  VerdictSchema,
  SearchResultSchema,
  SourceSchema,
  ToolCallSchema,
  StepSchema,
  ProvenanceSchema,
  TrajectorySchema,
  emptyRoleCounts,
  BehaviourLabelSchema,
  LABELS_BY_ROLE,
  ItemLabelSchema,
  LabelRowSchema,
} from "./trajectory/schema.js";
export type {
  ToolRole,
  FormatName,
  Verdict,
  SearchResult,
  Source,
  ToolCall,
  Step,
  Provenance,
  Trajectory,
  RoleCounts,
  BehaviourLabel,
  ItemLabel,
  LabelRow,
} from "./trajectory/schema.js";
export { toolRoles, parseToolRoleMap, DEFAULT_TOOL_ROLES, ToolRoleMapSchema } from "./trajectory/tool-roles.js";
export { inferRoleFromArguments, roleInferenceNotes } from "./trajectory/tool-roles.js";
export type { ToolRoles, ToolRoleMap, RoleInference } from "./trajectory/tool-roles.js";
export { callTargets } from "./trajectory/call-arguments.js";
export { contentId, trajectoryKey } from "./trajectory/ids.js";

// ── formats (loading): the readers' registry, detection, load and stream ─────────────────────────────────────
export { READERS, FORMAT_NAMES, readerFor, isFormatName } from "./formats/registry.js";
export { RecordError } from "./formats/format-reader.js";
export type { FormatReader, ReadContext } from "./formats/format-reader.js";
export { detectFormat } from "./formats/detect.js";
export type { Detection } from "./formats/detect.js";
export { parseSearchResults, unparsedSearchCalls } from "./formats/search-results.js";
export { verdictFromScore, DEFAULT_VERDICT_THRESHOLD } from "./formats/record-fields.js";
export { LoadOptionsSchema, loadOptions } from "./formats/load-options.js";
export type { ResolvedLoadOptions, LoadProgress } from "./formats/load-options.js";
export { loadTrajectories, streamTrajectories, expandPaths, emptyReport, StrictModeError } from "./formats/load.js";
export type { LoadOptions, LoadIssue, LoadReport, FileReport, Loaded } from "./formats/load.js";

// ── generate: simulated Fathom / verl traces ─────────────────────────────────────────────────────────────────
export { generateTraces, simulateBatch } from "./generate/generate.js";
export type { GenerateOptions, GeneratedFile } from "./generate/generate.js";
export { simulateRollout, DEFAULT_KNOBS } from "./generate/simulate.js";
export type { SimulationKnobs, Rollout, PlannedCall, PlannedTurn } from "./generate/simulate.js";
export { fathomRow, verlRow, FATHOM_SYSTEM_PROMPT } from "./generate/render.js";
export { loadQuestionBank, questionBankPath, QuestionFileError } from "./generate/question-bank.js";
export type { Question } from "./generate/question-bank.js";

// ── labels: labellers, utility, label sets, agreement ────────────────────────────────────────────────────────
export { LabelError, configHash, labellerInfo } from "./labels/labeller.js";
export type { Labeller, LabellerInfo, CallLabel } from "./labels/labeller.js";
export { HeuristicLabeller, DEFAULT_HEURISTIC, HEURISTIC_VERSION } from "./labels/heuristic-labeller.js";
export { HeuristicOptionsSchema, heuristicOptions } from "./labels/heuristic-labeller.js";
export type { HeuristicOptions, HeuristicOptionsInput } from "./labels/heuristic-labeller.js";
export { UtilityTracker, DEFAULT_UTILITY, UtilityOptionsSchema, utilityOptions } from "./labels/utility.js";
export type { UtilityOptions, UtilityParts, UtilityOptionsInput } from "./labels/utility.js";
export { canonicalUrl, domainOf } from "./labels/canonical-url.js";
export { trigrams } from "./labels/text-similarity.js";
export {
  LlmLabeller,
  DEFAULT_LLM,
  LlmOptionsSchema,
  LlmEndpointSchema,
  llmOptions,
} from "./labels/llm/llm-labeller.js";
export type { LlmOptions, LlmEndpoint, LlmUsage, LlmOptionsInput } from "./labels/llm/llm-labeller.js";
export { PROMPT_VERSION, systemPrompt } from "./labels/llm/prompt.js";
export { runLabeller, labelSync } from "./labels/run-labeller.js";
export type { RunOptions, LabelRun } from "./labels/run-labeller.js";
export { labelFilesParallel } from "./labels/parallel-label.js";
export type { ParallelOptions } from "./labels/parallel-label.js";
export { labelFiles, LabelFilesOptionsSchema } from "./labels/label-files.js";
export type { LabelFilesOptions, LabelFilesResult, LabelProgress } from "./labels/label-files.js";
export { labelRows, writeLabelSet, readLabelSet, LabelSetWriter } from "./labels/label-set.js";
export type { LabelSetManifest, ReadLabelSet, LabelSetIssue } from "./labels/label-set.js";
export { agreement, cohensKappa, AgreementOptionsSchema } from "./labels/agreement.js";
export type { Agreement, KappaStats, Disagreement, AgreementOptions } from "./labels/agreement.js";
export { kappaIntervals, KappaBootstrapSchema } from "./labels/kappa-interval.js";
export type { KappaInterval, KappaBootstrap, KappaBootstrapInput, ClusteredPair } from "./labels/kappa-interval.js";
export { calibrateHeuristic, CalibrateOptionsSchema, TUNABLE_HEURISTIC, DEFAULT_TUNED } from "./labels/calibrate.js";
export type { CalibrateOptions, CalibrationResult, RoleKappas, TunableOption } from "./labels/calibrate.js";

// ── metrics: tallies, format validity, tables, token counts ──────────────────────────────────────────────────
export { talliesOf, emptyTallies, rebudget } from "./metrics/tallies.js";
export type { Tallies } from "./metrics/tallies.js";
export { rolloutColumns, ROLLOUT_COLUMNS } from "./metrics/rollout-columns.js";
export type { RolloutColumns } from "./metrics/rollout-columns.js";
export { formatValid } from "./metrics/format-validity.js";
export { trajectoryTable, callTable, trajectoryRows, aggregate } from "./metrics/tables.js";
export { callRowsOf as labelledCallRows } from "./metrics/tables.js";
export type { TableOptions, TrajectoryMetricRow } from "./metrics/tables.js";
export { countTokens, responseTokens } from "./metrics/response-tokens.js";
export { tallyArrays } from "./metrics/tally-arrays.js";
export type { TallyArrays } from "./metrics/tally-arrays.js";
export { behaviourColumns, BEHAVIOUR_MEASURES } from "./metrics/behaviour-columns.js";
export type { BehaviourColumns, BehaviourMeasure } from "./metrics/behaviour-columns.js";
export { groupMeanIntervals } from "./metrics/group-bootstrap.js";
export type { Interval, BootstrapSpec } from "./metrics/group-bootstrap.js";
export { withinGroupContrast, groupedContrast, ContrastOptionsSchema } from "./metrics/within-group-contrast.js";
export type { ContrastResult, ContrastOptionsInput } from "./metrics/within-group-contrast.js";

// ── reward: config, Eq. 4/8, guardrails, GRPO/RAPO, replay and sweeps, verl export and dumps ─────────────────
export {
  RewardConfigSchema,
  DEFAULT_REWARD,
  REWARD_VERSION,
  rewardConfig,
  rewardSpecHash,
} from "./reward/reward-config.js";
export type { RewardConfig, RewardConfigInput } from "./reward/reward-config.js";
export { rolloutReward } from "./reward/steerable-reward.js";
export type { RewardParts } from "./reward/steerable-reward.js";
export { rewardGuardrails } from "./reward/guardrails.js";
export type { Guardrail } from "./reward/guardrails.js";
export { grpoAdvantages, rapoBatch, solveRate, replaySimulation, DEFAULT_RAPO } from "./reward/grpo.js";
export type { GroupStats, RapoOptions, BatchGroup, RapoBatch } from "./reward/grpo.js";
export { gridSettings, randomSettings, KNOBS } from "./reward/settings.js";
export type { Knob } from "./reward/settings.js";
export { sweep, replayRewards, paretoFront } from "./reward/sweep.js";
export type { SweepRow, SweepOptions } from "./reward/sweep.js";
export { sweepParallel } from "./reward/sweep-parallel.js";
export {
  behaviourPressure,
  groupedPressure,
  pressureByGroup,
  groupLayoutOf,
  settingColumns,
  comparePressure,
  pushDirection,
  clearPush,
  PressureOptionsSchema,
} from "./reward/pressure.js";
export type { PressureResult, SettingPressure, PressureOptions, PressureOptionsInput } from "./reward/pressure.js";
export { trainBehaviourPolicy, validatePressure } from "./reward/behaviour-training.js";
export type { BehaviourTrainingOptions, TrainingStep, PressureCase } from "./reward/behaviour-training.js";
export {
  exportVerl,
  rewardSpec,
  exportSpec,
  exportedPython,
  pythonPartsDir,
  DEFAULT_JUDGE,
} from "./reward/export-verl.js";
export type {
  RewardSpec,
  ExportedVerl,
  ExportSpec,
  ExportOptions,
  ExportLabeller,
  JudgeSpec,
} from "./reward/export-verl.js";
export { dumpSpecs } from "./reward/dump-specs.js";
export type { DumpSpec } from "./reward/dump-specs.js";
export {
  labelsFromDump,
  dumpLabelMismatches,
  formatMismatch,
  compactLabels,
  parseCompactLabels,
  LABEL_LETTERS,
} from "./reward/dump-labels.js";
export type { DumpLabels, DumpLabelProblem, LabelMismatch } from "./reward/dump-labels.js";

// ── figures: presets, rendering ──────────────────────────────────────────────────────────────────────────────
export {
  parseWidth,
  figureSize,
  FigureSizeSchema,
  FigureSizeError,
  FIGURE_WIDTHS,
  MIN_FONT_PT,
} from "./figures/figure-size.js";
export type { FigureSize, FigureSizeInput } from "./figures/figure-size.js";
export { fig1Accuracy, fig1Points, modelKey } from "./figures/fig1-accuracy.js";
export type { Fig1Point } from "./figures/fig1-accuracy.js";
export { fig4SearchCalls, searchCallStats, POOLED } from "./figures/fig4-search-calls.js";
export type { Fig4Options, SearchCallRow } from "./figures/fig4-search-calls.js";
export { fig6LabelDrift, fig6Points, FIG6_SERIES } from "./figures/fig6-label-drift.js";
export type { Fig6Options } from "./figures/fig6-label-drift.js";
export { fig7ResponseLength, fig7Points } from "./figures/fig7-response-length.js";
export type { Fig7Options } from "./figures/fig7-response-length.js";
export { labelComposition, labelCompositionCounts } from "./figures/label-composition.js";
export type { LabelCount } from "./figures/label-composition.js";
export { searchEcdf } from "./figures/search-ecdf.js";
export { rewardLandscape } from "./figures/reward-landscape.js";
export { grpoGroup } from "./figures/grpo-group.js";
export { pressureFigure } from "./figures/pressure-figure.js";
export { contrastFigure } from "./figures/contrast-figure.js";
export { renderSvg, dataHash, printFontSizes, FIGURE_FONT } from "./figures/render-svg.js";
export type { Figure, FigureProvenance } from "./figures/render-svg.js";
export { renderPng, renderPdf, fontFiles } from "./figures/render-image.js";

// ── corpus: Parquet tables for corpora larger than memory, queried with DuckDB SQL ───────────────────────────
export { convertToCorpus, readCorpusManifest, CorpusError } from "./corpus/convert.js";
export type { ConvertOptions, ConvertResult } from "./corpus/convert.js";
export { ConvertOptionsSchema, EngineOptionsSchema, convertOptions } from "./corpus/convert-options.js";
export type { ResolvedConvertOptions } from "./corpus/convert-options.js";
export { Corpus, isCorpusDir } from "./corpus/corpus.js";
export { CONVERT_ORIGIN } from "./corpus/corpus-schema.js";
export { corpusTrajectoryRows, corpusAggregate, tallyCtes, CORPUS_GROUP_KEYS } from "./corpus/corpus-metrics.js";
export type { CorpusGroupKey, CorpusQueryOptions } from "./corpus/corpus-metrics.js";
export { corpusSweep } from "./corpus/corpus-sweep.js";
export type { CorpusSweepOptions } from "./corpus/corpus-sweep.js";
export {
  corpusTallies,
  corpusSources,
  corpusSize,
  fitsInMemory,
  TALLY_BYTES_PER_ROLLOUT,
  VERDICT_CODES,
} from "./corpus/corpus-tallies.js";
export type { CorpusTallies, CorpusTalliesOptions, CorpusSources } from "./corpus/corpus-tallies.js";
export { corpusLoadReport } from "./corpus/corpus-report.js";
export { sparkJobSource, exportSparkJob, SPARK_JOB_VERSION } from "./corpus/spark-job.js";
export { CORPUS_SCHEMA_VERSION, TRAJECTORY_COLUMNS, CALL_COLUMNS, LABEL_COLUMNS } from "./corpus/corpus-schema.js";
export type { CorpusManifest, Column } from "./corpus/corpus-schema.js";
export type { EngineOptions, SqlRow } from "./corpus/duckdb.js";

// ── notebook views: HTML, report rows, the trajectory viewer, plotly, rollout comparisons ────────────────────
export { escapeHtml, htmlTable } from "./notebook/html.js";
export type { Cell } from "./notebook/html.js";
export { fileSummaryRows, issueRows, callRows } from "./notebook/report-rows.js";
export type { FileSummaryRow } from "./notebook/report-rows.js";
export { trajectoryHtml, LABEL_COLOURS } from "./notebook/trajectory-view.js";
export type { TrajectoryViewOptions } from "./notebook/trajectory-view.js";
export { trajectoryPicker } from "./notebook/trajectory-picker.js";
export type { PickerOptions } from "./notebook/trajectory-picker.js";
export { labelLegend } from "./notebook/label-legend.js";
export { linkify, longText } from "./notebook/rich-text.js";
export { plotlyScatter, plotlyBundle, displayBundle, PLOTLY_MIME } from "./notebook/plotly.js";
export type { ScatterOptions, PlotlyFigure } from "./notebook/plotly.js";
export { groupSideBySide, trajectoryDiff, alignCalls, callSimilarity } from "./notebook/rollout-views.js";
export type { AlignedStep } from "./notebook/rollout-views.js";
export { loadNotebookInputs, envPaths, shapeNote, packageRoot, handLabelInputs } from "./notebook/notebook-inputs.js";
export type { NotebookInputs, NotebookInputsOptions, HandLabelInputs } from "./notebook/notebook-inputs.js";
export { scrollBox } from "./notebook/scroll-box.js";

// ── report: one self-contained HTML workbench (table, viewer, figures, side by side, live reward tuner) ─────────
export { reportHtml, corpusReportHtml, reportFrame } from "./report/report-html.js";
export { stratifiedSample } from "./report/report-sample.js";
export { ReportOptionsSchema } from "./report/report-options.js";
export type { ReportOptions, ReportOptionsInput } from "./report/report-options.js";
export type { ReportPayload } from "./report/report-payload.js";

// ── deprecated aliases (removed in the next release; see docs/api.md "Deprecated names") ─────────────────────
/** @deprecated since 0.x: use `labelledCallRows` (the metric rows of labelled calls, many rollouts). */
export { callRowsOf } from "./metrics/tables.js";

// ── internals the CLI still imports from here (not public; they move to module paths once lib/cli does) ─────
export { parseOptions, issueText } from "./io/parse-options.js";
export { closestName } from "./io/closest-name.js";
export { indexLabels } from "./metrics/tables.js";
export { tallyCounts } from "./metrics/tallies.js";
