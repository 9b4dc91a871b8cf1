/**
 * Shared fixtures of the corpus tests (corpus.test.ts, corpus-tallies.test.ts): the bundled traces
 * as a corpus beside their trace-file load, generated grouped corpora for property tests, the sweep
 * settings they replay, and the comparison of a SQL sweep with a typed-array one.
 */
import { join } from "node:path";
import fc from "fast-check";
import { expect } from "vitest";
import {
  convertToCorpus,
  Corpus,
  generateTraces,
  HeuristicLabeller,
  loadTrajectories,
  readLabelSet,
  rewardConfig,
  runLabeller,
  type LabelRow,
  type RewardConfig,
  type SweepRow,
  type Trajectory,
} from "../../lib/index.js";
import { baseAndRandom, ROOT, tmpDir, WIDE_KNOB_RANGES } from "../helpers.js";

export const TRACES = join(ROOT, "traces");

/** The paper's setting, `n` random ones over the wide ranges, then B_v 0 and 3, clipped Δ, labelled T, vanilla. */
export function corpusSweepSettings(n: number, seed: number): RewardConfig[] {
  return [
    ...baseAndRandom(WIDE_KNOB_RANGES, n, seed),
    rewardConfig({ Bv: 0 }),
    rewardConfig({ Bv: 3, clipDelta: true }),
    rewardConfig({ countT: "labelled", rhoWhenNoCalls: 0.5 }),
    rewardConfig({ stage: "vanilla", correctWeight: 0.7 }),
  ];
}

export interface BundledCorpus {
  corpus: Corpus;
  trajectories: Trajectory[];
  /** The deterministic labeller's rows (label set "heuristic", made while converting). */
  heuristic: LabelRow[];
  /** The generated traces' own labels (label set "truth"). */
  truth: LabelRow[];
}

/** Every bundled trace converted to a corpus (label sets "heuristic", "truth") and opened, with the trace-file load. */
export async function bundledCorpus(prefix: string, partCalls?: number): Promise<BundledCorpus> {
  const dir = join(tmpDir(prefix), "c");
  await convertToCorpus([TRACES], dir, {
    label: "heuristic",
    labelSets: [{ name: "truth", path: join(TRACES, "generated") }],
    ...(partCalls ? { partCalls } : {}),
  });
  const corpus = await Corpus.open(dir);
  const trajectories = (await loadTrajectories([TRACES])).trajectories;
  const heuristic = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
  const truth = (await readLabelSet(join(TRACES, "generated"))).rows;
  return { corpus, trajectories, heuristic, truth };
}

export interface GeneratedCorpus {
  seed: number;
  corpus: Corpus;
  trajectories: Trajectory[];
  /** The deterministic labeller's rows on the trace files (label set "h" in the corpus). */
  rows: LabelRow[];
}

/**
 * Property over generated grouped verl corpora (two steps, 10 % truncated, `prompts` prompts) for
 * random generator seeds, redundancy, verification and group sizes: each converted (label set "h",
 * `partCalls` calls a part), opened, loaded from its trace files and labelled, then `check`ed.
 */
export function generatedCorpusProperty(
  shape: { prefix: string; prompts: number; partCalls: number },
  params: { numRuns: number; seed: number },
  check: (g: GeneratedCorpus) => Promise<void>,
): Promise<void> {
  return fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 10_000 }),
      fc.double({ min: 0, max: 0.4, noNaN: true }),
      fc.double({ min: 0.5, max: 3, noNaN: true }),
      fc.integer({ min: 2, max: 6 }),
      async (seed, redundancy, verification, group) => {
        const base = tmpDir(shape.prefix);
        await generateTraces(base, {
          format: "verl",
          seed,
          prompts: shape.prompts,
          steps: 2,
          groupSize: group,
          redundancy,
          verification,
          truncationRate: 0.1,
        });
        const dir = join(base, "corpus");
        await convertToCorpus([base], dir, { label: "h", partCalls: shape.partCalls });
        const corpus = await Corpus.open(dir);
        try {
          const { trajectories } = await loadTrajectories([base]);
          const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
          await check({ seed, corpus, trajectories, rows });
        } finally {
          corpus.close();
        }
      },
    ),
    params,
  );
}

/**
 * A SQL sweep against the typed-array sweep of the same rollouts: means, separation, informative groups
 * and favoured behaviours within 1e-9 (the SQL sums exactly in DECIMAL, the arrays in IEEE order; NaN
 * only where NaN), counts, rank changes and warning codes equal.
 */
export function expectSweepEqual(sql: SweepRow[], mem: SweepRow[]): void {
  expect(sql.length).toBe(mem.length);
  sql.forEach((s, i) => {
    const m = mem[i]!;
    for (const k of [
      "meanCorrect",
      "meanIncorrect",
      "separation",
      "informativeGroups",
      "favouredBreadth",
      "favouredDepth",
      "favouredHorizon",
    ] as const) {
      if (Number.isNaN(m[k])) expect([i, k, s[k]]).toEqual([i, k, NaN]);
      else if (Math.abs(s[k] - m[k]) > 1e-9) expect([i, k, s[k]]).toEqual([i, k, m[k]]);
    }
    expect([i, s.nCorrect, s.nIncorrect, s.rankChanges, s.groupsIncorrectAbove]).toEqual([
      i,
      m.nCorrect,
      m.nIncorrect,
      m.rankChanges,
      m.groupsIncorrectAbove,
    ]);
    expect([i, s.warnings.map((w) => w.code)]).toEqual([i, m.warnings.map((w) => w.code)]);
  });
}
