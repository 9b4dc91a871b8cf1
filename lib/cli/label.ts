/** `sounding label <paths…>`: label every tool call with the deterministic or an LLM labeller. */
import { join } from "node:path";
import { z } from "zod";
import {
  HeuristicOptionsSchema,
  labelFiles,
  LabelFilesOptionsSchema,
  OptionsError,
  StrictModeError,
  type LabelFilesResult,
  type LabelSetManifest,
  type LlmUsage,
} from "../index.js";
import { command } from "./command.js";
import { heuristicConfigFrom } from "./heuristic-config.js";
import { llmOptionsFrom, LLM_OPTIONS } from "./label-llm.js";
import { LOAD_OPTIONS, loadOptionsFrom } from "./load-options.js";
import { choiceOr, flag, fromField, text } from "./options.js";
import { jsonText } from "./output.js";
import { ProgressBar } from "./progress.js";
import { UsageError } from "./usage-error.js";

const H = HeuristicOptionsSchema.shape;
const inGroup = { group: "deterministic labeller options" };

const LABEL_OPTS = z.object({
  labeller: choiceOr(["heuristic", "llm"], "heuristic (deterministic) | llm", "heuristic"),
  out: text("DIR", "where to write the label set [labels/<labeller>]"),
  json: flag("print a JSON summary"),
  config: text(
    "FILE",
    "deterministic labeller options as JSON (e.g. from sounding calibrate); flags override it",
    inGroup,
  ),
  "verify-budget": fromField(H.verifyBudget, "N", "number", inGroup),
  "token-threshold": fromField(H.tokenThreshold, "X", "number", inGroup),
  "char-threshold": fromField(H.charThreshold, "X", "number", inGroup),
  "result-overlap": fromField(H.resultOverlap, "X", "number", inGroup),
  "goal-threshold": fromField(H.goalThreshold, "X", "number", inGroup),
  "batch-summary": fromField(H.batchSummary, "S", "text", inGroup),
  jobs: fromField(LabelFilesOptionsSchema.shape.jobs, "N", "number", inGroup),
  ...LLM_OPTIONS,
  ...LOAD_OPTIONS,
});

/** What `label` prints (as JSON with --json). */
interface Summary {
  out: string;
  labeller: string;
  version: string;
  configHash: string;
  trajectories: number;
  calls: number;
  labels: Record<string, number>;
  failures: LabelSetManifest["failures"];
  loadErrors: Array<{ file: string; line: number; reason: string }>;
  usage?: LlmUsage;
}

function summary(r: LabelFilesResult): Summary {
  const m = r.manifest;
  const loadErrors = r.report.issues
    .filter((i) => i.severity === "error")
    .map((i) => ({ file: i.file, line: i.line, reason: i.reason }));
  return {
    out: r.out,
    labeller: m.labeller,
    version: m.version,
    configHash: m.configHash,
    trajectories: m.trajectories,
    calls: m.calls,
    labels: m.labels,
    failures: m.failures,
    loadErrors,
    ...(r.usage ? { usage: r.usage } : {}),
  };
}

export function formatSummary(s: Summary): string {
  const counts = Object.entries(s.labels).map(([k, n]) => `${k} ${n}`);
  const lines = [
    `labelled ${s.calls} calls of ${s.trajectories} trajectories with ${s.labeller} ${s.version} (config ${s.configHash})`,
    `  ${counts.join(", ") || "(no calls)"}`,
    `  written to ${s.out}/labels.jsonl`,
  ];
  const u = s.usage;
  if (u) {
    const cost = u.costUsd !== null ? `, cost $${u.costUsd.toFixed(4)}` : "";
    lines.push(
      `  requests ${u.requests}, from cache ${u.cachedTrajectories} trajectories, retries ${u.retries}, ` +
        `tokens ${u.promptTokens} in / ${u.completionTokens} out${cost}`,
    );
  }
  if (s.loadErrors.length)
    lines.push(`  ${s.loadErrors.length} bad record(s) skipped while reading (see sounding inspect)`);
  if (s.failures.length) {
    lines.push(`could not label ${s.failures.length} trajectory(ies):`);
    for (const f of s.failures.slice(0, 20)) lines.push(`  ${f.file}:${f.line} ${f.trajectoryId}: ${f.reason}`);
    if (s.failures.length > 20) lines.push(`  … and ${s.failures.length - 20} more (see manifest.json)`);
  }
  return lines.join("\n");
}

export const labelCommand = command({
  name: "label",
  summary: "label every tool call (deterministic or LLM labeller) into a label set",
  synopsis: "<paths…> --labeller heuristic|llm [--out DIR] [--json]",
  positionals: { min: 1, what: "at least one path" },
  about: `Give every tool call a behaviour label (UNIQUESEARCH, REDUNDANTSEARCH, EXPLORATION,
VERIFICATION, REDUNDANTQUERY), a marginal utility and the evidence, and write the label set
to DIR/labels.jsonl with DIR/manifest.json (default DIR: labels/<labeller>).`,
  options: LABEL_OPTS,
  epilog: `Exit status: 0 all labelled, 1 some trajectories could not be labelled (listed) or a file
could not be read, 2 usage error.`,
  async run({ values: v, positionals }, out) {
    const llm = v.labeller === "llm" ? llmOptionsFrom(v) : undefined;
    if (v.config !== undefined && v.labeller !== "heuristic")
      throw new UsageError(
        `label: --config holds deterministic labeller options; it does not apply to --labeller ${v.labeller}`,
      );
    const flags = {
      verifyBudget: v["verify-budget"],
      tokenThreshold: v["token-threshold"],
      charThreshold: v["char-threshold"],
      resultOverlap: v["result-overlap"],
      goalThreshold: v["goal-threshold"],
      batchSummary: v["batch-summary"],
    };
    const heuristic = {
      ...(v.config !== undefined ? await heuristicConfigFrom(v.config) : {}),
      ...Object.fromEntries(Object.entries(flags).filter(([, x]) => x !== undefined)),
    };
    const load = await loadOptionsFrom(v);
    const bar = new ProgressBar("labelling");
    const options = {
      out: v.out ?? join("labels", v.labeller),
      labeller: v.labeller,
      heuristic,
      llm,
      jobs: v.jobs,
      concurrency: v.concurrency,
      load,
      onProgress: (done: number, total: number) => bar.update(done, total),
    };
    let r: LabelFilesResult;
    try {
      r = await labelFiles(positionals, options);
    } catch (err) {
      if (err instanceof StrictModeError) {
        bar.done();
        process.stderr.write(`sounding: --strict: stopped at ${err.message}\n`);
        return 1;
      }
      if (err instanceof OptionsError) throw new UsageError(err.message);
      throw err;
    } finally {
      bar.done();
    }
    const s = summary(r);
    out(v.json ? jsonText(s) : formatSummary(s));
    return r.manifest.failures.length || r.report.files.some((f) => f.unreadable) ? 1 : 0;
  },
});
