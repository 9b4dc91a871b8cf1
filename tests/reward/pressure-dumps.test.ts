/**
 * Pressure on step-indexed dumps: the observed relation between the pressure at step k and the
 * change of each behaviour's mean to step k+1, printed, claiming nothing (docs/pressure.md). The
 * generated drift is imposed by the generator's breadth knob, not learnt, and real dumps mix prompts
 * between steps: the test checks that the relation is computed for every step, not what it is.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  behaviourColumns,
  behaviourPressure,
  clearPush,
  DEFAULT_REWARD,
  generateTraces,
  HeuristicLabeller,
  loadTrajectories,
  runLabeller,
  tallyArrays,
  trajectoryKey,
} from "../../lib/index.js";
import { describeShared, shared, tmpDir } from "../helpers.js";

async function relation(dir: string) {
  const { trajectories } = await loadTrajectories([dir]);
  const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
  const steps = [...new Set(trajectories.map((t) => t.provenance.trainingStep!))].sort((a, b) => a - b);
  const per = steps.map((k) => {
    const ts = trajectories.filter((t) => t.provenance.trainingStep === k);
    const keys = new Set(ts.map(trajectoryKey));
    const a = tallyArrays(
      ts,
      rows.filter((r) => keys.has(`${r.source.file}::${r.trajectoryId}`)),
    );
    const means = Object.fromEntries(
      Object.entries(behaviourColumns(a)).map(([m, c]) => [m, c.reduce((x, y) => x + y, 0) / c.length]),
    );
    return { k, p: behaviourPressure(a, DEFAULT_REWARD), means };
  });
  let same = 0;
  let all = 0;
  let clearSame = 0;
  let clear = 0;
  for (let i = 0; i + 1 < per.length; i++)
    for (const [m, iv] of Object.entries(per[i]!.p.pressure)) {
      const d = per[i + 1]!.means[m]! - per[i]!.means[m]!;
      const agrees = Math.sign(d) === Math.sign(iv.value) ? 1 : 0;
      all++;
      same += agrees;
      if (clearPush(iv)) {
        clear++;
        clearSame += agrees;
      }
    }
  process.stdout.write(
    `${dir}: ${steps.length} steps, groups with σ > 0 per step ${per.map((x) => x.p.groups).join(",")}; ` +
      `sign(P_k) = sign(Δmean_k→k+1) in ${same}/${all} cases, ${clearSame}/${clear} of those with a clear push\n`,
  );
  return { per, all };
}

describe("pressure on step-indexed dumps (observed, not claimed)", () => {
  it("generated drift: pressure and next-step change for every step", async () => {
    const dir = tmpDir("pressure-drift-");
    await generateTraces(join(dir, "verl"), { format: "verl", steps: 4, prompts: 16, seed: 7 });
    const { per, all } = await relation(join(dir, "verl"));
    expect(per).toHaveLength(4);
    expect(all).toBe(3 * 8);
    for (const s of per) expect(s.p.groups).toBeGreaterThan(0);
  }, 120_000);
});

describeShared("pressure on the shared verl dumps (observed, not claimed)", () => {
  it("harness/verl: pressure and next-step change for every step", async () => {
    const { per } = await relation(join(shared("harness/verl/1.jsonl"), ".."));
    expect(per.map((s) => s.k)).toEqual([1, 2, 3]);
    for (const s of per) expect(s.p.groups).toBeGreaterThan(0);
  }, 120_000);
});
