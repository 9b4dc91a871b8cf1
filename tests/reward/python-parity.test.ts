/**
 * Parity is the contract (issue 11): the Python labeller and reward inside the exported verl
 * module give the TypeScript labels call for call and the same reward (to 1e-12) on
 * - ≥ 10⁴ generated verl rollouts (every generator knob varied, several seeds),
 * - seeded fuzz rollouts reaching the reader's and labeller's corners (fuzz-rollouts.ts),
 * - every rollout the verl reader reads in ../shared/data/harness/verl, and every rollout the
 *   ReCall reader reads in ../shared/data/harness/recall-train (train_{step}.jsonl, the special
 *   tokens kept: handed to Python as verl decodes the response, without them).
 * Python runs once per batch (one subprocess over a JSONL file).
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  exportVerl,
  generateTraces,
  loadTrajectories,
  rewardConfig,
  type RewardConfig,
  type Trajectory,
} from "../../lib/index.js";
import { SHARED_DATA, tmpDir } from "../helpers.js";
import { fuzzOutput } from "./fuzz-rollouts.js";
import { hasPython, jsonl, mismatches, reference, runPython, type PyCase } from "./python-reward.js";

const PY = hasPython();
const VERL_DIR = join(SHARED_DATA, "harness", "verl");
const HARNESS = existsSync(VERL_DIR);
const RECALL_DIR = join(SHARED_DATA, "harness", "recall-train");
const RECALL = existsSync(RECALL_DIR);
if (!PY) console.log("python-parity: skipped, python3 >= 3.9 is not on PATH");
for (const [have, d] of [
  [HARNESS, VERL_DIR],
  [RECALL, RECALL_DIR],
] as const)
  if (!have)
    console.log(`python-parity: harness dumps skipped, ${d} is absent (../shared/data sits beside the repository)`);

const CONFIGS: RewardConfig[] = [
  rewardConfig({}),
  rewardConfig({ c1: 0.3, c2: 0.1, CS: 5, CQ: 9 }),
  rewardConfig({ Bv: 2, clipDelta: true }),
  rewardConfig({ Bv: 0, countT: "labelled", rhoWhenNoCalls: 0.5, floor: 0.2 }),
  rewardConfig({ stage: "vanilla", formatWeight: 0.2, correctWeight: 0.8 }),
];

/** Loads `rows` through the TypeScript verl reader and checks Python against TypeScript for every row read. */
async function checkRows(dir: string, name: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<number> {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const { trajectories } = await loadTrajectories([file], { format: "verl" });
  return checkTrajectories(dir, trajectories, (t) => verlCase(rows[t.provenance.source.line - 1]!));
}

/** A verl dump row as the naive reward manager hands it over (its verdict columns in extra_info). */
function verlCase(row: Record<string, unknown>): PyCase {
  const info: Record<string, unknown> = {};
  for (const v of ["acc", "correct", "is_correct"]) if (v in row) info[v] = row[v];
  return { solution: String(row.output), gt: row.gts, extra_info: info };
}

const SPECIAL_TOKENS = /<\|im_start\|>|<\|im_end\|>/g;

/**
 * A ReCall `train_{step}.jsonl` row as verl hands the rollout to the reward: `sequences_str` keeps
 * the special tokens; verl decodes the response without them (`skip_special_tokens`), after the
 * prompt and the assistant header. The verdict is ReCall's own (`score` 1 is a full match).
 */
function recallCase(row: Record<string, unknown>): PyCase {
  const text = String(row.sequences_str);
  const at = text.indexOf("<|im_start|>assistant\n");
  const prompt = text.slice(0, at).replace(SPECIAL_TOKENS, "");
  const solution = text.slice(at + "<|im_start|>assistant\n".length).replace(SPECIAL_TOKENS, "");
  return {
    solution,
    gt: row.ground_truth,
    extra_info: { prompt: prompt + "assistant\n", correct: Number(row.score) >= 1 },
  };
}

async function checkTrajectories(
  dir: string,
  ts: readonly Trajectory[],
  caseOf: (t: Trajectory) => PyCase,
): Promise<number> {
  const what: string[] = [];
  const cases: PyCase[] = [];
  const want = [];
  let k = 0;
  for (const t of ts) {
    const cfg = CONFIGS[k++ % CONFIGS.length]!;
    cases.push({ ...caseOf(t), kwargs: cfg });
    want.push(reference(t, cfg));
    what.push(`${t.provenance.source.file}:${t.provenance.source.line}`);
  }
  const got = runPython(dir, cases);
  const bad = mismatches(what, want, got);
  expect(bad.slice(0, 10), `${bad.length} mismatches`).toEqual([]);
  return ts.length;
}

describe.skipIf(!PY)("Python labeller and reward = TypeScript", () => {
  it("on ≥ 10,000 generated verl rollouts, every knob varied, several seeds", async () => {
    const dir = tmpDir("parity-");
    await exportVerl(rewardConfig({}), dir);
    const knobSets = [
      { seed: 1 },
      { seed: 2, breadth: 3, redundancy: 0.4 },
      { seed: 3, verification: 3, verifyBudget: 2 },
      { seed: 4, horizon: 8, accuracy: 0.9 },
      { seed: 5, parallel: 0.8, failureRate: 0.2 },
      { seed: 6, truncationRate: 0.3, redundancy: 0.05, breadth: 0.5 },
      { seed: 7, verification: 0, parallel: 0, horizon: 64 },
      { seed: 8, accuracy: 0.1, redundancy: 0.6, verification: 2, verifyBudget: 0 },
    ];
    let n = 0;
    for (const [i, knobs] of knobSets.entries()) {
      const files = await generateTraces(join(dir, `gen-${i}`), {
        format: "verl",
        prompts: 50,
        groupSize: 5,
        steps: 5,
        labels: false,
        ...knobs,
      });
      const rows = files.flatMap((f) => jsonl(f.path));
      n += await checkRows(dir, `gen-${i}`, rows);
    }
    expect(n).toBeGreaterThanOrEqual(10_000);
  }, 600_000);

  it("on seeded fuzz rollouts (batched queries, malformed calls, odd URLs and text, ReCall / Search-R1 / R1-Searcher tags)", async () => {
    const dir = tmpDir("parity-");
    await exportVerl(rewardConfig({}), dir);
    const seeds = fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { numRuns: 3000, seed: 11 });
    const rows = seeds.map((s, i) => {
      const f = fuzzOutput(s);
      return {
        input: "user\nq\nassistant\n",
        output: f.output,
        gts: [f.answer],
        score: 0,
        step: 1 + (i % 3),
        acc: i % 3 === 0 ? 1 : 0,
      };
    });
    const n = await checkRows(dir, "fuzz", rows);
    expect(n).toBe(rows.length);
  }, 300_000);

  it.skipIf(!HARNESS)("on every rollout the verl reader reads in ../shared/data/harness/verl", async () => {
    const dir = tmpDir("parity-");
    await exportVerl(rewardConfig({}), dir);
    const files = readdirSync(VERL_DIR)
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => join(VERL_DIR, f));
    const { trajectories } = await loadTrajectories(files, { format: "verl" });
    const rows = new Map(files.map((f) => [f, jsonl(f)]));
    const n = await checkTrajectories(dir, trajectories, (t) =>
      verlCase(rows.get(t.provenance.source.file)![t.provenance.source.line - 1]!),
    );
    expect(n).toBe(120);
  });

  it.skipIf(!RECALL)("on every rollout the ReCall reader reads in ../shared/data/harness/recall-train", async () => {
    const dir = tmpDir("parity-");
    await exportVerl(rewardConfig({}), dir);
    const files = readdirSync(RECALL_DIR)
      .filter((f) => /^train_\d+\.jsonl$/.test(f))
      .map((f) => join(RECALL_DIR, f));
    const { trajectories } = await loadTrajectories(files, { format: "recall-train" });
    const rows = new Map(files.map((f) => [f, jsonl(f)]));
    const n = await checkTrajectories(dir, trajectories, (t) =>
      recallCase(rows.get(t.provenance.source.file)![t.provenance.source.line - 1]!),
    );
    expect(n).toBe(120);
    expect(trajectories.reduce((c, t) => c + t.calls.length, 0)).toBeGreaterThan(500);
  });
});
