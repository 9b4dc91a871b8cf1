/**
 * A behaviour policy with its rates as parameters, for validating behaviour pressure: rollouts are
 * sampled call by call, and the sampler returns, beside the generator's `Rollout` (rendered by
 * render.ts like any simulated rollout, every call labelled by construction), the score
 * ∇θ log π(rollout) of the choices it made.
 *
 * The first call is a fresh search (forced). After each call the policy draws its next action from
 * a softmax over the logits θ of the actions available in its state:
 * - `stop`: answer now (when to stop);
 * - `fresh`: a new search (UNIQUESEARCH), `repeat`: the last search again (REDUNDANTSEARCH, same
 *   results) — new vs repeated search;
 * - `explore`: read an unread URL to find (EXPLORATION), `verify`: read an unread URL to check the
 *   claim (VERIFICATION; available after an exploration, for the first `verifyBudget` checks) —
 *   explore vs verify;
 * - `requery`: read the last page again (REDUNDANTQUERY).
 * Reaching `maxCalls` truncates the rollout (no answer, format invalid). Whether the answer is
 * correct is the environment's draw (no parameter of the policy): logistic in the behaviour
 * counts, with the weights of `env`. The score of a choice among the available actions S is
 * 1[j = chosen] − p_j for j in S (0 outside S), the gradient of the softmax's log-probability.
 */
import type { Rng } from "../io/rng.js";
import type { BehaviourLabel } from "../trajectory/schema.js";
import type { Question } from "./question-bank.js";
import type { PlannedCall, Rollout } from "./simulate.js";

export const POLICY_PARAMETERS = ["stop", "fresh", "repeat", "explore", "verify", "requery"] as const;
export type PolicyParameter = (typeof POLICY_PARAMETERS)[number];
/** Logits of the six actions. */
export type BehaviourPolicy = Record<PolicyParameter, number>;

export const DEFAULT_POLICY: Readonly<BehaviourPolicy> = Object.freeze({
  stop: 0,
  fresh: 0.5,
  repeat: -0.5,
  explore: 0.5,
  verify: 0,
  requery: -0.5,
});

export interface PolicyEnvironment {
  /** Calls after which the rollout is cut (truncated, no answer). Default 24. */
  maxCalls: number;
  /** URLs a fresh search returns. Default 3. */
  urlsPerSearch: number;
  /** Checks credited as VERIFICATION (B_v of the labels). Default 1. */
  verifyBudget: number;
  /** Correctness logit: bias and weights per count (capped at `cap`). */
  bias: number;
  unique: number;
  explore: number;
  verify: number;
  redundant: number;
  cap: number;
}

export const DEFAULT_ENVIRONMENT: Readonly<PolicyEnvironment> = Object.freeze({
  maxCalls: 24,
  urlsPerSearch: 3,
  verifyBudget: 1,
  bias: -1.6,
  unique: 0.4,
  explore: 0.7,
  verify: 0.9,
  redundant: -0.25,
  cap: 3,
});

/** A sampled rollout, its score ∇θ log π (in POLICY_PARAMETERS order) and its claim checks. */
export interface SampledBehaviour {
  rollout: Rollout;
  score: Float64Array;
  /** Checks (verify-intent reads of new URLs) of the rollout's one claim. */
  checks: number;
  /** REDUNDANTQUERY reads that are not checks (a URL read again). */
  rereads: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Sample one rollout of `question` from the policy. Deterministic in (question, θ, env, rng state). */
export function sampleBehaviour(
  question: Question,
  sample: number,
  theta: BehaviourPolicy,
  env: PolicyEnvironment,
  rng: Rng,
): SampledBehaviour {
  const score = new Float64Array(POLICY_PARAMETERS.length);
  const logits = POLICY_PARAMETERS.map((p) => theta[p]);
  const weights = new Float64Array(POLICY_PARAMETERS.length);
  /** Draw one of the available actions (softmax over their logits) and add its score. */
  const choose = (available: readonly boolean[]): number => {
    let max = -Infinity;
    for (let k = 0; k < logits.length; k++) if (available[k] && logits[k]! > max) max = logits[k]!;
    let z = 0;
    for (let k = 0; k < logits.length; k++) z += weights[k] = available[k] ? Math.exp(logits[k]! - max) : 0;
    let u = rng.next() * z;
    let pick = -1;
    for (let k = 0; k < logits.length; k++) {
      if (!available[k]) continue;
      pick = k;
      if ((u -= weights[k]!) < 0) break;
    }
    for (let k = 0; k < logits.length; k++) score[k]! += (k === pick ? 1 : 0) - weights[k]! / z;
    return pick;
  };
  const calls: PlannedCall[] = [];
  const add = (name: PlannedCall["name"], args: PlannedCall["arguments"], label: BehaviourLabel, result: string) =>
    calls.push({ name, arguments: args, label, result, failed: false, claim: 0 });
  const topic = question.question.split(/\s+/).slice(0, 4).join(" ");
  const found: string[] = [];
  let nRead = 0; // URLs are read in the order found: found[0, nRead) are read
  let last: { query: string; urls: string[] } | null = null;
  let nUniq = 0;
  let nExplore = 0;
  let checks = 0;
  let rereads = 0;
  let redundant = 0;
  let stopped = false;
  const fresh = () => {
    const query = `${topic} aspect ${++nUniq}`;
    const urls = Array.from(
      { length: env.urlsPerSearch },
      (_, i) => `https://example.org/${question.id}/${nUniq}-${i}`,
    );
    found.push(...urls);
    last = { query, urls };
    add("search_urls", { query, top_k: 10 }, "UNIQUESEARCH", urls.map((u) => `**URL**: ${u}`).join("\n\n"));
  };
  fresh(); // the first call: forced, no choice
  while (calls.length < env.maxCalls) {
    const unread = nRead < found.length ? found[nRead] : undefined;
    const available = [
      true,
      true,
      true,
      unread !== undefined,
      unread !== undefined && nExplore > 0 && checks < env.verifyBudget,
      nRead > 0,
    ];
    const a = POLICY_PARAMETERS[choose(available)]!;
    if (a === "stop") {
      stopped = true;
      break;
    }
    if (a === "fresh") fresh();
    else if (a === "repeat") {
      redundant++;
      const prev = last!;
      add(
        "search_urls",
        { query: `about ${prev.query}`, top_k: 10 },
        "REDUNDANTSEARCH",
        prev.urls.map((u) => `**URL**: ${u}`).join("\n\n"),
      );
    } else if (a === "explore") {
      nRead++;
      nExplore++;
      add("query_url", { url: unread!, goal: `Find ${topic}` }, "EXPLORATION", `The page ${unread} covers ${topic}.`);
    } else if (a === "verify") {
      nRead++;
      checks++;
      add("query_url", { url: unread!, goal: `Verify ${topic}` }, "VERIFICATION", `Confirms ${topic}.`);
    } else {
      redundant++;
      rereads++;
      const again = found[nRead - 1]!;
      add("query_url", { url: again, goal: `Find ${topic}` }, "REDUNDANTQUERY", `The page ${again} again.`);
    }
  }
  const truncated = !stopped;
  const cap = (x: number) => Math.min(x, env.cap);
  const verified = Math.min(checks, env.verifyBudget);
  const logit =
    env.bias +
    env.unique * cap(nUniq) +
    env.explore * cap(nExplore) +
    env.verify * cap(verified) +
    env.redundant * redundant;
  const correct = rng.next() < sigmoid(logit) && !truncated;
  const rollout: Rollout = {
    question,
    sample,
    turns: calls.map((c) => ({ reasoning: `Next: ${c.label.toLowerCase()}.`, calls: [c] })),
    finalReasoning: truncated ? "" : "Putting the sources together.",
    answer: truncated ? null : correct ? question.answer : `not ${question.answer}`,
    correct,
    truncated,
    cutTurn: truncated ? "I will check one more source." : null,
  };
  return { rollout, score, checks, rereads };
}
