import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_REWARD,
  emptyTallies,
  HeuristicLabeller,
  labelSync,
  loadTrajectories,
  rebudget,
  rewardConfig,
  rewardGuardrails,
  rewardSpecHash,
  rolloutReward,
  talliesOf,
  type RewardConfig,
  type Tallies,
} from "../../lib/index.js";
import { ROOT } from "../helpers.js";
import { join } from "node:path";

function tallies(p: Partial<Tallies> & { T?: number }): Tallies {
  const t = { ...emptyTallies(), ...p };
  t.labelled = t.nUniqS + t.nRedS + t.nExplore + t.nVerify + t.nRedQ;
  if (p.T === undefined) t.T = t.labelled;
  return t;
}

describe("Eq. 4 and Eq. 8: the paper's worked values (R_format = 1)", () => {
  const cfg = DEFAULT_REWARD;
  it("correct, T = 20 with 4 redundant calls → 0.9", () => {
    expect(rolloutReward(tallies({ nUniqS: 8, nRedS: 2, nExplore: 8, nRedQ: 2 }), true, true, cfg).reward).toBeCloseTo(
      0.9,
      12,
    );
  });
  it("correct, ρ = 0.7 → 0.6 (the floor)", () => {
    const r = rolloutReward(tallies({ nUniqS: 3, nRedS: 7 }), true, true, cfg);
    expect(r.rho).toBeCloseTo(0.7, 12);
    expect(r.reward).toBeCloseTo(0.6, 12);
  });
  it("incorrect with 5 U, 1 RS, 8 E, 2 V, 2 RQ → 0.3", () => {
    const r = rolloutReward(tallies({ nUniqS: 5, nRedS: 1, nExplore: 8, nVerify: 2, nRedQ: 2 }), false, true, cfg);
    expect([r.deltaS, r.deltaQ]).toEqual([4, 8]);
    expect(r.reward).toBeCloseTo(0.3, 12);
  });
  it("incorrect with Δ_S ≥ 8 and Δ_Q ≥ 16 → 0.5", () => {
    expect(rolloutReward(tallies({ nUniqS: 12, nExplore: 20 }), false, true, cfg).reward).toBeCloseTo(0.5, 12);
  });
  it("vanilla: 0.1·format + 0.9·correct", () => {
    const v = rewardConfig({ stage: "vanilla" });
    expect(rolloutReward(tallies({}), true, true, v).reward).toBeCloseTo(1, 12);
    expect(rolloutReward(tallies({}), false, true, v).reward).toBeCloseTo(0.1, 12);
    expect(rolloutReward(tallies({}), true, false, v).reward).toBeCloseTo(0.9, 12);
  });
});

describe("open points as options", () => {
  it("T = 0 gives ρ := rhoWhenNoCalls (0 by default)", () => {
    expect(rolloutReward(tallies({}), true, true, DEFAULT_REWARD)).toMatchObject({ rho: 0, reward: 1.1 });
    expect(rolloutReward(tallies({}), true, true, rewardConfig({ rhoWhenNoCalls: 1 })).reward).toBeCloseTo(0.6, 12);
  });
  it("negative Δ is literal by default, clipped on request", () => {
    const t = tallies({ nUniqS: 1, nRedS: 5 });
    expect(rolloutReward(t, false, false, DEFAULT_REWARD).reward).toBeCloseTo(0.2 * (-4 / 8), 12);
    expect(rolloutReward(t, false, false, rewardConfig({ clipDelta: true })).reward).toBe(0);
  });
  it("T counts every call, or only labelled ones", () => {
    const t = tallies({ nUniqS: 2, nRedS: 2, T: 8 }); // 4 'other' calls
    expect(rolloutReward(t, true, false, DEFAULT_REWARD).rho).toBeCloseTo(0.25, 12);
    expect(rolloutReward(t, true, false, rewardConfig({ countT: "labelled" })).rho).toBeCloseTo(0.5, 12);
  });
  it("bad settings are refused with the field named", () => {
    expect(() => rewardConfig({ CS: 0 })).toThrow(/CS/);
    expect(() => rewardConfig({ c3: 1 } as never)).toThrow(/Unrecognized key/);
  });
  it("the spec hash changes with any setting and not with key order", () => {
    expect(rewardSpecHash(rewardConfig({ c1: 0.2, c2: 0.3 }))).toBe(rewardSpecHash(rewardConfig({ c2: 0.3, c1: 0.2 })));
    expect(rewardSpecHash(rewardConfig({ c1: 0.21 }))).not.toBe(rewardSpecHash(DEFAULT_REWARD));
    expect(rewardSpecHash(DEFAULT_REWARD)).toMatch(/^sha256:[0-9a-f]{16}$/);
  });
});

const arbTallies = fc
  .record({
    nUniqS: fc.nat(30),
    nRedS: fc.nat(30),
    nExplore: fc.nat(30),
    nVerify: fc.nat(10),
    nRedQ: fc.nat(30),
    other: fc.nat(5),
  })
  .map(({ other, ...t }) => {
    const x = tallies(t);
    x.T = x.labelled + other;
    return x;
  });
const arbCfg: fc.Arbitrary<RewardConfig> = fc
  .record({
    formatWeight: fc.double({ min: 0, max: 0.5, noNaN: true }),
    floor: fc.double({ min: -0.2, max: 1, noNaN: true }),
    // weights are kept away from denormal tininess (a 1e-320 weight needs ~1e320 calls to matter)
    c1: fc.double({ min: -0.3, max: 0.5, noNaN: true }).map((c) => (Math.abs(c) < 1e-6 ? 0 : c)),
    c2: fc.double({ min: -0.3, max: 0.5, noNaN: true }).map((c) => (Math.abs(c) < 1e-6 ? 0 : c)),
    CS: fc.double({ min: 0.5, max: 32, noNaN: true }),
    CQ: fc.double({ min: 0.5, max: 32, noNaN: true }),
    clipDelta: fc.boolean(),
  })
  .map((c) => rewardConfig(c));

describe("properties", () => {
  it("under the defaults an incorrect rollout never beats a correct one: incorrect ≤ 0.5 ≤ correct", () => {
    fc.assert(
      fc.property(arbTallies, arbTallies, fc.boolean(), fc.boolean(), (a, b, fa, fb) => {
        const inc = rolloutReward(a, false, fa, DEFAULT_REWARD).reward;
        const cor = rolloutReward(b, true, fb, DEFAULT_REWARD).reward;
        expect(inc).toBeLessThanOrEqual(0.5 + 1e-12);
        expect(cor).toBeGreaterThanOrEqual(0.5 - 1e-12);
      }),
      { numRuns: 2000 },
    );
  });

  it("the guardrail fires exactly when some incorrect rollout can outscore some correct one", () => {
    fc.assert(
      fc.property(
        arbCfg,
        fc.array(fc.tuple(arbTallies, arbTallies, fc.boolean(), fc.boolean()), { maxLength: 30 }),
        (cfg, samples) => {
          const fires = rewardGuardrails(cfg).some((g) => g.code === "incorrect-can-beat-correct");
          // the extreme rollouts the guardrail reasons about
          // (a negative weight pays most on a hugely negative Δ: many redundant calls)
          const big = (c: number, C: number) => Math.ceil((2 * C) / Math.abs(c)) + 1; // makes c·Δ/C ≥ 2
          const witness = tallies({
            nUniqS: cfg.c1 >= 0 ? Math.ceil(cfg.CS) + 1 : 0,
            nRedS: cfg.c1 < 0 && !cfg.clipDelta ? big(cfg.c1, cfg.CS) : 0,
            nExplore: cfg.c2 >= 0 ? Math.ceil(cfg.CQ) + 1 : 0,
            nRedQ: cfg.c2 < 0 && !cfg.clipDelta ? big(cfg.c2, cfg.CQ) : 0,
          });
          const bestInc = rolloutReward(witness, false, true, cfg).reward;
          const worstCor = rolloutReward(tallies({ nRedS: 10 }), true, false, cfg).reward;
          expect(fires).toBe(Math.max(bestInc, cfg.formatWeight) > worstCor + 1e-12);
          if (!fires) {
            for (const [a, b, fa, fb] of samples)
              expect(rolloutReward(a, false, fa, cfg).reward).toBeLessThanOrEqual(
                rolloutReward(b, true, fb, cfg).reward + 1e-12,
              );
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("B_v replay from per-claim checks", () => {
  it("rebudgeted tallies equal the tallies of labels made with that B_v", async () => {
    const { trajectories } = await loadTrajectories([join(ROOT, "traces", "generated", "fathom-eval.jsonl")]);
    const base = new HeuristicLabeller({ verifyBudget: 1 });
    for (const B of [0, 2, 3]) {
      const other = new HeuristicLabeller({ verifyBudget: B });
      let compared = 0;
      for (const t of trajectories) {
        // batched page calls are one check per call in replay; compare rollouts without them
        if (t.calls.some((c) => c.role === "page" && c.urls.length > 1)) continue;
        const want = talliesOf(labelSync(other, t), t.calls.length);
        const got = rebudget(talliesOf(labelSync(base, t), t.calls.length), B)!;
        expect([got.nVerify, got.nRedQ]).toEqual([want.nVerify, want.nRedQ]);
        compared++;
      }
      expect(compared).toBeGreaterThan(30);
    }
  });

  it("labels without claim data (e.g. from an LLM) cannot be rebudgeted", () => {
    const t = talliesOf([
      {
        source: { file: "f", line: 1 },
        trajectoryId: "t",
        callIndex: 0,
        tool: "query_url",
        role: "page",
        label: "VERIFICATION",
        utility: null,
      },
    ]);
    expect(t.claimChecks).toBeNull();
    expect(rebudget(t, 2)).toBeNull();
  });
});
