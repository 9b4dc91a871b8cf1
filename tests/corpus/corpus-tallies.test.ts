/**
 * The typed-array corpus path (`corpusTallies`) against the trace-file path (`tallyArrays` on the
 * files the corpus came from) and the SQL path (`corpusSweep`): the same arrays, slot for slot,
 * hence the same sweep rows to the bit; on the bundled traces (every format, two label sets) and
 * on generated grouped corpora (property).
 */
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  convertToCorpus,
  Corpus,
  corpusSize,
  corpusSweep,
  corpusTallies,
  fitsInMemory,
  generateTraces,
  HeuristicLabeller,
  loadTrajectories,
  randomSettings,
  readLabelSet,
  rewardConfig,
  runLabeller,
  sweep,
  tallyArrays,
  VERDICT_CODES,
  type CorpusTallies,
  type LabelRow,
  type RewardConfig,
  type SweepRow,
  type TallyArrays,
  type Trajectory,
} from "../../lib/index.js";
import { ROOT, tmpDir } from "../helpers.js";

const TRACES = join(ROOT, "traces");

/** The TallyArrays part of a corpus load, as plain arrays (so a mismatch names the field). */
function plain(a: TallyArrays): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a).sort()) {
    if (k === "verdict" || k === "order") continue;
    const v = (a as unknown as Record<string, unknown>)[k];
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v;
  }
  return out;
}

/** Sweep rows compared exactly, but with NaN equal to NaN (toEqual does that) and warnings by code. */
function comparable(rows: SweepRow[]): unknown[] {
  return rows.map((r) => ({ ...r, warnings: r.warnings.map((w) => w.code) }));
}

/** The SQL sweep sums rewards exactly (DECIMAL), the typed arrays in IEEE order: equal to 1e-9. */
function expectClose(sql: SweepRow[], mem: SweepRow[]): void {
  expect(sql.length).toBe(mem.length);
  sql.forEach((s, i) => {
    const m = mem[i]!;
    for (const k of ["meanCorrect", "meanIncorrect", "separation", "informativeGroups", "favouredBreadth"] as const) {
      if (Number.isNaN(m[k])) expect([i, k, s[k]]).toEqual([i, k, NaN]);
      else if (Math.abs(s[k] - m[k]) > 1e-9) expect([i, k, s[k]]).toEqual([i, k, m[k]]);
    }
    expect([i, s.rankChanges, s.groupsIncorrectAbove, s.nCorrect, s.nIncorrect]).toEqual([
      i,
      m.rankChanges,
      m.groupsIncorrectAbove,
      m.nCorrect,
      m.nIncorrect,
    ]);
  });
}

const SETTINGS: RewardConfig[] = [
  rewardConfig({}),
  ...randomSettings(
    rewardConfig({}),
    { c1: [-0.2, 0.6], c2: [0, 0.5], CS: [1, 20], CQ: [1, 30], Bv: [0, 3], floor: [0, 0.9], formatWeight: [0, 0.3] },
    30,
    5,
  ),
  rewardConfig({ Bv: 0 }),
  rewardConfig({ Bv: 3, clipDelta: true }),
  rewardConfig({ countT: "labelled", rhoWhenNoCalls: 0.5 }),
  rewardConfig({ stage: "vanilla", correctWeight: 0.7 }),
];

function expectVerdicts(c: CorpusTallies, trajectories: readonly Trajectory[]): void {
  // order[slot] is the trace-file load's row: verdict and key follow it
  const keyOf = (t: Trajectory) => `${t.provenance.source.file}::${t.id}`;
  for (let s = 0; s < c.n; s++) {
    const t = trajectories[c.order[s]!]!;
    expect([s, c.keys[s]]).toEqual([s, keyOf(t)]);
    expect([s, c.verdict[s]]).toEqual([s, VERDICT_CODES[t.verdict]]);
  }
}

describe("corpusTallies on the bundled traces (every format)", () => {
  let dir: string;
  let corpus: Corpus;
  let trajectories: Trajectory[];
  let heuristic: LabelRow[];
  let truth: LabelRow[];

  beforeAll(async () => {
    dir = join(tmpDir("ctal-"), "c");
    await convertToCorpus([TRACES], dir, {
      label: "heuristic",
      labelSets: [{ name: "truth", path: join(TRACES, "generated") }],
      partCalls: 200,
    });
    corpus = await Corpus.open(dir);
    trajectories = (await loadTrajectories([TRACES])).trajectories;
    heuristic = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
    truth = (await readLabelSet(join(TRACES, "generated"))).rows;
  }, 120_000);
  afterAll(() => corpus?.close());

  it("equals tallyArrays on the trace files, slot for slot, for each label set", async () => {
    expect(corpus.manifest.sources.flatMap((s) => s.parts.trajectories).length).toBeGreaterThan(1);
    let checks = 0;
    for (const [set, rows] of [
      ["heuristic", heuristic],
      ["truth", truth],
    ] as const) {
      const c = await corpusTallies(corpus, { labelSet: set });
      const mem = tallyArrays(trajectories, rows);
      checks += c.checks.length;
      expect(c.groupStart.length - 1).toBeLessThan(c.n); // grouped rollouts are present
      expect(plain(c)).toEqual(plain(mem));
      expectVerdicts(c, trajectories);
      // the comparison can fail: a load missing one trajectory differs
      expect(plain(c)).not.toEqual(plain(tallyArrays(trajectories.slice(1), rows)));
    }
    expect(checks).toBeGreaterThan(0); // per-claim checks (B_v replay) are read
  });

  it("sweeps to the trace-file path's rows exactly, and to the SQL path's within 1e-9", async () => {
    const c = await corpusTallies(corpus, { labelSet: "heuristic", keys: false });
    expect(c.keys).toEqual([]);
    const fromCorpus = sweep(c, SETTINGS);
    const fromFiles = sweep(tallyArrays(trajectories, heuristic), SETTINGS);
    expect(comparable(fromCorpus)).toEqual(comparable(fromFiles));
    expectClose(await corpusSweep(corpus, SETTINGS, { labelSet: "heuristic" }), fromCorpus);
  });

  it("sizes the corpus from its manifest and tells when it fits a memory budget", () => {
    expect(corpusSize(corpus)).toBe(trajectories.length);
    expect(fitsInMemory(1e6, 1e9)).toBe(true);
    expect(fitsInMemory(1e8, 1e9)).toBe(false);
  });
});

describe("corpusTallies on generated grouped corpora (property)", () => {
  it("equals tallyArrays and the SQL sweep for random seeds, group sizes and behaviour", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.integer({ min: 2, max: 6 }),
        async (seed, redundancy, verification, group) => {
          const base = tmpDir("ctgen-");
          await generateTraces(base, {
            format: "verl",
            seed,
            prompts: 5,
            steps: 2,
            groupSize: group,
            redundancy,
            verification,
            truncationRate: 0.1,
          });
          const dir = join(base, "corpus");
          await convertToCorpus([base], dir, { label: "h", partCalls: 40 });
          const c = await Corpus.open(dir);
          try {
            const { trajectories } = await loadTrajectories([base]);
            const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
            const a = await corpusTallies(c);
            const mem = tallyArrays(trajectories, rows);
            expect(plain(a)).toEqual(plain(mem));
            expectVerdicts(a, trajectories);
            const settings = [
              rewardConfig({}),
              ...randomSettings(rewardConfig({}), { c1: [0, 0.6], c2: [0, 0.5], Bv: [0, 3], floor: [0, 0.9] }, 8, seed),
            ];
            const rows1 = sweep(a, settings);
            expect(comparable(rows1)).toEqual(comparable(sweep(mem, settings)));
            expectClose(await corpusSweep(c, settings), rows1);
          } finally {
            c.close();
          }
        },
      ),
      { numRuns: 4, seed: 20261201 },
    );
  }, 120_000);
});
