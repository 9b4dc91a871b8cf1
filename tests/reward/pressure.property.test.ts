/**
 * Behaviour pressure and within-group contrasts against brute-force computations of their
 * definitions on random groups (written here from the formulas, not from the library's code).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  behaviourPressure,
  comparePressure,
  DEFAULT_REWARD,
  groupedContrast,
  groupedPressure,
  pressureByGroup,
  replayRewards,
  rewardConfig,
  withinGroupContrast,
  type TallyArrays,
} from "../../lib/index.js";

const LABELS = ["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"] as const;

interface Roll {
  counts: number[]; // the five labels
  extra: number; // calls without a label
  correct: boolean;
  formatOk: boolean;
  tokens: number;
}

const roll = fc.record({
  counts: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 5, maxLength: 5 }),
  extra: fc.integer({ min: 0, max: 2 }),
  correct: fc.boolean(),
  formatOk: fc.boolean(),
  tokens: fc.integer({ min: 0, max: 4000 }),
});
/** Groups of 1–8 rollouts; some groups copy one rollout (σ = 0). */
const groups = fc.array(
  fc.oneof(
    fc.array(roll, { minLength: 1, maxLength: 8 }),
    fc.tuple(roll, fc.integer({ min: 2, max: 6 })).map(([r, n]) => Array.from({ length: n }, () => r)),
  ),
  { minLength: 1, maxLength: 12 },
);

function arraysOf(gs: Roll[][]): TallyArrays {
  const flat = gs.flat();
  const n = flat.length;
  const i32 = (f: (r: Roll) => number) => Int32Array.from(flat, f);
  const starts = [0];
  for (const g of gs) starts.push(starts[starts.length - 1]! + g.length);
  return {
    n,
    keys: flat.map((_, i) => `k${i}`),
    T: i32((r) => r.counts.reduce((a, b) => a + b, 0) + r.extra),
    labelled: i32((r) => r.counts.reduce((a, b) => a + b, 0)),
    nUniqS: i32((r) => r.counts[0]!),
    nRedS: i32((r) => r.counts[1]!),
    nExplore: i32((r) => r.counts[2]!),
    nVerify: i32((r) => r.counts[3]!),
    nRedQ: i32((r) => r.counts[4]!),
    nRedQFixed: i32((r) => r.counts[4]!),
    hasClaims: new Uint8Array(n),
    checkStart: new Int32Array(n + 1),
    checks: new Int32Array(0),
    correct: Uint8Array.from(flat, (r) => (r.correct ? 1 : 0)),
    formatOk: Uint8Array.from(flat, (r) => (r.formatOk ? 1 : 0)),
    groupStart: Int32Array.from(starts),
    groupIds: gs.map((_, g) => `g${g}`),
    labelsBv: 1,
  };
}

/** The measure of a rollout, by the definitions (breadth = n_uniqS + n_explore, depth = n_verify, horizon = T). */
function measure(r: Roll, m: string): number {
  const k = LABELS.indexOf(m as (typeof LABELS)[number]);
  if (k >= 0) return r.counts[k]!;
  if (m === "breadth") return r.counts[0]! + r.counts[2]!;
  if (m === "depth") return r.counts[3]!;
  if (m === "horizon") return r.counts.reduce((a, b) => a + b, 0) + r.extra;
  return r.tokens;
}

/** P_b by the definition: mean over σ > 0 groups of (1/G) Σ Â_i (n_i − n̄), Â = (r − μ)/σ (population σ). */
function brutePressure(gs: Roll[][], rewards: number[][], m: string, scale = 1): { value: number; groups: number } {
  let sum = 0;
  let used = 0;
  gs.forEach((g, gi) => {
    if (g.length < 2) return;
    const r = rewards[gi]!;
    const mu = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mu) * (b - mu), 0) / r.length);
    if (!(sd > 1e-12)) return;
    const nbar = g.reduce((a, x) => a + measure(x, m), 0) / g.length;
    let s = 0;
    g.forEach((x, i) => (s += ((scale * (r[i]! - mu)) / sd) * (measure(x, m) - nbar)));
    sum += s / g.length;
    used++;
  });
  return { value: used ? sum / used : NaN, groups: used };
}

const MEASURES = [...LABELS, "breadth", "depth", "horizon", "responseTokens"];
const close = (a: number, b: number) =>
  Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

describe("behaviour pressure", () => {
  it("equals the definition computed by brute force on random groups (1e-12), GRPO and RAPO", () => {
    const settings = [DEFAULT_REWARD, rewardConfig({ stage: "vanilla" }), rewardConfig({ c1: 0.7, CS: 3, floor: 0.2 })];
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 2 }), (gs, si) => {
        const cfg = settings[si]!;
        const a = arraysOf(gs);
        const flatR = replayRewards(a, cfg);
        let k = 0;
        const rewards = gs.map((g) => g.map(() => flatR[k++]!));
        const tokens = gs.flat().map((r) => r.tokens);
        const p = behaviourPressure(a, cfg, { responseTokens: tokens, resamples: 0 });
        const multi = gs.filter((g) => g.length >= 2).length;
        for (const m of MEASURES) {
          const b = brutePressure(gs, rewards, m);
          expect(p.groups).toBe(b.groups);
          const got = p.pressure[m as keyof typeof p.pressure]!.value;
          expect(close(got, b.value), `${m}: ${got} vs ${b.value}`).toBe(true);
        }
        const rapo = behaviourPressure(a, cfg, { advantage: "rapo", resamples: 0 });
        const b = brutePressure(
          gs,
          rewards,
          "breadth",
          multi / Math.max(1, brutePressure(gs, rewards, "breadth").groups),
        );
        expect(close(rapo.pressure.breadth!.value, b.value)).toBe(true);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it("does not depend on the order of the rollouts when groups come as ids", () => {
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 1000 }), (gs, seed) => {
        const a = arraysOf(gs);
        const rewards = replayRewards(a, DEFAULT_REWARD);
        const ids = Array.from(a.groupStart.subarray(1), (end, g) =>
          Array.from({ length: end - a.groupStart[g]! }, () => g),
        ).flat();
        // a seeded permutation of the rows
        const perm = ids
          .map((_, i) => i)
          .sort((x, y) => ((x * 7919 + seed) % 101) - ((y * 7919 + seed) % 101) || x - y);
        const col = Float64Array.from(a.nRedS);
        const ref = groupedPressure(a.groupStart, rewards, { REDUNDANTSEARCH: col }, { resamples: 0 });
        const got = pressureByGroup(
          perm.map((i) => ids[i]!),
          perm.map((i) => rewards[i]!),
          { REDUNDANTSEARCH: Float64Array.from(perm, (i) => col[i]!) },
          { resamples: 0 },
        );
        expect(got.groups).toBe(ref.groups);
        // the sums run in another order within a group: equal to rounding
        expect(
          close(got.pressure.REDUNDANTSEARCH!.value, ref.pressure.REDUNDANTSEARCH!.value) ||
            Math.abs(got.pressure.REDUNDANTSEARCH!.value - ref.pressure.REDUNDANTSEARCH!.value) < 1e-12,
        ).toBe(true);
      }),
      { numRuns: 100, seed: 5 },
    );
  });

  it("gives a seeded interval around the value, the same on every run", () => {
    const gs = fc.sample(
      groups.filter((x) => x.length > 6),
      { numRuns: 1, seed: 3 },
    )[0]!;
    const a = arraysOf(gs);
    const p1 = behaviourPressure(a, DEFAULT_REWARD, { seed: 4 });
    const p2 = behaviourPressure(a, DEFAULT_REWARD, { seed: 4 });
    expect(JSON.stringify(p1)).toBe(JSON.stringify(p2));
    for (const iv of Object.values(p1.pressure)) {
      if (Number.isNaN(iv.value)) continue;
      expect(iv.lo).toBeLessThanOrEqual(iv.value + 1e-12);
      expect(iv.hi).toBeGreaterThanOrEqual(iv.value - 1e-12);
    }
    const p3 = behaviourPressure(a, DEFAULT_REWARD, { seed: 5 });
    expect(p3.pressure.horizon!.value).toBe(p1.pressure.horizon!.value);
  });

  it("excludes groups with σ = 0 and says so when no group has a signal", () => {
    const r: Roll = { counts: [2, 1, 1, 1, 0], extra: 0, correct: true, formatOk: true, tokens: 5 };
    const p = behaviourPressure(arraysOf([[r, r, r], [r]]), DEFAULT_REWARD);
    expect(p.groups).toBe(0);
    expect(p.multiGroups).toBe(1);
    expect(Number.isNaN(p.pressure.UNIQUESEARCH!.value)).toBe(true);
  });

  it("reads the sign and compares settings in one sentence", () => {
    const iv = (value: number, lo: number, hi: number) => ({ value, lo, hi });
    expect(comparePressure("c1=0.3", "REDUNDANTSEARCH", iv(-0.42, -0.6, -0.2), iv(-0.2, -0.3, -0.1))).toBe(
      "c1=0.3 pushes REDUNDANTSEARCH down 2.1× as hard as the default",
    );
    expect(comparePressure("x", "depth", iv(0.1, -0.1, 0.3), iv(0.2, 0.1, 0.3))).toBe(
      "x does not push depth clearly (the default pushes it up)",
    );
    expect(comparePressure("x", "depth", iv(0.1, 0.05, 0.3), iv(-0.2, -0.3, -0.1))).toBe(
      "x pushes depth up where the default pushes it down",
    );
  });
});

describe("within-group contrasts", () => {
  it("equal the mean over mixed groups of mean(correct) − mean(incorrect), by brute force", () => {
    fc.assert(
      fc.property(groups, (gs) => {
        const a = arraysOf(gs);
        const c = withinGroupContrast(a, { responseTokens: gs.flat().map((r) => r.tokens), resamples: 0 });
        for (const m of MEASURES) {
          let sum = 0;
          let used = 0;
          for (const g of gs) {
            const cor = g.filter((r) => r.correct).map((r) => measure(r, m));
            const inc = g.filter((r) => !r.correct).map((r) => measure(r, m));
            if (!cor.length || !inc.length) continue;
            sum += cor.reduce((x, y) => x + y, 0) / cor.length - inc.reduce((x, y) => x + y, 0) / inc.length;
            used++;
          }
          expect(c.groups).toBe(used);
          expect(close(c.contrast[m as keyof typeof c.contrast]!.value, used ? sum / used : NaN)).toBe(true);
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it("counts only groups with both outcomes", () => {
    const ok: Roll = { counts: [3, 0, 2, 1, 0], extra: 0, correct: true, formatOk: true, tokens: 5 };
    const bad: Roll = { ...ok, counts: [1, 2, 0, 0, 1], correct: false };
    const c = groupedContrast(Int32Array.of(0, 2, 4), [1, 0, 1, 1], { breadth: Float64Array.of(5, 1, 5, 5) });
    expect(c.groups).toBe(1);
    expect(c.contrast.breadth!.value).toBe(4);
    expect(
      withinGroupContrast(
        arraysOf([
          [ok, bad],
          [ok, ok],
        ]),
      ).contrast.REDUNDANTSEARCH!.value,
    ).toBe(-2);
  });
});
