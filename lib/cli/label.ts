/** `sounding label <paths…>`: label every tool call with the deterministic or an LLM labeller. */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  expandPaths,
  emptyReport,
  streamTrajectories,
  HeuristicLabeller,
  labelSync,
  LabelSetWriter,
  labelFilesParallel,
  StrictModeError,
  type Labeller,
  type LoadReport,
  type LabelSetManifest,
} from "../index.js";
import { LOAD_ARG_OPTIONS, loadOptionsFrom } from "./inspect.js";
import { llmLabellerFromArgs, LLM_OPTIONS, LLM_HELP, runLlmLabelling } from "./label-llm.js";
import { ProgressBar } from "./progress.js";
import { UsageError, numberOption } from "./usage-error.js";

export const LABEL_HELP = `usage: sounding label <paths…> --labeller heuristic|llm [--out DIR] [--json] [options]

Give every tool call a behaviour label (UNIQUESEARCH, REDUNDANTSEARCH, EXPLORATION,
VERIFICATION, REDUNDANTQUERY), a marginal utility and the evidence, and write the label set
to DIR/labels.jsonl with DIR/manifest.json (default DIR: labels/<labeller>).

  --labeller L          heuristic (deterministic, default) | llm
  --out DIR             where to write the label set
  --json                print a JSON summary
  --format F, --tool-roles FILE, --strict, --max-record-mb N   as for inspect

deterministic labeller options (defaults in brackets):
  --verify-budget N     verifications credited per claim, B_v [1]
  --token-threshold X   query token Jaccard for REDUNDANTSEARCH [0.7]
  --char-threshold X    query character-trigram Jaccard for REDUNDANTSEARCH [0.8]
  --result-overlap X    share of already-seen results for REDUNDANTSEARCH [0.6]
  --goal-threshold X    goal overlap that makes two page reads the same claim [0.6]
  --batch-summary S     any-unique | majority [any-unique]
  --jobs N              worker threads [1]; files, and large JSON Lines files cut at line
                        boundaries, are labelled in parallel (the label set is identical)

${LLM_HELP}

Exit status: 0 all labelled, 1 some trajectories could not be labelled (listed) or a file
could not be read, 2 usage error.`;

function heuristicFrom(v: Record<string, unknown>): HeuristicLabeller {
  const o: Record<string, unknown> = {};
  const num = (k: string, name: string, opts: { int?: boolean; min?: number; max?: number } = { min: 0, max: 1 }) => {
    const x = numberOption(k, v[k] as string | undefined, opts);
    if (x !== undefined) o[name] = x;
  };
  num("verify-budget", "verifyBudget", { int: true, min: 0 });
  num("token-threshold", "tokenThreshold");
  num("char-threshold", "charThreshold");
  num("result-overlap", "resultOverlap");
  num("goal-threshold", "goalThreshold");
  const bs = v["batch-summary"];
  if (bs !== undefined) {
    if (bs !== "any-unique" && bs !== "majority") throw new UsageError(`--batch-summary must be any-unique or majority, got "${String(bs)}"`);
    o.batchSummary = bs;
  }
  return new HeuristicLabeller(o);
}

function summary(out: string, m: LabelSetManifest, report: LoadReport, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    out,
    labeller: m.labeller,
    version: m.version,
    configHash: m.configHash,
    trajectories: m.trajectories,
    calls: m.calls,
    labels: m.labels,
    failures: m.failures,
    loadErrors: report.issues.filter((i) => i.severity === "error").map((i) => ({ file: i.file, line: i.line, reason: i.reason })),
    ...extra,
  };
}

export function formatSummary(s: Record<string, unknown>): string {
  const labels = s.labels as Record<string, number>;
  const failures = s.failures as LabelSetManifest["failures"];
  const lines = [
    `labelled ${s.calls} calls of ${s.trajectories} trajectories with ${s.labeller} ${s.version} (config ${s.configHash})`,
    `  ${Object.entries(labels).map(([k, n]) => `${k} ${n}`).join(", ") || "(no calls)"}`,
    `  written to ${s.out}/labels.jsonl`,
  ];
  if (s.usage) {
    const u = s.usage as { requests: number; cachedTrajectories: number; promptTokens: number; completionTokens: number; costUsd: number | null; retries: number };
    lines.push(`  requests ${u.requests}, from cache ${u.cachedTrajectories} trajectories, retries ${u.retries}, tokens ${u.promptTokens} in / ${u.completionTokens} out${u.costUsd !== null ? `, cost $${u.costUsd.toFixed(4)}` : ""}`);
  }
  const loadErrors = s.loadErrors as Array<{ file: string; line: number; reason: string }>;
  if (loadErrors.length) lines.push(`  ${loadErrors.length} bad record(s) skipped while reading (see sounding inspect)`);
  if (failures.length) {
    lines.push(`could not label ${failures.length} trajectory(ies):`);
    for (const f of failures.slice(0, 20)) lines.push(`  ${f.file}:${f.line} ${f.trajectoryId}: ${f.reason}`);
    if (failures.length > 20) lines.push(`  … and ${failures.length - 20} more (see manifest.json)`);
  }
  return lines.join("\n");
}

export async function labelCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        labeller: { type: "string", default: "heuristic" },
        out: { type: "string" },
        json: { type: "boolean" },
        ...LOAD_ARG_OPTIONS,
        "verify-budget": { type: "string" },
        "token-threshold": { type: "string" },
        "char-threshold": { type: "string" },
        "result-overlap": { type: "string" },
        "goal-threshold": { type: "string" },
        "batch-summary": { type: "string" },
        jobs: { type: "string" },
        ...LLM_OPTIONS,
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${LABEL_HELP}`);
  }
  const { positionals } = parsed;
  const v = parsed.values as Record<string, unknown> & { labeller: string; out?: string; json?: boolean; help?: boolean; format?: string; "tool-roles"?: string; strict?: boolean; "max-record-mb"?: string };
  if (v.help) {
    out(LABEL_HELP);
    return 0;
  }
  if (!positionals.length) throw new UsageError(`label needs at least one path\n\n${LABEL_HELP}`);
  if (v.labeller !== "heuristic" && v.labeller !== "llm") throw new UsageError(`--labeller must be heuristic or llm, got "${v.labeller}"`);
  const loadOpts = await loadOptionsFrom(v);
  const dir = v.out ?? join("labels", v.labeller);
  const files = await expandPaths(positionals);
  const report = emptyReport();

  if (v.labeller === "llm") {
    const labeller = llmLabellerFromArgs(v);
    const r = await runLlmLabelling(labeller, files, loadOpts, report, dir, v);
    const s = summary(dir, r.manifest, report, { usage: r.usage });
    out(v.json ? JSON.stringify(s) : formatSummary(s));
    return r.manifest.failures.length || report.files.some((f) => f.unreadable) ? 1 : 0;
  }

  const labeller: Labeller = heuristicFrom(v);
  const jobs = numberOption("jobs", v.jobs as string | undefined, { int: true, min: 1, max: 256 }) ?? 1;
  const writer = await LabelSetWriter.open(dir);
  if (jobs > 1) {
    const bar = new ProgressBar("labelling");
    try {
      await labelFilesParallel(
        files,
        { jobs, load: { format: loadOpts.format, toolRoles: loadOpts.toolRoles, strict: loadOpts.strict, maxRecordBytes: loadOpts.maxRecordBytes }, heuristic: (labeller as HeuristicLabeller).options, onProgress: (d, t) => bar.update(d, t) },
        writer,
        report,
      );
    } catch (err) {
      writer.abort();
      bar.done();
      if (err instanceof StrictModeError) {
        process.stderr.write(`sounding: --strict: stopped at ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    bar.done();
    const manifest = await writer.close(labeller.info);
    const s = summary(dir, manifest, report);
    out(v.json ? JSON.stringify(s) : formatSummary(s));
    return report.files.some((f) => f.unreadable) ? 1 : 0;
  }
  let total = 0;
  for (const f of files) total += (await stat(f).catch(() => ({ size: 0 }))).size;
  const bar = new ProgressBar("labelling");
  let before = 0;
  loadOpts.onProgress = (n) => bar.update(before + n, total);
  try {
    for (const f of files) {
      for await (const t of streamTrajectories(f, loadOpts, report)) await writer.write(labelSync(labeller, t));
      before += (await stat(f).catch(() => ({ size: 0 }))).size;
    }
  } catch (err) {
    writer.abort();
    if (err instanceof StrictModeError) {
      bar.done();
      process.stderr.write(`sounding: --strict: stopped at ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    bar.done();
  }
  const manifest = await writer.close(labeller.info);
  const s = summary(dir, manifest, report);
  out(v.json ? JSON.stringify(s) : formatSummary(s));
  return report.files.some((f) => f.unreadable) ? 1 : 0;
}
