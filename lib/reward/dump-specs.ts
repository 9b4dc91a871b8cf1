/**
 * Which reward spec produced a rollout dump: verl writes the extra keys that
 * `compute_score` returns as columns of its dumps, so every row read back carries
 * `reward_spec` (the spec hash, with `+key=value` per reward_kwargs override) and `labeller`
 * in `Trajectory.extra`. Counts rows per spec (overrides included), with their steps and the
 * labellers that labelled them.
 */
import type { Trajectory } from "../trajectory/schema.js";

export interface DumpSpec {
  spec: string;
  rows: number;
  steps: number[];
  /** The `labeller` values of those rows, sorted (empty for dumps written before labels travelled). */
  labellers: string[];
}

export function dumpSpecs(trajectories: readonly Trajectory[]): DumpSpec[] {
  const by = new Map<string, { rows: number; steps: Set<number>; labellers: Set<string> }>();
  for (const t of trajectories) {
    const s = t.extra.reward_spec;
    const key = typeof s === "string" ? s : "(none)";
    let e = by.get(key);
    if (!e) by.set(key, (e = { rows: 0, steps: new Set(), labellers: new Set() }));
    e.rows++;
    if (t.provenance.trainingStep !== null) e.steps.add(t.provenance.trainingStep);
    if (typeof t.extra.labeller === "string") e.labellers.add(t.extra.labeller);
  }
  return [...by.entries()]
    .map(([spec, e]) => ({
      spec,
      rows: e.rows,
      steps: [...e.steps].sort((a, b) => a - b),
      labellers: [...e.labellers].sort(),
    }))
    .sort((a, b) => b.rows - a.rows);
}
