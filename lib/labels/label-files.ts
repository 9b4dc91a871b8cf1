/**
 * Label trace files into a label set: the one entry point for "label these files", whichever
 * labeller and however many cores. The deterministic labeller streams files in process
 * (`jobs` 1) or on worker threads (`jobs` > 1; the label set is byte-identical); the LLM
 * labeller loads the trajectories and labels `concurrency` of them at once. The label set is
 * written to `out` (labels.jsonl and manifest.json), never half-written.
 */
import { stat } from "node:fs/promises";
import { z } from "zod";
import { parseOptions } from "../io/parse-options.js";
import { emptyReport, expandPaths, loadTrajectories, streamTrajectories, type LoadReport } from "../formats/load.js";
import { LoadOptionsSchema } from "../formats/load-options.js";
import { HeuristicLabeller, HeuristicOptionsSchema } from "./heuristic-labeller.js";
import { LlmLabeller, LlmOptionsSchema, type LlmUsage } from "./llm/llm-labeller.js";
import { LabelSetWriter, manifestOf, writeLabelSet, type LabelSetManifest } from "./label-set.js";
import { labelFilesParallel } from "./parallel-label.js";
import { labelSync, runLabeller } from "./run-labeller.js";

/** Progress: work done of total (bytes in process, file parts on threads, trajectories with the LLM). */
export type LabelProgress = (done: number, total: number) => void;

const isFunction = (v: unknown): v is LabelProgress => typeof v === "function";

export const LabelFilesOptionsSchema = z
  .object({
    out: z.string().min(1).describe("the label-set directory written (labels.jsonl, manifest.json)"),
    labeller: z.enum(["heuristic", "llm"]).default("heuristic").describe("heuristic (deterministic) or llm"),
    heuristic: HeuristicOptionsSchema.prefault({}).describe("options of the deterministic labeller"),
    llm: LlmOptionsSchema.optional().describe("options of the LLM labeller (needed with labeller llm)"),
    jobs: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(1)
      .describe(
        "worker threads of the deterministic labeller; files, and large JSON Lines files cut at line boundaries, " +
          "are labelled in parallel (the label set is identical)",
      ),
    concurrency: z.number().int().min(1).default(8).describe("trajectories labelled at once by the LLM labeller"),
    load: LoadOptionsSchema.prefault({}).describe("how the files are read"),
    onProgress: z.custom<LabelProgress>(isFunction).optional().describe("called with (done, total)"),
  })
  .strict()
  .refine((o) => o.labeller !== "llm" || o.llm !== undefined, {
    path: ["llm"],
    message: "labeller llm needs llm options (endpoints and model)",
  });

export type LabelFilesOptions = z.input<typeof LabelFilesOptionsSchema>;

export interface LabelFilesResult {
  /** The label-set directory. */
  out: string;
  manifest: LabelSetManifest;
  /** What reading the files found (bad records, per-file counts). */
  report: LoadReport;
  /** Requests, tokens and cost of the LLM labeller (null for the deterministic one). */
  usage: LlmUsage | null;
}

/**
 * Label every tool call of the trace files (or directories of them) in `paths` into the label
 * set `options.out`. Throws StrictModeError (nothing written) at the first bad record when
 * `load.strict` is set.
 */
export async function labelFiles(paths: readonly string[], options: LabelFilesOptions): Promise<LabelFilesResult> {
  const o = parseOptions(LabelFilesOptionsSchema, options, "labelFiles options");
  const files = await expandPaths(paths);
  const report = emptyReport();
  const progress = o.onProgress ?? (() => {});

  if (o.labeller === "llm" && o.llm) {
    const labeller = new LlmLabeller(o.llm);
    const loaded = await loadTrajectories(files, o.load);
    Object.assign(report, loaded.report);
    const run = await runLabeller(labeller, loaded.trajectories, { concurrency: o.concurrency, onProgress: progress });
    const manifest = manifestOf(labeller.info, run.rows, run.failures);
    await writeLabelSet(o.out, run.rows, manifest);
    return { out: o.out, manifest, report, usage: { ...labeller.usage } };
  }

  const labeller = new HeuristicLabeller(o.heuristic);
  const writer = await LabelSetWriter.open(o.out);
  try {
    if (o.jobs > 1) {
      // workers get plain data only (no callbacks)
      const { format, toolRoles, strict, maxRecordBytes } = o.load;
      const load = { format, toolRoles, strict, maxRecordBytes };
      const parallel = { jobs: o.jobs, load, heuristic: labeller.options, onProgress: progress };
      await labelFilesParallel(files, parallel, writer, report);
    } else {
      const sizes = await Promise.all(files.map(async (f) => (await stat(f).catch(() => ({ size: 0 }))).size));
      const total = sizes.reduce((a, b) => a + b, 0);
      let before = 0;
      for (const [i, f] of files.entries()) {
        const load = { ...o.load, onProgress: (n: number) => progress(before + n, total) };
        for await (const t of streamTrajectories(f, load, report)) {
          // counted as loadTrajectories and the threads count them
          report.trajectories++;
          report.toolCalls += t.calls.length;
          await writer.write(labelSync(labeller, t));
        }
        before += sizes[i]!;
      }
    }
  } catch (err) {
    writer.abort();
    throw err;
  }
  return { out: o.out, manifest: await writer.close(labeller.info), report, usage: null };
}
