/**
 * What `sounding reward`, `sweep`, `figure` and `metrics` share: the reward settings file
 * (--config), the grid of knobs (--grid knob=v1,v2,…), random ranges (--range knob=lo:hi), and
 * a corpus of trajectories with their labels (--labels DIR, else the deterministic labeller).
 */
import { readFile } from "node:fs/promises";
import {
  Corpus,
  CorpusError,
  HeuristicLabeller,
  indexLabels,
  KNOBS,
  OptionsError,
  parseOptions,
  readLabelSet,
  rewardConfig,
  RewardConfigSchema,
  runLabeller,
  type Knob,
  type LabelRow,
  type RewardConfig,
  type Trajectory,
} from "../index.js";
import { fileErrorText, LoadFailure, loadForCommand, type LoadFlags } from "./load-options.js";
import { numberFrom, rangeFrom, repeatedOf, text, type Decoded } from "./options.js";
import { UsageError } from "./usage-error.js";

/** The settings in a JSON file (the paper's defaults when no file is given). */
export async function configFrom(path: string | undefined): Promise<RewardConfig> {
  if (!path) return rewardConfig({});
  let body: string;
  try {
    body = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`--config ${path}: cannot read file (${fileErrorText(err)})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (err) {
    throw new UsageError(`--config ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return parseOptions(RewardConfigSchema, v, `--config ${path}`);
  } catch (err) {
    if (err instanceof OptionsError) throw new UsageError(err.message);
    throw err;
  }
}

function isKnob(s: string): s is Knob {
  return KNOBS.some((k) => k === s);
}

/** A knob's name, or why it is not one. */
export function knobFrom(name: string): Decoded<Knob> {
  return isKnob(name) ? { value: name } : { error: `unknown knob "${name}" (one of ${KNOBS.join(", ")})` };
}

/** `knob=v1,v2,…` */
function gridEntry(s: string): Decoded<{ knob: Knob; values: number[] }> {
  const m = /^(\w+)=(.+)$/.exec(s);
  if (!m) return { error: `expects knob=v1,v2,…, got "${s}"` };
  const k = knobFrom(m[1]!);
  if ("error" in k) return k;
  const values: number[] = [];
  for (const x of m[2]!.split(",")) {
    const n = numberFrom(x);
    if (typeof n === "string") return { error: `${m[1]}: ${n}` };
    values.push(n);
  }
  return { value: { knob: k.value, values } };
}

/** `knob=lo:hi` (lo ≤ hi) */
function rangeEntry(s: string): Decoded<{ knob: Knob; range: [number, number] }> {
  const m = /^(\w+)=(.+)$/.exec(s);
  if (!m) return { error: `expects knob=lo:hi, got "${s}"` };
  const k = knobFrom(m[1]!);
  if ("error" in k) return k;
  const r = rangeFrom(m[2]!);
  return typeof r === "string" ? { error: `${m[1]}: ${r}` } : { value: { knob: k.value, range: r } };
}

/** The shared options of the reward commands (each command picks those it takes). */
export const REWARD_OPTIONS = {
  labels: text("DIR", "label set of the trajectories (default: label them with the deterministic labeller)"),
  config: text("FILE", "reward settings as JSON (any of the reward config's fields; default: the paper's)"),
  grid: repeatedOf("knob=v1,v2,…", `values of a knob to sweep (${KNOBS.join(", ")})`, gridEntry),
  range: repeatedOf("knob=lo:hi", "range a knob is drawn from by --random", rangeEntry),
  "label-set": text("NAME", "label set of a corpus directory, when it has several"),
};

/** `--grid` values as a grid, in the order given. */
export function gridOf(entries: ReadonlyArray<{ knob: Knob; values: number[] }>): Partial<Record<Knob, number[]>> {
  const grid: Partial<Record<Knob, number[]>> = {};
  for (const e of entries) grid[e.knob] = e.values;
  return grid;
}

/** The knobs of a grid, in the order given. */
export function gridKnobs(entries: ReadonlyArray<{ knob: Knob }>): Knob[] {
  return [...new Set(entries.map((e) => e.knob))];
}

/** Load the paths (bad records summed up on stderr) and take labels from --labels or label them. */
export async function corpus(
  positionals: string[],
  v: LoadFlags & { labels?: string | undefined; "label-set"?: string | undefined },
): Promise<{ trajectories: Trajectory[]; labels: LabelRow[] }> {
  const picked = v["label-set"];
  if (picked !== undefined) {
    throw new UsageError(
      `--label-set ${picked} picks a label set of a corpus directory (sounding convert); for trace files give --labels DIR`,
    );
  }
  const trajectories = await loadForCommand(positionals, v);
  let labels: LabelRow[];
  if (v.labels !== undefined) {
    let set;
    try {
      set = await readLabelSet(v.labels);
    } catch (err) {
      throw new UsageError(`--labels ${v.labels}: ${fileErrorText(err)}`);
    }
    for (const i of set.issues.slice(0, 5))
      process.stderr.write(`sounding: ${i.file}:${i.line}: ${i.reason} (row skipped)\n`);
    labels = set.rows;
    const matched = unmatched(v.labels, positionals, trajectories, labels);
    if (matched) throw new LoadFailure(matched);
  } else labels = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
  return { trajectories, labels };
}

/**
 * A label set that labels none of the trajectories (another corpus, or ids that changed): the
 * one-line reason, or null when at least one trajectory has labels (or no trajectory has calls).
 */
export function unmatched(
  labelPath: string,
  paths: readonly string[],
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
): string | null {
  if (!trajectories.some((t) => t.calls.length > 0)) return null;
  const rowsOf = indexLabels(labels);
  if (trajectories.some((t) => rowsOf(t).length > 0)) return null;
  const ids = [...new Set(labels.map((r) => r.trajectoryId))].slice(0, 2).map((id) => JSON.stringify(id.slice(0, 60)));
  const first = trajectories.slice(0, 2).map((t) => JSON.stringify(t.id.slice(0, 60)));
  return (
    `--labels ${labelPath}: its ${labels.length} row(s) label none of the ${trajectories.length} trajectories in ` +
    `${paths.join(", ")} (labels are for ${ids.join(", ") || "no trajectory"}; the traces have ${first.join(", ")}); ` +
    `label these traces with "sounding label"`
  );
}

/** Open a corpus directory for a command, run `fn`, close it; a corpus problem is the user's (exit 2). */
export async function withCorpus<T>(dir: string, fn: (c: Corpus) => Promise<T>): Promise<T> {
  let c: Corpus | undefined;
  try {
    c = await Corpus.open(dir);
    return await fn(c);
  } catch (err) {
    if (err instanceof CorpusError) throw new UsageError(err.message);
    throw err;
  } finally {
    c?.close();
  }
}
