/**
 * What `sounding reward`, `sweep`, `figure` and `metrics` share: the reward settings file
 * (--config), the grid of knobs (--grid knob=v1,v2,…), random ranges (--range knob=lo:hi), and
 * a corpus of trajectories with their labels (--labels DIR, else the deterministic labeller).
 */
import { readFile } from "node:fs/promises";
import {
  KNOBS,
  OptionsError,
  parseOptions,
  rewardConfig,
  RewardConfigSchema,
  type Knob,
  type RewardConfig,
} from "../index.js";
import { fileErrorText } from "./load-options.js";
import { numberFrom, numOr, rangeFrom, repeatedOf, text, type Decoded } from "./options.js";
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
  "memory-mb": numOr(
    "MB",
    "a corpus sweep reads the tallies into typed arrays (~200 B per rollout) up to this budget, else runs in SQL",
    2048,
    { min: 0.001 },
  ),
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

// the input path lives in load-options.ts (every command's); these names stay importable from here
export { corpus, unmatched, withCorpus } from "./load-options.js";
