/**
 * Which reward spec produced a rollout dump: verl writes the extra keys that
 * `compute_score` returns as columns of its dumps, so every row read back carries
 * `reward_spec` in `Trajectory.extra`. Counts rows per spec (overrides included).
 */
import type { Trajectory } from "../trajectory/schema.js";

export function dumpSpecs(trajectories: readonly Trajectory[]): Array<{ spec: string; rows: number; steps: number[] }> {
  const by = new Map<string, { rows: number; steps: Set<number> }>();
  for (const t of trajectories) {
    const s = t.extra.reward_spec;
    const key = typeof s === "string" ? s : "(none)";
    let e = by.get(key);
    if (!e) by.set(key, (e = { rows: 0, steps: new Set() }));
    e.rows++;
    if (t.provenance.trainingStep !== null) e.steps.add(t.provenance.trainingStep);
  }
  return [...by.entries()].map(([spec, e]) => ({ spec, rows: e.rows, steps: [...e.steps].sort((a, b) => a - b) })).sort((a, b) => b.rows - a.rows);
}
