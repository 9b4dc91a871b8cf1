/**
 * Validation of behaviour pressure against the GRPO policy gradient (docs/pressure.md): a policy
 * whose behaviour rates are its parameters (lib/generate/behaviour-policy.ts) is trained for K steps
 * under ≥ 20 reward settings; pressure at step k must predict the sign of the change of each
 * behaviour's mean from step k to k+1 in ≥ 90 % of the cases where its interval excludes 0. The
 * update is the score-function gradient of the sampled choices, never the pressure number.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../../lib/io/rng.js";
import { sampleBehaviour, DEFAULT_ENVIRONMENT, DEFAULT_POLICY } from "../../lib/generate/behaviour-policy.js";
import { loadQuestionBank } from "../../lib/generate/question-bank.js";
import { verlRow } from "../../lib/generate/render.js";
import { sampledTallyArrays, policyGradient } from "../../lib/reward/behaviour-training.js";
import {
  behaviourPressure,
  DEFAULT_REWARD,
  loadTrajectories,
  randomSettings,
  replayRewards,
  rewardConfig,
  tallyArrays,
  trainBehaviourPolicy,
  validatePressure,
  type LabelRow,
} from "../../lib/index.js";
import { tmpDir } from "../helpers.js";

const QUESTIONS = [...loadQuestionBank().values()].flat();

/** The validation's settings: the default, Eq. 4 and 20 random draws over the knobs. */
export function validationSettings() {
  const ranges = { c1: [0, 1], c2: [0, 1], CS: [2, 12], CQ: [2, 20], floor: [0, 0.9], formatWeight: [0, 0.5] } as const;
  return [DEFAULT_REWARD, rewardConfig({ stage: "vanilla" }), ...randomSettings(DEFAULT_REWARD, ranges, 20, 3)];
}

describe("the behaviour-policy simulator", () => {
  it("samples rollouts the generator renders and the verl reader reads back with the same tallies", async () => {
    const rng = new Rng(5);
    const G = 6;
    const samples = Array.from({ length: 10 * G }, (_, i) =>
      sampleBehaviour(QUESTIONS[Math.floor(i / G)]!, i % G, DEFAULT_POLICY, DEFAULT_ENVIRONMENT, rng),
    );
    const dir = tmpDir("pressure-sim-");
    const file = join(dir, "1.jsonl");
    writeFileSync(
      file,
      samples.map((s, i) => JSON.stringify(verlRow(s.rollout, 1, `q${Math.floor(i / G)}`))).join("\n") + "\n",
    );
    const { trajectories } = await loadTrajectories([file]);
    expect(trajectories).toHaveLength(samples.length);
    // the true labels, with the claim data the sampler knows (one claim, checks = verify reads)
    const labels: LabelRow[] = trajectories.flatMap((t, i) =>
      samples[i]!.rollout.turns.flatMap((turn) => turn.calls).map((c, k) => ({
        source: t.provenance.source,
        trajectoryId: t.id,
        callIndex: k,
        tool: c.name,
        role: c.name === "search_urls" ? ("search" as const) : ("page" as const),
        label: c.label,
        utility: null,
        ...(c.name === "query_url" ? { claim: 0, check: c.label === "VERIFICATION" } : {}),
      })),
    );
    const read = tallyArrays(trajectories, labels);
    const direct = sampledTallyArrays(samples, G, DEFAULT_ENVIRONMENT.verifyBudget);
    for (const k of [
      "T",
      "nUniqS",
      "nRedS",
      "nExplore",
      "nVerify",
      "nRedQ",
      "nRedQFixed",
      "correct",
      "formatOk",
      "groupStart",
    ] as const)
      expect(Array.from(read[k]), k).toEqual(Array.from(direct[k]));
    for (const cfg of [DEFAULT_REWARD, rewardConfig({ Bv: 0 }), rewardConfig({ Bv: 2, c2: 0.6 })]) {
      expect(Array.from(replayRewards(read, cfg))).toEqual(Array.from(replayRewards(direct, cfg)));
      expect(behaviourPressure(read, cfg).pressure).toEqual(behaviourPressure(direct, cfg).pressure);
    }
  });

  it("records the score of its choices: the mean score is ≈ 0 (E[∇ log π] = 0)", () => {
    const rng = new Rng(9);
    const n = 4000;
    const sum = new Float64Array(6);
    for (let i = 0; i < n; i++) {
      const s = sampleBehaviour(QUESTIONS[i % QUESTIONS.length]!, 0, DEFAULT_POLICY, DEFAULT_ENVIRONMENT, rng);
      s.score.forEach((x, k) => (sum[k]! += x));
    }
    for (const x of sum) expect(Math.abs(x / n)).toBeLessThan(0.05);
  });

  it("moves θ along the policy gradient: zero advantage (equal rewards) moves nothing", () => {
    const rng = new Rng(2);
    const samples = Array.from({ length: 16 }, (_, i) =>
      sampleBehaviour(QUESTIONS[i >> 2]!, i & 3, DEFAULT_POLICY, DEFAULT_ENVIRONMENT, rng),
    );
    const a = sampledTallyArrays(samples, 4, 1);
    expect(Array.from(policyGradient(samples, a, new Float64Array(16).fill(0.3)))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(policyGradient(samples, a, replayRewards(a, DEFAULT_REWARD))).some((x) => x !== 0)).toBe(true);
  });
});

describe("pressure predicts the direction GRPO moves each behaviour", () => {
  it("in ≥ 90 % of the clear cases over 22 settings × 4 steps", () => {
    const settings = validationSettings();
    const r = validatePressure(settings, QUESTIONS, { measureRollouts: 1200 });
    const by = new Map<string, [number, number]>();
    for (const c of r.cases) {
      const b = by.get(c.measure) ?? [0, 0];
      b[0] += c.agrees ? 1 : 0;
      b[1]++;
      by.set(c.measure, b);
    }
    const line = [...by].map(([m, [a, n]]) => `${m} ${a}/${n}`).join(", ");
    process.stdout.write(
      `pressure validation: ${settings.length} settings, ${r.cases.length} clear cases (${r.unclear} unclear), agreement ${(100 * r.agreement).toFixed(1)} % — ${line}\n`,
    );
    expect(settings.length).toBeGreaterThanOrEqual(20);
    expect(r.cases.length).toBeGreaterThan(300);
    expect(r.agreement).toBeGreaterThanOrEqual(0.9);
  }, 180_000);

  it("is deterministic: the same training twice gives the same steps", () => {
    const a = trainBehaviourPolicy(DEFAULT_REWARD, QUESTIONS, { steps: 1, measureRollouts: 200 });
    const b = trainBehaviourPolicy(DEFAULT_REWARD, QUESTIONS, { steps: 1, measureRollouts: 200 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
