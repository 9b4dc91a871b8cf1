/**
 * What `sounding reward`, `sweep` and `figure` share: the reward settings file (--config), the
 * grid of knobs (--grid knob=v1,v2,…), and a corpus of trajectories with their labels
 * (--labels DIR, else the deterministic labeller).
 */
import { readFile } from "node:fs/promises";
import { Corpus, CorpusError, HeuristicLabeller, KNOBS, readLabelSet, rewardConfig, runLabeller, type Knob, type LabelRow, type RewardConfig, type Trajectory } from "../index.js";
import { loadForCommand, loadOptionsFrom } from "./inspect.js";
import { UsageError, numberOption } from "./usage-error.js";

/** The settings in a JSON file (the paper's defaults when no file is given). */
export async function configFrom(path: string | undefined): Promise<RewardConfig> {
  if (!path) return rewardConfig({});
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`--config ${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${path}: not valid JSON (${(err as Error).message})`);
  }
  try {
    return rewardConfig(v as Record<string, unknown>, `--config ${path}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function knob(name: string): Knob {
  if (!(KNOBS as readonly string[]).includes(name)) throw new UsageError(`unknown knob "${name}" (one of ${KNOBS.join(", ")})`);
  return name as Knob;
}

/** `--grid knob=v1,v2,…` options, in the order given. */
export function parseGrid(values: readonly string[] | undefined): Partial<Record<Knob, number[]>> {
  const grid: Partial<Record<Knob, number[]>> = {};
  for (const g of values ?? []) {
    const m = /^(\w+)=(.+)$/.exec(g);
    if (!m) throw new UsageError(`--grid expects knob=v1,v2,…, got "${g}"`);
    grid[knob(m[1]!)] = m[2]!.split(",").map((x) => numberOption(`grid ${m[1]}`, x)!);
  }
  return grid;
}

/** Load the paths (bad records summed up on stderr) and take labels from --labels or label them. */
export async function corpus(positionals: string[], v: Record<string, unknown>): Promise<{ trajectories: Trajectory[]; labels: LabelRow[] }> {
  const trajectories = await loadForCommand(positionals, await loadOptionsFrom(v));
  let labels: LabelRow[];
  if (typeof v.labels === "string") {
    try {
      const set = await readLabelSet(v.labels);
      for (const i of set.issues.slice(0, 5)) process.stderr.write(`sounding: ${i.file}:${i.line}: ${i.reason} (row skipped)\n`);
      labels = set.rows;
    } catch (err) {
      throw new UsageError(`--labels ${v.labels}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message}`);
    }
  } else labels = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
  return { trajectories, labels };
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
