/**
 * What a notebook works on, and one honest sentence about it. Every notebook calls
 * `loadNotebookInputs` first: it reads `SOUNDING_TRACES` (comma-separated files or folders),
 * `SOUNDING_LABELS` (a label set: a `.jsonl`, a written label-set folder or a folder of
 * `*.labels.jsonl`) and `SOUNDING_CORPUS` (a Parquet corpus folder) when they are set, falls back to
 * the bundled traces otherwise, and returns the trajectories, their labels and a summary the
 * notebook prints as its first output (files, formats, trajectories, calls, where the labels came
 * from, whether there are GRPO groups and training steps).
 *
 * Relative paths in the variables are resolved against `INIT_CWD` (the folder `npm start` was run
 * from) when set, else the current folder; the fallback paths are relative to the notebook.
 *
 * `handLabelInputs` finds the project's hand labels of real calls
 * (`tests/fixtures/hand-labels/hand-labels.jsonl`) and the trajectories they label (under
 * `../shared/data` beside the checkout), or says why they are not there.
 * @example
 * const inputs = await loadNotebookInputs({ fallback: ["../traces/generated"] });
 * console.log(inputs.summary);
 */
import { existsSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTrajectories, type LoadReport } from "../formats/load.js";
import { HeuristicLabeller } from "../labels/heuristic-labeller.js";
import { readLabelSet } from "../labels/label-set.js";
import { runLabeller } from "../labels/run-labeller.js";
import type { LabelRow, Trajectory } from "../trajectory/schema.js";

export interface NotebookInputsOptions {
  /** Trace paths used when `SOUNDING_TRACES` is unset (relative to the notebook). */
  fallback: readonly string[];
  /** A label set used when `SOUNDING_LABELS` is unset (default: label now with the deterministic labeller). */
  fallbackLabels?: string;
  /** The environment to read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface NotebookInputs {
  /** The trace paths loaded, as resolved. */
  traces: string[];
  /** True when they came from `SOUNDING_TRACES`. */
  fromEnv: boolean;
  trajectories: Trajectory[];
  report: LoadReport;
  labels: LabelRow[];
  /** Where the labels came from, in words ("labelled now with the deterministic labeller …"). */
  labelSource: string;
  /** The label set path, or null when labelled now. */
  labelSet: string | null;
  /** `SOUNDING_CORPUS`, resolved, or null. */
  corpus: string | null;
  /** Distinct GRPO group ids and training steps among the trajectories (0 on eval data). */
  groups: number;
  steps: number;
  /** The first output of the notebook: several lines. */
  summary: string;
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function resolveFrom(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Split a comma-separated path list, dropping blanks; null when the variable is unset or blank. */
export function envPaths(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const parts = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return parts.length ? parts : null;
}

export async function loadNotebookInputs(opts: NotebookInputsOptions): Promise<NotebookInputs> {
  const env = opts.env ?? process.env;
  const base = env.INIT_CWD && existsSync(env.INIT_CWD) ? env.INIT_CWD : process.cwd();
  const fromEnvPaths = envPaths(env.SOUNDING_TRACES);
  const traces = fromEnvPaths ? fromEnvPaths.map((p) => resolveFrom(base, p)) : [...opts.fallback];
  const missing = traces.filter((p) => !existsSync(p));
  if (missing.length) {
    const where = fromEnvPaths ? "SOUNDING_TRACES" : "the bundled traces";
    throw new Error(`${where}: no such file or folder: ${missing.join(", ")}`);
  }
  const { trajectories, report } = await loadTrajectories(traces);
  if (!trajectories.length) {
    const read = report.files.map(
      (f) => `${basename(f.path)} (${f.format ?? "format unknown"}, ${f.errors} bad records)`,
    );
    throw new Error(
      `no trajectory could be read from ${traces.join(", ")}: ${read.join("; ") || "no trace file found"}`,
    );
  }

  const labelPath = envPaths(env.SOUNDING_LABELS)?.[0];
  const labelSet = labelPath ? resolveFrom(base, labelPath) : (opts.fallbackLabels ?? null);
  let labels: LabelRow[];
  let labelSource: string;
  if (labelSet) {
    if (!existsSync(labelSet)) throw new Error(`SOUNDING_LABELS: no such file or folder: ${labelSet}`);
    const set = await readLabelSet(labelSet);
    labels = joinLabels(set.rows, trajectories, labelSet);
    const bad = set.issues.length
      ? `, ${plural(set.issues.length, "bad row")} skipped (first: ${set.issues[0]!.file}:${set.issues[0]!.line})`
      : "";
    labelSource = `label set ${labelSet}: ${plural(labels.length, "call")} of ${plural(set.rows.length, "label row")} joined${bad}`;
  } else {
    const labeller = new HeuristicLabeller();
    labels = (await runLabeller(labeller, trajectories)).rows;
    labelSource = `labelled now with the deterministic labeller (${labeller.info.name} v${labeller.info.version}): ${plural(labels.length, "call")}`;
  }

  const corpusPath = envPaths(env.SOUNDING_CORPUS)?.[0];
  const corpus = corpusPath ? resolveFrom(base, corpusPath) : null;
  const groups = new Set(trajectories.map((t) => t.provenance.groupId).filter((g) => g !== null)).size;
  const steps = new Set(trajectories.map((t) => t.provenance.trainingStep).filter((s) => s !== null)).size;
  const ungrouped = trajectories.filter((t) => t.provenance.groupId === null).length;

  const files = report.files.map(
    (f) =>
      `  ${f.path} (${f.format ?? "unreadable"}): ${plural(f.trajectories, "trajectory", "trajectories")}, ${plural(f.toolCalls, "tool call")}` +
      (f.errors ? `, ${plural(f.errors, "bad record")}` : ""),
  );
  const formats = [...new Set(report.files.map((f) => f.format).filter((f) => f !== null))].join(", ");
  const summary = [
    `loaded ${fromEnvPaths ? "SOUNDING_TRACES" : "the bundled traces (set SOUNDING_TRACES=a,b for your own)"}: ` +
      `${plural(report.files.length, "file")}, ${report.trajectories} trajectories, ${report.toolCalls} tool calls (formats: ${formats})`,
    ...files,
    `labels: ${labelSource}`,
    `GRPO groups: ${groups || "none"}; training steps: ${steps || "none"}` +
      (groups && steps ? "" : ` — ${shapeNote({ groups, steps, n: trajectories.length })}`) +
      (groups && ungrouped ? ` (${plural(ungrouped, "rollout")} without a group)` : ""),
    ...(corpus ? [`corpus: ${corpus} (SOUNDING_CORPUS)`] : []),
  ].join("\n");
  return {
    traces,
    fromEnv: fromEnvPaths !== null,
    trajectories,
    report,
    labels,
    labelSource,
    labelSet,
    corpus,
    groups,
    steps,
    summary,
  };
}

/**
 * Keep the label rows that name a loaded call (trajectory id + call index, and the file's base name
 * when the id occurs in several files), re-keyed to the loaded file path so every view finds them.
 * A label set matching no call is an error naming the key and the first ids on each side.
 */
function joinLabels(rows: readonly LabelRow[], trajectories: readonly Trajectory[], path: string): LabelRow[] {
  const byId = new Map<string, Trajectory[]>();
  for (const t of trajectories) byId.set(t.id, [...(byId.get(t.id) ?? []), t]);
  const out: LabelRow[] = [];
  for (const r of rows) {
    const cands = byId.get(r.trajectoryId) ?? [];
    const t =
      cands.length === 1 ? cands[0] : cands.find((c) => basename(c.provenance.source.file) === basename(r.source.file));
    if (!t || r.callIndex >= t.calls.length) continue;
    out.push({ ...r, source: { ...r.source, file: t.provenance.source.file } });
  }
  if (!out.length) {
    const a = [...new Set(rows.map((r) => r.trajectoryId))].slice(0, 3).join(", ") || "(no rows)";
    const b = trajectories
      .slice(0, 3)
      .map((t) => t.id)
      .join(", ");
    throw new Error(
      `SOUNDING_LABELS ${path}: no label row matches a loaded call (joined on trajectory id + call index); ` +
        `label set ids: ${a}; trace ids: ${b}`,
    );
  }
  return out;
}

/**
 * Why group or step views are skipped, in one phrase; null when the data has both. `n` is the
 * number of trajectories.
 */
export function shapeNote(shape: { groups: number; steps: number; n: number }): string {
  const what = [shape.groups ? "" : "GRPO group ids", shape.steps ? "" : "training steps"].filter(Boolean).join(" or ");
  if (!what) return "";
  const who = shape.n === 1 ? "this rollout carries" : `these ${plural(shape.n, "rollout")} carry`;
  return `${who} no ${what} (verl dumps have them)`;
}

/** The folder of this checkout (two up from lib/notebook or dist/notebook). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/** Hand labels and the trajectories they label; `available` false (and `why`) when absent. */
export interface HandLabelInputs {
  available: boolean;
  /** Why they are not available ("" when they are). */
  why: string;
  hand: LabelRow[];
  trajectories: Trajectory[];
  labelFile: string;
  dataDir: string;
}

/**
 * The project's hand labels of real calls with the trajectories they label, read from
 * `../shared/data` beside the checkout (or `dataDir`); `available: false` with the reason when the
 * label file or the data is not there. `SOUNDING_SHARED_DATA` points at another data folder (as in the tests).
 */
export async function handLabelInputs(
  root = packageRoot(),
  dataDir = process.env.SOUNDING_SHARED_DATA
    ? resolve(process.env.SOUNDING_SHARED_DATA)
    : join(root, "..", "shared", "data"),
): Promise<HandLabelInputs> {
  const labelFile = join(root, "tests", "fixtures", "hand-labels", "hand-labels.jsonl");
  const none = (why: string): HandLabelInputs => ({
    available: false,
    why,
    hand: [],
    trajectories: [],
    labelFile,
    dataDir,
  });
  if (!existsSync(labelFile)) return none(`the hand-label set ${labelFile} is not in this checkout`);
  const hand = (await readLabelSet(labelFile)).rows;
  const files = [...new Set(hand.map((r) => r.source.file))].map((f) => join(dataDir, f));
  const absent = files.filter((f) => !existsSync(f));
  if (!existsSync(dataDir) || absent.length === files.length) {
    return none(`the real trajectories they label are not at ${dataDir} (the project's shared data folder)`);
  }
  const { trajectories } = await loadTrajectories(files.filter((f) => existsSync(f)));
  const keys = new Set(trajectories.map((t) => t.id));
  return {
    available: true,
    why: "",
    hand: hand.filter((h) => keys.has(h.trajectoryId)),
    trajectories,
    labelFile,
    dataDir,
  };
}
