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
export { questionBankPath, QuestionFileError } from "./generate/question-bank.js";
export { Rng } from "./generate/rng.js";
export { escapeHtml, htmlTable } from "./notebook/html.js";
export type { Cell } from "./notebook/html.js";
export { fileSummaryRows, issueRows, callRows } from "./notebook/report-rows.js";
export type { FileSummaryRow } from "./notebook/report-rows.js";
export { HeuristicLabeller, DEFAULT_HEURISTIC, HEURISTIC_VERSION } from "./labels/heuristic-labeller.js";
export type { HeuristicOptions } from "./labels/heuristic-labeller.js";
export { LabelError, canonicalJson, configHash, labellerInfo } from "./labels/labeller.js";
export type { Labeller, LabellerInfo, CallLabel } from "./labels/labeller.js";
export { UtilityTracker, DEFAULT_UTILITY } from "./labels/utility.js";
export type { UtilityOptions, UtilityParts } from "./labels/utility.js";
export { canonicalUrl, domainOf } from "./labels/canonical-url.js";
export { normaliseText, contentTokens, jaccard, overlapCoefficient, trigrams } from "./labels/text-similarity.js";
export { labelRows, manifestOf, writeLabelSet, readLabelSet, LabelSetWriter, LabelTally } from "./labels/label-set.js";
export type { LabelSetManifest, ReadLabelSet, LabelSetIssue } from "./labels/label-set.js";
export { runLabeller, labelSync } from "./labels/run-labeller.js";
export type { RunOptions, LabelRun } from "./labels/run-labeller.js";
export { agreement, cohensKappa } from "./labels/agreement.js";
export type { Agreement, KappaStats, Disagreement } from "./labels/agreement.js";
export { LlmLabeller, DEFAULT_LLM, redact } from "./labels/llm/llm-labeller.js";
export type { LlmOptions, LlmEndpoint, LlmUsage } from "./labels/llm/llm-labeller.js";
export { PROMPT_VERSION, systemPrompt, chunkPrompt, ChunkAnswerSchema, CHUNK_ANSWER_JSON_SCHEMA } from "./labels/llm/prompt.js";
export { LabelCache } from "./labels/llm/label-cache.js";
export { labelFilesParallel } from "./labels/parallel-label.js";
export type { ParallelOptions } from "./labels/parallel-label.js";
export { splitJsonlRanges } from "./io/read-records.js";
export { RewardConfigSchema, DEFAULT_REWARD, REWARD_VERSION, rewardConfig, rewardSpecHash } from "./reward/reward-config.js";
export type { RewardConfig, RewardConfigInput } from "./reward/reward-config.js";
export { talliesOf, emptyTallies, rebudget } from "./metrics/tallies.js";
export type { Tallies } from "./metrics/tallies.js";
export { rolloutReward } from "./reward/steerable-reward.js";
export type { RewardParts } from "./reward/steerable-reward.js";
export { rewardGuardrails } from "./reward/guardrails.js";
export type { Guardrail } from "./reward/guardrails.js";
export { grpoAdvantages, rapoBatch, solveRate, replaySimulation, DEFAULT_RAPO } from "./reward/grpo.js";
export type { GroupStats, RapoOptions, BatchGroup, RapoBatch } from "./reward/grpo.js";
export { exportVerl, rewardSpec, exportSpec, exportedPython, pythonPartsDir, DEFAULT_JUDGE } from "./reward/export-verl.js";
export type { RewardSpec, ExportedVerl, ExportSpec, ExportOptions, ExportLabeller, JudgeSpec } from "./reward/export-verl.js";
export { formatValid } from "./metrics/format-validity.js";
export { dumpSpecs } from "./reward/dump-specs.js";
export type { DumpSpec } from "./reward/dump-specs.js";
export { labelsFromDump, dumpLabelMismatches, formatMismatch, compactLabels, parseCompactLabels, LABEL_LETTERS, NO_LABEL_LETTER } from "./reward/dump-labels.js";
export type { DumpLabels, DumpLabelProblem, LabelMismatch } from "./reward/dump-labels.js";
export { trajectoryTable, callTable, trajectoryRows, callRowsOf, aggregate, indexLabels } from "./metrics/tables.js";
export type { TableOptions, TrajectoryMetricRow } from "./metrics/tables.js";
export { countTokens, responseTokens } from "./metrics/response-tokens.js";
export { tallyArrays } from "./metrics/tally-arrays.js";
export type { TallyArrays } from "./metrics/tally-arrays.js";
export { sweep, sweepRowFrom, replayRewards, paretoFront } from "./reward/sweep.js";
export type { SweepRow, SweepOptions } from "./reward/sweep.js";
export { gridSettings, randomSettings, KNOBS } from "./reward/settings.js";
export type { Knob } from "./reward/settings.js";
export { sweepParallel } from "./reward/sweep-parallel.js";
export { trajectoryHtml, safeLink, LABEL_COLOURS } from "./notebook/trajectory-view.js";
export type { TrajectoryViewOptions } from "./notebook/trajectory-view.js";
export { renderSvg, dataHash, printFontSizes, FIGURE_FONT } from "./figures/render-svg.js";
export { parseWidth, figureSize, FigureSizeSchema, FigureSizeError, FIGURE_WIDTHS, MIN_FONT_PT } from "./figures/figure-size.js";
export type { FigureSize, FigureSizeInput } from "./figures/figure-size.js";
export type { Figure, FigureProvenance } from "./figures/render-svg.js";
export { fig1Accuracy, fig1Points, modelKey, type Fig1Point } from "./figures/fig1-accuracy.js";
export { fig4SearchCalls, searchCallStats, POOLED, type Fig4Options } from "./figures/fig4-search-calls.js";
export { fig6LabelDrift, fig6Points, FIG6_SERIES, type Fig6Options } from "./figures/fig6-label-drift.js";
export { fig7ResponseLength, fig7Points, type Fig7Options } from "./figures/fig7-response-length.js";
export { renderPng, renderPdf, fontFiles } from "./figures/render-image.js";
export { labelComposition } from "./figures/label-composition.js";
export { searchEcdf } from "./figures/search-ecdf.js";
export { rewardLandscape } from "./figures/reward-landscape.js";
export { grpoGroup } from "./figures/grpo-group.js";
export { plotlyScatter, plotlyBundle, plotlyStaticSvg, displayBundle, PLOTLY_MIME } from "./notebook/plotly.js";
export type { ScatterOptions } from "./notebook/plotly.js";
export { trajectoryPicker, type PickerOptions } from "./notebook/trajectory-picker.js";
export { labelLegend } from "./notebook/label-legend.js";
export { linkify, longText } from "./notebook/rich-text.js";
export type { PlotlyFigure } from "./notebook/plotly.js";
export { groupSideBySide, trajectoryDiff, alignCalls, callSimilarity } from "./notebook/rollout-views.js";
export type { AlignedStep } from "./notebook/rollout-views.js";
export { loadNotebookInputs, envPaths, shapeNote, packageRoot, handLabelInputs } from "./notebook/notebook-inputs.js";
export type { NotebookInputs, NotebookInputsOptions, HandLabelInputs } from "./notebook/notebook-inputs.js";
export { scrollBox } from "./notebook/scroll-box.js";

// Corpus: Parquet tables for corpora larger than memory, queried with DuckDB SQL (portable SQL)
export { convertToCorpus, readCorpusManifest, CorpusError, type ConvertOptions, type ConvertResult } from "./corpus/convert.js";
export { Corpus, isCorpusDir } from "./corpus/corpus.js";
export { corpusTrajectoryRows, corpusAggregate, tallyCtes, CORPUS_GROUP_KEYS, type CorpusGroupKey, type CorpusQueryOptions } from "./corpus/corpus-metrics.js";
export { corpusSweep, type CorpusSweepOptions } from "./corpus/corpus-sweep.js";
export { CORPUS_SCHEMA_VERSION, TRAJECTORY_COLUMNS, CALL_COLUMNS, LABEL_COLUMNS, type CorpusManifest, type Column } from "./corpus/corpus-schema.js";
export type { EngineOptions, SqlRow } from "./corpus/duckdb.js";
