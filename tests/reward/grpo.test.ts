import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { grpoAdvantages, rapoBatch, replaySimulation, solveRate, DEFAULT_RAPO } from "../../lib/index.js";

describe("GRPO", () => {
  it("standardises rewards with the population standard deviation", () => {
    const g = grpoAdvantages([1, 0, 0, 0, 1]);
    expect(g.mean).toBeCloseTo(0.4, 12);
    expect(g.std).toBeCloseTo(Math.sqrt(0.24), 12);
    expect(g.advantages[0]).toBeCloseTo(0.6 / Math.sqrt(0.24), 12);
  });
  it("a group with σ = 0 gives no signal", () => {
    expect(grpoAdvantages([0.5, 0.5, 0.5])).toMatchObject({ informative: false, advantages: [0, 0, 0] });
  });
  it("advantages of an informative group have mean 0 and population variance 1", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 16 }), (rs) => {
        const g = grpoAdvantages(rs);
        if (!g.informative) return;
        const m = g.advantages.reduce((a, b) => a + b, 0) / rs.length;
        const v = g.advantages.reduce((a, b) => a + (b - m) ** 2, 0) / rs.length;
        expect(m).toBeCloseTo(0, 9);
        expect(v).toBeCloseTo(1, 9);
      }),
    );
  });
});

describe("RAPO", () => {
  const batch = [
    { id: "a", rewards: [1, 0, 0, 0, 1], correct: [true, false, false, false, true] },
    { id: "b", rewards: [0.1, 0.1, 0.1, 0.1, 0.1], correct: [false, false, false, false, false] },
    { id: "c", rewards: [1, 1, 1, 1, 0.9], correct: [true, true, true, true, true] },
    { id: "d", rewards: [1, 1, 1, 1, 1], correct: [true, true, true, true, true] },
  ];
  it("scales advantages by G / G_good, G = number of groups by default", () => {
    const r = rapoBatch(batch);
    expect(r.informativeGroups).toBe(2);
    expect(r.scale).toBe(4 / 2);
    expect(r.groups[0]!.scaled[0]).toBeCloseTo(2 * r.groups[0]!.advantages[0]!, 12);
    expect(rapoBatch(batch, { ...DEFAULT_RAPO, scaleBy: "group-size" }).scale).toBe(5 / 2);
  });
  it("prunes on correctness by default; the literal reading counts a formatted wrong answer (R = 0.1) as solved", () => {
    expect(solveRate(batch[1]!)).toEqual({ rate: 0, pruned: false });
    expect(solveRate(batch[1]!, { ...DEFAULT_RAPO, pruneBy: "literal" })).toEqual({ rate: 1, pruned: true });
    expect(solveRate(batch[2]!).pruned).toBe(true);
    expect(solveRate(batch[0]!).pruned).toBe(false);
  });
  it("the replay buffer substitutes the latest good rollout into an all-failing group, seeded", () => {
    const groups = [
      { id: "s1", rewards: [0.1, 0.9, 0.2], correct: [false, true, false] },
      { id: "s2", rewards: [0.1, 0.1, 0.1], correct: [false, false, false] },
      { id: "s3", rewards: [0.7, 0.1, 0.0], correct: [true, false, false] },
      { id: "s4", rewards: [0.0, 0.0, 0.0], correct: [false, false, false] },
    ];
    const a = replaySimulation(groups);
    expect(a.substitutions).toBe(2);
    expect(a.rewards[1]!.filter((r) => r === 0.9)).toHaveLength(1);
    expect(a.rewards[3]!.filter((r) => r === 0.7)).toHaveLength(1);
    expect(a.rewards[0]).toEqual([0.1, 0.9, 0.2]);
    expect(replaySimulation(groups)).toEqual(a);
    expect(replaySimulation([groups[1]!]).substitutions).toBe(0); // nothing to replay yet
  });
});
