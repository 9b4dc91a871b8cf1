/**
 * `--run-by`: how fig6 and fig7 tell training runs apart. `spec` is the reward-spec hash that
 * the exported compute_score returns and verl writes into its dumps (`Trajectory.extra.reward_spec`,
 * see lib/reward/dump-specs.ts); `dir` the directory of the dump files; `file` the file; `model`
 * the model name. The default is `spec` when any trajectory carries one, else `dir`.
 */
import { basename, dirname } from "node:path";
import type { Trajectory } from "../index.js";

export const RUN_BY = ["spec", "dir", "file", "model"] as const;
export type RunBy = (typeof RUN_BY)[number];

/** What a figure row carries that names its run. */
export interface RunRow {
  key?: unknown;
  file?: unknown;
  model?: unknown;
  [k: string]: unknown;
}

const specOf = (t: Trajectory | undefined): string | null =>
  typeof t?.extra.reward_spec === "string" ? t.extra.reward_spec : null;

/** The default: by spec when the dumps carry one, else by directory. */
export function defaultRunBy(trajectories: readonly Trajectory[]): RunBy {
  return trajectories.some((t) => specOf(t) !== null) ? "spec" : "dir";
}

/**
 * The run of a row. `byKey` maps a row's `key` to its trajectory (for `spec`); rows without one
 * (a corpus directory) fall back to the directory. Missing values are "(none)".
 */
export function runOf(by: RunBy, byKey: ReadonlyMap<string, Trajectory>): (r: RunRow) => string {
  const str = (x: unknown) => (typeof x === "string" && x !== "" ? x : "(none)");
  return (r) => {
    const file = typeof r.file === "string" ? r.file : "";
    if (by === "model") return str(r.model);
    if (by === "file") return file ? basename(file) : "(none)";
    if (by === "spec") {
      const t = typeof r.key === "string" ? byKey.get(r.key) : undefined;
      return specOf(t) ?? `spec (none)`;
    }
    return file ? dirname(file) : "(none)";
  };
}
