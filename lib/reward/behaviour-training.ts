/**
 * GRPO training of the behaviour policy (lib/generate/behaviour-policy.ts) under a reward setting,
 * the ground truth behaviour pressure is validated against. Each step samples a batch of groups
 * at θ_k, replays their rewards under the setting (the reward kernel), takes GRPO advantages per
 * group (`grpoAdvantages`) and moves θ along the score-function policy gradient
 *
 *   θ_{k+1} = θ_k + η · (1 / #groups) Σ_groups (1/G) Σ_i Â_i ∇θ log π(rollout_i),
 *
 * computed from the scores the sampler recorded: nothing of the pressure number enters the update.
 * The behaviour means of every step are measured on a separate, larger sample drawn with the same
 * seed at every step (common random numbers), so the change from step k to k+1 is the policy's,
 * not sampling noise. The pressure of step k is computed from the training batch of step k.
 */
import { Rng } from "../io/rng.js";
import type { Question } from "../generate/question-bank.js";
import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_POLICY,
  POLICY_PARAMETERS,
  sampleBehaviour,
  type BehaviourPolicy,
  type PolicyEnvironment,
  type SampledBehaviour,
} from "../generate/behaviour-policy.js";
import { BEHAVIOUR_MEASURES, behaviourColumns, type BehaviourMeasure } from "../metrics/behaviour-columns.js";
import { emptyTallyArrays, type TallyArrays } from "../metrics/tally-arrays.js";
import { grpoAdvantages } from "./grpo.js";
import { behaviourPressure, clearPush, type PressureOptionsInput, type SettingPressure } from "./pressure.js";
import type { RewardConfig } from "./reward-config.js";
import { replayRewards } from "./replay.js";

export interface BehaviourTrainingOptions {
  /** Update steps K (4). */
  steps?: number;
  /** Groups (prompts) per batch (48) and rollouts per group (8). */
  groups?: number;
  groupSize?: number;
  /** Learning rate η (1). */
  learningRate?: number;
  /** Rollouts of the measuring sample at every step (3000). */
  measureRollouts?: number;
  /** Seed of the batches (1). */
  seed?: number;
  policy?: Partial<BehaviourPolicy>;
  environment?: Partial<PolicyEnvironment>;
  /** Pressure options (bootstrap resamples, level, GRPO / RAPO). */
  pressure?: PressureOptionsInput;
}

export interface TrainingStep {
  step: number;
  policy: BehaviourPolicy;
  /** Pressure of the setting on this step's training batch. */
  pressure: SettingPressure;
  /** Behaviour means at this step's policy (measuring sample). */
  means: Partial<Record<BehaviourMeasure, number>>;
}

/** Tally arrays of sampled rollouts (labels by construction, one claim each), grouped as sampled. */
export function sampledTallyArrays(
  samples: readonly SampledBehaviour[],
  groupSize: number,
  verifyBudget: number,
): TallyArrays {
  const n = samples.length;
  const a: TallyArrays = {
    ...emptyTallyArrays(n, verifyBudget),
    keys: samples.map((s, i) => `${s.rollout.question.id}#${i}`),
    checks: new Int32Array(n),
    groupStart: Int32Array.from({ length: Math.ceil(n / groupSize) + 1 }, (_, g) => Math.min(g * groupSize, n)),
    groupIds: Array.from({ length: Math.ceil(n / groupSize) }, (_, g) => `g${g}`),
  };
  a.hasClaims.fill(1);
  samples.forEach((s, i) => {
    for (const t of s.rollout.turns)
      for (const c of t.calls) {
        a.T[i]!++;
        a.labelled[i]!++;
        if (c.label === "UNIQUESEARCH") a.nUniqS[i]!++;
        else if (c.label === "REDUNDANTSEARCH") a.nRedS[i]!++;
        else if (c.label === "EXPLORATION") a.nExplore[i]!++;
        else if (c.label === "VERIFICATION") a.nVerify[i]!++;
        else a.nRedQ[i]!++;
      }
    a.nRedQFixed[i] = s.rereads;
    a.checkStart[i] = i;
    a.checks[i] = s.checks;
    a.correct[i] = s.rollout.correct ? 1 : 0;
    a.formatOk[i] = s.rollout.truncated ? 0 : 1;
  });
  a.checkStart[n] = n;
  return a;
}

function batch(
  qs: readonly Question[],
  theta: BehaviourPolicy,
  env: PolicyEnvironment,
  groups: number,
  G: number,
  rng: Rng,
) {
  const out: SampledBehaviour[] = [];
  for (let g = 0; g < groups; g++) {
    const q = qs[g % qs.length]!;
    for (let s = 0; s < G; s++) out.push(sampleBehaviour(q, s, theta, env, rng));
  }
  return out;
}

function means(a: TallyArrays): Partial<Record<BehaviourMeasure, number>> {
  const cols = behaviourColumns(a);
  const out: Partial<Record<BehaviourMeasure, number>> = {};
  for (const m of BEHAVIOUR_MEASURES) {
    const c = cols[m];
    if (c) out[m] = c.reduce((s, x) => s + x, 0) / c.length;
  }
  return out;
}

/** The GRPO policy gradient of a batch: (1/#groups) Σ_g (1/G) Σ_i Â_i · score_i. */
export function policyGradient(
  samples: readonly SampledBehaviour[],
  a: TallyArrays,
  rewards: Float64Array,
): Float64Array {
  const grad = new Float64Array(POLICY_PARAMETERS.length);
  const nG = a.groupStart.length - 1;
  for (let g = 0; g < nG; g++) {
    const from = a.groupStart[g]!;
    const to = a.groupStart[g + 1]!;
    const { advantages } = grpoAdvantages(Array.from(rewards.subarray(from, to)));
    for (let i = from; i < to; i++) {
      const s = samples[i]!.score;
      for (let k = 0; k < grad.length; k++) grad[k]! += (advantages[i - from]! * s[k]!) / (to - from) / nG;
    }
  }
  return grad;
}

/** Train the behaviour policy for K steps under `cfg`: pressure and behaviour means at every step 0…K. */
export function trainBehaviourPolicy(
  cfg: RewardConfig,
  questions: readonly Question[],
  opts: BehaviourTrainingOptions = {},
): TrainingStep[] {
  const K = opts.steps ?? 4;
  const groups = opts.groups ?? 48;
  const G = opts.groupSize ?? 8;
  const eta = opts.learningRate ?? 1;
  const M = opts.measureRollouts ?? 3000;
  const env: PolicyEnvironment = { ...DEFAULT_ENVIRONMENT, ...opts.environment };
  let theta: BehaviourPolicy = { ...DEFAULT_POLICY, ...opts.policy };
  const rng = new Rng((opts.seed ?? 1) * 7919 + 17);
  const measure = (th: BehaviourPolicy) =>
    means(sampledTallyArrays(batch(questions, th, env, M, 1, new Rng(0x5eed)), 1, env.verifyBudget));
  const out: TrainingStep[] = [];
  for (let k = 0; k <= K; k++) {
    const samples = batch(questions, theta, env, groups, G, rng);
    const a = sampledTallyArrays(samples, G, env.verifyBudget);
    out.push({ step: k, policy: theta, pressure: behaviourPressure(a, cfg, opts.pressure), means: measure(theta) });
    const grad = policyGradient(samples, a, replayRewards(a, cfg));
    const next = { ...theta };
    POLICY_PARAMETERS.forEach((p, j) => (next[p] = theta[p] + eta * grad[j]!));
    theta = next;
  }
  return out;
}

/** One case of the validation: a clear push at step k and the change of the mean to step k+1. */
export interface PressureCase {
  setting: number;
  step: number;
  measure: BehaviourMeasure;
  pressure: number;
  change: number;
  agrees: boolean;
}

/**
 * The validation: train under every setting; for each step k < K and measure whose pressure
 * interval excludes 0, whether the sign of the pressure is the sign of the change of the mean.
 */
export function validatePressure(
  settings: readonly RewardConfig[],
  questions: readonly Question[],
  opts: BehaviourTrainingOptions = {},
): { cases: PressureCase[]; agreement: number; unclear: number } {
  const cases: PressureCase[] = [];
  let unclear = 0;
  settings.forEach((cfg, si) => {
    const steps = trainBehaviourPolicy(cfg, questions, opts);
    for (let k = 0; k + 1 < steps.length; k++) {
      for (const [m, iv] of Object.entries(steps[k]!.pressure.pressure) as Array<
        [BehaviourMeasure, { value: number; lo: number; hi: number }]
      >) {
        if (!clearPush(iv)) {
          unclear++;
          continue;
        }
        const change = steps[k + 1]!.means[m]! - steps[k]!.means[m]!;
        cases.push({
          setting: si,
          step: k,
          measure: m,
          pressure: iv.value,
          change,
          agrees: Math.sign(change) === Math.sign(iv.value),
        });
      }
    }
  });
  const agreement = cases.length ? cases.filter((c) => c.agrees).length / cases.length : NaN;
  return { cases, agreement, unclear };
}
