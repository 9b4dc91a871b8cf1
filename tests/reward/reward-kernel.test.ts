/**
 * The reward kernel once per backend: the per-rollout reward (`rolloutReward`), the typed-array
 * replay and sweep (`replayRewards`, `sweep` with and without group statistics) and the SQL replay
 * (lib/corpus/replay-sql.ts, the expressions of lib/corpus/reward-sql.ts) agree on random tallies
 * (claim checks under the labels' own B_v, rollouts without claim data, T = 0) and random
 * settings (both stages, negative weights, clipped and literal Δ, either T, another B_v).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  emptyTallies,
  replayRewards,
  rewardConfig,
  rolloutReward,
  sweep,
  type RewardConfig,
  type Tallies,
  type TallyArrays,
} from "../../lib/index.js";
import { Engine } from "../../lib/corpus/duckdb.js";
import { replayRewardsSql, SETTING_COLUMNS, settingValues } from "../../lib/corpus/replay-sql.js";

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

interface Rollout {
  t: Tallies;
  correct: boolean;
  fmt: boolean;
  group: number;
}

const arbCounts = fc.record({
  nUniqS: fc.nat({ max: 12 }),
  nRedS: fc.nat({ max: 12 }),
  nExplore: fc.nat({ max: 20 }),
  nRedQFixed: fc.nat({ max: 4 }),
  checks: fc.option(fc.array(fc.nat({ max: 4 }), { maxLength: 5 }), { freq: 4 }),
  /** n_verify and the checks' REDUNDANTQUERY of a rollout without claim data. */
  verifyNoClaims: fc.nat({ max: 6 }),
  redQNoClaims: fc.nat({ max: 6 }),
  /** Calls without a label (T counts them, `labelled` does not). */
  other: fc.nat({ max: 3 }),
});
type Counts = ValueOf<typeof arbCounts>;
const noCalls = fc.constant<Counts>({
  nUniqS: 0,
  nRedS: 0,
  nExplore: 0,
  nRedQFixed: 0,
  checks: [],
  verifyNoClaims: 0,
  redQNoClaims: 0,
  other: 0,
});

/** Tallies as labels made with `labelsBv` have them. */
function talliesFrom(c: Counts, labelsBv: number): Tallies {
  const t: Tallies = { ...emptyTallies(), nUniqS: c.nUniqS, nRedS: c.nRedS, nExplore: c.nExplore };
  t.claimChecks = c.checks;
  if (c.checks) {
    t.nRedQFixed = c.nRedQFixed;
    t.nVerify = c.checks.reduce((a, n) => a + Math.min(n, labelsBv), 0);
    t.nRedQ = c.nRedQFixed + c.checks.reduce((a, n) => a + Math.max(0, n - labelsBv), 0);
  } else {
    t.nVerify = c.verifyNoClaims;
    t.nRedQ = c.redQNoClaims;
  }
  t.labelled = t.nUniqS + t.nRedS + t.nExplore + t.nVerify + t.nRedQ;
  t.T = t.labelled + c.other;
  return t;
}

const arbGroups = fc.array(
  fc.array(
    fc.record({
      c: fc.oneof({ arbitrary: arbCounts, weight: 6 }, { arbitrary: noCalls, weight: 1 }),
      correct: fc.boolean(),
      fmt: fc.boolean(),
    }),
    {
      minLength: 1,
      maxLength: 6,
    },
  ),
  { minLength: 1, maxLength: 8 },
);

const dbl = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const arbCfg = fc
  .record({
    stage: fc.constantFrom("steerable", "steerable", "vanilla"),
    formatWeight: dbl(-0.2, 0.5),
    correctWeight: dbl(-0.5, 1),
    floor: dbl(-0.2, 1),
    c1: dbl(-0.5, 0.6),
    c2: dbl(-0.5, 0.6),
    CS: dbl(0.25, 20),
    CQ: dbl(0.25, 30),
    Bv: fc.integer({ min: 0, max: 3 }),
    clipDelta: fc.boolean(),
    rhoWhenNoCalls: dbl(0, 1),
    countT: fc.constantFrom("all", "labelled"),
  })
  .map((c) => rewardConfig(c));

const arbCase = fc.record({
  groups: arbGroups,
  configs: fc.array(arbCfg, { minLength: 1, maxLength: 4 }),
  labelsBv: fc.integer({ min: 0, max: 3 }),
});

interface Case {
  rollouts: Rollout[];
  arrays: TallyArrays;
  configs: RewardConfig[];
  labelsBv: number;
}

/** The rollouts in groups, and their tallies in typed arrays (as `tallyArrays` lays them out). */
function caseOf(c: ValueOf<typeof arbCase>): Case {
  const rollouts: Rollout[] = [];
  const starts: number[] = [];
  for (const g of c.groups) {
    starts.push(rollouts.length);
    for (const r of g)
      rollouts.push({ t: talliesFrom(r.c, c.labelsBv), correct: r.correct, fmt: r.fmt, group: starts.length - 1 });
  }
  starts.push(rollouts.length);
  const n = rollouts.length;
  const col = (f: (t: Tallies) => number) => Int32Array.from(rollouts, (r) => f(r.t));
  const checks: number[] = [];
  const checkStart = new Int32Array(n + 1);
  rollouts.forEach((r, i) => {
    checkStart[i] = checks.length;
    checks.push(...(r.t.claimChecks ?? []));
  });
  checkStart[n] = checks.length;
  const arrays: TallyArrays = {
    n,
    keys: rollouts.map((_, i) => `k${i}`),
    T: col((t) => t.T),
    labelled: col((t) => t.labelled),
    nUniqS: col((t) => t.nUniqS),
    nRedS: col((t) => t.nRedS),
    nExplore: col((t) => t.nExplore),
    nVerify: col((t) => t.nVerify),
    nRedQ: col((t) => t.nRedQ),
    nRedQFixed: col((t) => t.nRedQFixed),
    hasClaims: Uint8Array.from(rollouts, (r) => (r.t.claimChecks ? 1 : 0)),
    checkStart,
    checks: Int32Array.from(checks),
    correct: Uint8Array.from(rollouts, (r) => (r.correct ? 1 : 0)),
    formatOk: Uint8Array.from(rollouts, (r) => (r.fmt ? 1 : 0)),
    groupStart: Int32Array.from(starts),
    groupIds: c.groups.map((_, g) => `g${g}`),
    labelsBv: c.labelsBv,
  };
  return { rollouts, arrays, configs: c.configs, labelsBv: c.labelsBv };
}

const perRollout = (k: Case, cfg: RewardConfig) =>
  k.rollouts.map((r) => rolloutReward(r.t, r.correct, r.fmt, cfg, k.labelsBv).reward);

function classMeans(k: Case, rewards: readonly number[]): { meanCorrect: number; meanIncorrect: number } {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : NaN);
  return {
    meanCorrect: mean(rewards.filter((_, i) => k.rollouts[i]!.correct)),
    meanIncorrect: mean(rewards.filter((_, i) => !k.rollouts[i]!.correct)),
  };
}

/** |a − b| ≤ 1e-12, NaN only where both are NaN. */
function expectClose(what: string, a: number, b: number): void {
  if (Number.isNaN(b)) expect([what, a]).toEqual([what, NaN]);
  else if (!(Math.abs(a - b) <= 1e-12)) expect([what, a]).toEqual([what, b]);
}

describe("the reward kernel, per rollout and over typed arrays", () => {
  it("replayRewards equals rolloutReward for every rollout; both sweeps' means equal the per-rollout means", () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const k = caseOf(c);
        const full = sweep(k.arrays, k.configs);
        const fast = sweep(k.arrays, k.configs, { groups: false });
        k.configs.forEach((cfg, s) => {
          const want = perRollout(k, cfg);
          const got = replayRewards(k.arrays, cfg);
          want.forEach((w, i) => expectClose(`setting ${s} rollout ${i}`, got[i]!, w));
          const m = classMeans(k, want);
          for (const row of [full[s]!, fast[s]!]) {
            expectClose(`setting ${s} meanCorrect`, row.meanCorrect, m.meanCorrect);
            expectClose(`setting ${s} meanIncorrect`, row.meanIncorrect, m.meanIncorrect);
          }
        });
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });
});

describe("the reward kernel in SQL", () => {
  let db: Engine;
  beforeAll(async () => {
    db = await Engine.open({ threads: 1 });
  });
  afterAll(() => db?.close());

  it("the SQL replay gives every (setting, rollout) the per-rollout reward", async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const k = caseOf(c);
        for (const t of ["s", "sw_tally", "sw_checks"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
        await db.run(`CREATE TEMP TABLE s (${SETTING_COLUMNS})`);
        await db.run(`INSERT INTO s VALUES ${k.configs.map((cfg, i) => settingValues(i, cfg)).join(", ")}`);
        const a = k.arrays;
        const tally = Array.from({ length: a.n }, (_, i) => {
          const cols = [a.correct[i], a.formatOk[i], a.T[i], a.labelled[i], a.nUniqS[i], a.nRedS[i], a.nExplore[i]];
          cols.push(a.nVerify[i], a.nRedQ[i], a.nRedQFixed[i], a.hasClaims[i]);
          return `('k${i}', 'g${k.rollouts[i]!.group}', ${cols.join(", ")}, NULL, 0)`;
        });
        await db.run(
          "CREATE TEMP TABLE sw_tally (key VARCHAR, group_id VARCHAR, correct INTEGER, fmt INTEGER, T INTEGER, " +
            "labelled INTEGER, n_uniq_s INTEGER, n_red_s INTEGER, n_explore INTEGER, n_verify INTEGER, " +
            "n_red_q INTEGER, n_red_q_fixed INTEGER, has_claims INTEGER, ref_reward DOUBLE, ref_rk INTEGER)",
        );
        await db.run(`INSERT INTO sw_tally VALUES ${tally.join(", ")}`);
        await db.run("CREATE TEMP TABLE sw_checks (key VARCHAR, c INTEGER)");
        const checks = k.rollouts.flatMap((r, i) => (r.t.claimChecks ?? []).map((n) => `('k${i}', ${n})`));
        if (checks.length) await db.run(`INSERT INTO sw_checks VALUES ${checks.join(", ")}`);
        const rows = await db.all(
          `SELECT setting, key, reward FROM (${replayRewardsSql(k.labelsBv)}) r ORDER BY setting, key`,
        );
        expect(rows).toHaveLength(k.configs.length * a.n);
        const want = k.configs.map((cfg) => perRollout(k, cfg));
        for (const r of rows) {
          const s = Number(r.setting);
          const i = Number(String(r.key).slice(1));
          expectClose(`setting ${s} rollout ${i}`, Number(r.reward), want[s]![i]!);
        }
      }),
      { numRuns: 120, seed: 20261202 },
    );
  });
});
