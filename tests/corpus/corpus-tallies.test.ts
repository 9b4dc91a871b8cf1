/**
 * The typed-array corpus path (`corpusTallies`) against the trace-file path (`tallyArrays` on the
 * files the corpus came from) and the SQL path (`corpusSweep`): the same arrays, slot for slot,
 * hence the same sweep rows to the bit; on the bundled traces (every format, two label sets) and
 * on generated grouped corpora (property).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Corpus,
  corpusSize,
  corpusSweep,
  corpusTallies,
  fitsInMemory,
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
import { baseAndRandom } from "../helpers.js";
import { bundledCorpus, corpusSweepSettings, expectSweepEqual, generatedCorpusProperty } from "./corpus-fixtures.js";

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

const SETTINGS: RewardConfig[] = corpusSweepSettings(30, 5);

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
  let corpus: Corpus;
  let trajectories: Trajectory[];
  let heuristic: LabelRow[];
  let truth: LabelRow[];

  beforeAll(async () => {
    ({ corpus, trajectories, heuristic, truth } = await bundledCorpus("ctal-", 200));
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
    expectSweepEqual(await corpusSweep(corpus, SETTINGS, { labelSet: "heuristic" }), fromCorpus);
  });

  it("sizes the corpus from its manifest and tells when it fits a memory budget", () => {
    expect(corpusSize(corpus)).toBe(trajectories.length);
    expect(fitsInMemory(1e6, 1e9)).toBe(true);
    expect(fitsInMemory(1e8, 1e9)).toBe(false);
  });
});

describe("corpusTallies on generated grouped corpora (property)", () => {
  it("equals tallyArrays and the SQL sweep for random seeds, group sizes and behaviour", async () => {
    await generatedCorpusProperty(
      { prefix: "ctgen-", prompts: 5, partCalls: 40 },
      { numRuns: 4, seed: 20261201 },
      async ({ seed, corpus: c, trajectories, rows }) => {
        const a = await corpusTallies(c);
        const mem = tallyArrays(trajectories, rows);
        expect(plain(a)).toEqual(plain(mem));
        expectVerdicts(a, trajectories);
        const settings = baseAndRandom({ c1: [0, 0.6], c2: [0, 0.5], Bv: [0, 3], floor: [0, 0.9] }, 8, seed);
        const rows1 = sweep(a, settings);
        expect(comparable(rows1)).toEqual(comparable(sweep(mem, settings)));
        expectSweepEqual(await corpusSweep(c, settings), rows1);
      },
    );
  }, 120_000);
});
