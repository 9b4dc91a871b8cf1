import { describe, expect, it } from "vitest";
import {
  aggregate,
  generateTraces,
  gridSettings,
  HeuristicLabeller,
  loadTrajectories,
  paretoFront,
  randomSettings,
  replayRewards,
  rewardConfig,
  rolloutReward,
  runLabeller,
  sweep,
  tallyArrays,
  talliesOf,
  trajectoryRows,
  trajectoryTable,
  formatValid,
  type LabelRow,
  type Trajectory,
} from "../../lib/index.js";
import { baseAndRandom, tmpDir, WIDE_KNOB_RANGES } from "../helpers.js";

async function corpus(): Promise<{ ts: Trajectory[]; rows: LabelRow[] }> {
  const dir = tmpDir("sweep-");
  await generateTraces(dir, {
    format: "verl",
    seed: 11,
    prompts: 12,
    steps: 2,
    groupSize: 5,
    accuracy: 0.5,
    labels: false,
  });
  const { trajectories } = await loadTrajectories([dir]);
  const run = await runLabeller(new HeuristicLabeller(), trajectories);
  return { ts: trajectories, rows: run.rows };
}

/** The tally arrays of `corpus()`. */
async function corpusArrays() {
  const { ts, rows } = await corpus();
  return tallyArrays(ts, rows);
}

describe("metric tables", () => {
  it("one row per trajectory with Eq. 7 tallies, breadth/depth/horizon, correctness and format; aggregates carry counts", async () => {
    const { ts, rows } = await corpus();
    const tr = trajectoryRows(ts, rows);
    expect(tr).toHaveLength(ts.length);
    const t0 = ts[0]!;
    const tal = talliesOf(
      rows.filter((r) => r.trajectoryId === t0.id && r.source.file === t0.provenance.source.file),
      t0.calls.length,
    );
    expect(tr[0]).toMatchObject({
      T: t0.calls.length,
      nUniqS: tal.nUniqS,
      breadth: tal.nUniqS + tal.nExplore,
      depth: tal.nVerify,
      horizon: t0.calls.length,
      turns: t0.steps.length,
      correct: t0.verdict === "correct",
      formatOk: formatValid(t0),
      step: t0.provenance.trainingStep,
    });
    const agg = aggregate(trajectoryTable(ts, rows), ["step"]).objects() as Array<Record<string, number>>;
    expect(agg.map((r) => [r.step, r.n])).toEqual([
      [1, 60],
      [2, 60],
    ]);
    const step1 = tr.filter((r) => r.step === 1);
    expect(agg[0]!.breadth).toBeCloseTo(step1.reduce((a, r) => a + (r.breadth as number), 0) / 60, 12);
    expect(agg[0]!.accuracy).toBeCloseTo(step1.filter((r) => r.correct).length / 60, 12);
  });

  it("counts response tokens with the Qwen3 tokenizer when asked", async () => {
    const { ts, rows } = await corpus();
    const [r] = trajectoryRows(ts.slice(0, 1), rows, { tokens: true });
    expect(r!.responseTokens as number).toBeGreaterThan(50);
    const [w] = trajectoryRows(ts.slice(0, 1), rows, { tokens: true, includeToolResponses: true });
    expect(w!.responseTokens as number).toBeGreaterThan(r!.responseTokens as number);
  });
});

describe("replay and sweeps", () => {
  it("replayed rewards equal rolloutReward for every rollout and setting, B_v included", async () => {
    const { ts, rows } = await corpus();
    const a = tallyArrays(ts, rows);
    const byKey = new Map(ts.map((t) => [`${t.provenance.source.file}::${t.id}`, t]));
    for (const cfg of [
      rewardConfig({}),
      rewardConfig({ c1: 0.35, CS: 4, Bv: 0 }),
      rewardConfig({ Bv: 3, clipDelta: true, countT: "labelled" }),
      rewardConfig({ stage: "vanilla" }),
    ]) {
      const r = replayRewards(a, cfg);
      for (let i = 0; i < a.n; i++) {
        const t = byKey.get(a.keys[i]!)!;
        const tal = talliesOf(
          rows.filter((x) => `${x.source.file}::${x.trajectoryId}` === a.keys[i]),
          t.calls.length,
        );
        expect(r[i]).toBeCloseTo(rolloutReward(tal, t.verdict === "correct", formatValid(t), cfg).reward, 12);
      }
    }
  });

  it("reports separation, informative groups, rank changes and the warnings", async () => {
    const a = await corpusArrays();
    expect(a.groupStart.length - 1).toBe(24);
    const settings = [
      rewardConfig({}),
      rewardConfig({ c1: 0.9, c2: 0.9 }),
      rewardConfig({ CS: 1e6, CQ: 1e6, c1: 0.2, c2: 0.2 }),
      rewardConfig({ rhoWhenNoCalls: 0.3 }),
    ];
    const res = sweep(a, settings);
    expect(res[0]!.warnings).toEqual([]);
    expect(res[0]!.separation).toBeGreaterThan(0.3);
    expect(res[0]!.nCorrect + res[0]!.nIncorrect).toBe(120);
    expect(res[0]!.informativeGroups).toBeGreaterThan(0.5);
    // c1 + c2 + 0.1 > 0.5: the guardrail fires and, on this corpus, incorrect rollouts do outscore correct ones
    expect(res[1]!.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(["incorrect-can-beat-correct", "incorrect-above-correct"]),
    );
    expect(res[1]!.rankChanges).toBeGreaterThan(0);
    expect(res[1]!.groupsIncorrectAbove).toBeGreaterThan(0);
    // no rollout here has T = 0, so ρ's T = 0 value changes nothing
    expect(res[3]!.warnings.map((w) => w.code)).toContain("no-effect");
    expect(res[3]!.rankChanges).toBe(0);
    // huge C_S/C_Q flatten the incorrect branch
    expect(res[2]!.meanIncorrect).toBeLessThan(res[0]!.meanIncorrect);
  });

  it("grid and random settings; the Pareto front is not dominated", async () => {
    const a = await corpusArrays();
    const grid = gridSettings(rewardConfig({}), { c1: [0.1, 0.2, 0.3], Bv: [0, 1, 2] });
    expect(grid).toHaveLength(9);
    const rnd = randomSettings(rewardConfig({}), { c2: [0, 0.4], CQ: [4, 32] }, 20, 5);
    expect(randomSettings(rewardConfig({}), { c2: [0, 0.4], CQ: [4, 32] }, 20, 5)).toEqual(rnd);
    const res = sweep(a, [rewardConfig({}), ...grid, ...rnd]);
    const front = paretoFront(res);
    expect(front.length).toBeGreaterThan(0);
    for (const f of front)
      for (const r of res)
        expect(
          ["favouredBreadth", "favouredDepth", "favouredHorizon", "separation"].every(
            (k) => (r as never)[k] >= (f as never)[k],
          ) &&
            ["favouredBreadth", "favouredDepth", "favouredHorizon", "separation"].some(
              (k) => (r as never)[k] > (f as never)[k],
            ),
        ).toBe(false);
  });
});

describe("fast sweep (means only)", () => {
  it("gives the same means and separation as the full pass, for every setting", async () => {
    const a = await corpusArrays();
    const settings = [
      ...baseAndRandom(WIDE_KNOB_RANGES, 200, 3),
      rewardConfig({ stage: "vanilla", correctWeight: 0.7 }),
      rewardConfig({ clipDelta: true, countT: "labelled" }),
    ];
    const full = sweep(a, settings);
    const fast = sweep(a, settings, { groups: false });
    fast.forEach((f, i) => {
      expect(f.meanCorrect).toBeCloseTo(full[i]!.meanCorrect, 10);
      expect(f.meanIncorrect).toBeCloseTo(full[i]!.meanIncorrect, 10);
      expect(f.separation).toBeCloseTo(full[i]!.separation, 10);
    });
  });
});

describe("rank changes", () => {
  it("equal a brute-force count over every group, for random settings", async () => {
    const a = await corpusArrays();
    const settings = baseAndRandom(
      { c1: [0, 0.6], c2: [0, 0.5], CS: [1, 20], CQ: [1, 30], Bv: [0, 3], floor: [0, 0.9] },
      60,
      9,
    );
    const res = sweep(a, settings);
    const rankOf = (r: Float64Array) => {
      const out = new Int32Array(a.n);
      for (let g = 0; g + 1 < a.groupStart.length; g++)
        for (let i = a.groupStart[g]!; i < a.groupStart[g + 1]!; i++) {
          let c = 0;
          for (let j = a.groupStart[g]!; j < a.groupStart[g + 1]!; j++) if (r[j]! > r[i]!) c++;
          out[i] = c;
        }
      return out;
    };
    const ref = rankOf(replayRewards(a, settings[0]!));
    let nonzero = 0;
    settings.forEach((cfg, k) => {
      const rk = rankOf(replayRewards(a, cfg));
      let changes = 0;
      for (let i = 0; i < a.n; i++) if (rk[i] !== ref[i]) changes++;
      expect([k, res[k]!.rankChanges]).toEqual([k, changes]);
      if (changes) nonzero++;
    });
    expect(nonzero).toBeGreaterThan(10);
  });
});
