/**
 * The deterministic labeller split in two for calibration: the similarity features of every call
 * (which do not depend on any threshold) computed once per trajectory, then labels for any options
 * by comparisons alone. `labelsFromFeatures(heuristicFeatures(t), o)` gives the labels of
 * `new HeuristicLabeller(o).label(t)` for every option in `FEATURE_OPTIONS` (a property test
 * checks the two agree); calibration uses it to search thresholds without re-reading any text,
 * and labels with the real labeller whatever it reports.
 *
 * What is kept per call:
 * - search: per query, the token and trigram Jaccard of the closest earlier query (the one with
 *   the highest of the two, first on ties, as the labeller picks it), the number of distinct
 *   result keys and the share of them already seen;
 * - page: whether the goal has content tokens, its overlap coefficient with the goal of every
 *   earlier page call (claims are opened by page calls, so a claim's tokens are its opener's), and
 *   the canonical targets.
 */
import type { BehaviourLabel, Trajectory } from "../trajectory/schema.js";
import { canonicalUrl } from "./canonical-url.js";
import {
  GOAL_VERBS,
  HEURISTIC_VERSION,
  perQueryResults,
  resultKey,
  type HeuristicOptions,
} from "./heuristic-labeller.js";
import { contentTokens, jaccard, normaliseText, overlapCoefficient, trigrams } from "./text-similarity.js";

/** The rules version these features were checked against: another version means they may be stale. */
export const FEATURES_VERSION: string = "1.0.0";

/** Whether the features reproduce the current labeller's rules (same rules version). */
export const FEATURES_CURRENT = FEATURES_VERSION === HEURISTIC_VERSION;

/** The options `labelsFromFeatures` honours; any other option needs the real labeller. */
export const FEATURE_OPTIONS: ReadonlySet<keyof HeuristicOptions> = new Set<keyof HeuristicOptions>([
  "tokenThreshold",
  "charThreshold",
  "resultOverlap",
  "minResultsForOverlap",
  "batchSummary",
  "goalThreshold",
  "verifyBudget",
  "sameUrlNewGoal",
]);

interface QueryFeature {
  /** An earlier query exists. */
  prior: boolean;
  tok: number;
  ch: number;
  distinct: number;
  overlap: number;
}

/** The features of one search call. */
export interface SearchFeature {
  role: "search";
  queries: QueryFeature[];
}

type CallFeature =
  | SearchFeature
  | { role: "page"; page: number; goal: boolean; sims: Float64Array; targets: string[] }
  | { role: "none" };

/** The threshold-free features of one trajectory's calls. */
export interface TrajectoryFeatures {
  calls: CallFeature[];
}

export function heuristicFeatures(t: Trajectory): TrajectoryFeatures {
  const seen: Array<{ tokens: Set<string>; grams: Set<number> }> = [];
  const seenResults = new Set<string>();
  const goals: Array<Set<string> | null> = [];
  const calls: CallFeature[] = [];
  for (const call of t.calls) {
    if (call.role === "search") {
      const perQuery = perQueryResults(call, call.results.map(resultKey));
      const queries = call.queries.map((q, k): QueryFeature => {
        const norm = normaliseText(q);
        const tokens = new Set(contentTokens(norm, undefined, true));
        const grams = trigrams(norm, true);
        let tok = 0;
        let ch = 0;
        let prior = false;
        for (const s of seen) {
          const a = jaccard(tokens, s.tokens);
          const b = jaccard(grams, s.grams);
          if (!prior || Math.max(a, b) > Math.max(tok, ch)) [tok, ch, prior] = [a, b, true];
        }
        const distinct = [...new Set(perQuery[k] ?? [])];
        const overlap = distinct.length ? distinct.filter((u) => seenResults.has(u)).length / distinct.length : 0;
        seen.push({ tokens, grams });
        for (const key of distinct) seenResults.add(key);
        return { prior, tok, ch, distinct: distinct.length, overlap };
      });
      calls.push({ role: "search", queries });
    } else if (call.role === "page") {
      const g = call.goal ? new Set(contentTokens(call.goal, GOAL_VERBS)) : null;
      const goal = g !== null && g.size > 0;
      const sims = new Float64Array(goals.length);
      if (goal) goals.forEach((h, j) => (sims[j] = h ? overlapCoefficient(g, h) : 0));
      const targets = (call.urls.length ? call.urls : [`${call.name}:${call.goal ?? call.arguments}`]).map(
        canonicalUrl,
      );
      calls.push({ role: "page", page: goals.length, goal, sims, targets });
      goals.push(goal ? g : null);
    } else calls.push({ role: "none" });
  }
  return { calls };
}

/** The label of a search call (it depends on its own features only: no state). */
export function searchLabel(c: SearchFeature, o: HeuristicOptions): BehaviourLabel {
  const n = c.queries.length;
  if (!n) return "REDUNDANTSEARCH";
  let unique = 0;
  for (let k = 0; k < n; k++) {
    const q = c.queries[k]!;
    const redundant =
      (q.prior && (q.tok >= o.tokenThreshold || q.ch >= o.charThreshold)) ||
      (q.distinct >= o.minResultsForOverlap && q.overlap >= o.resultOverlap);
    if (!redundant) unique++;
  }
  return (o.batchSummary === "majority" ? unique * 2 > n : unique > 0) ? "UNIQUESEARCH" : "REDUNDANTSEARCH";
}

const RANK: Record<string, number> = { EXPLORATION: 0, VERIFICATION: 1, REDUNDANTQUERY: 2 };

/**
 * The labels of every call of a trajectory under options `o`, from its features (null: no label;
 * with `only`, the calls of the other role are null too).
 */
export function labelsFromFeatures(
  f: TrajectoryFeatures,
  o: HeuristicOptions,
  only?: "search" | "page",
): Array<BehaviourLabel | null> {
  // claims: the page ordinal of the call that opened each, and its verifications
  const claimOpener: number[] = [];
  const verifications: number[] = [];
  const readBy = new Map<string, Set<number | null>>();
  return f.calls.map((c): BehaviourLabel | null => {
    if (c.role === "none" || (only && c.role !== only)) return null;
    if (c.role === "search") return searchLabel(c, o);
    let claim: number | null = null;
    if (c.goal) {
      let best = 0;
      for (let id = 0; id < claimOpener.length; id++) {
        const s = c.sims[claimOpener[id]!]!;
        if (s > best) {
          best = s;
          if (s >= o.goalThreshold) claim = id;
        }
      }
    }
    let bestLabel: BehaviourLabel | null = null;
    for (const u of c.targets) {
      const readFor = readBy.get(u);
      let l: BehaviourLabel;
      if (readFor && (!c.goal || (claim !== null && readFor.has(claim)))) l = "REDUNDANTQUERY";
      else if (readFor) l = o.sameUrlNewGoal;
      else if (claim === null) l = "EXPLORATION";
      else if (verifications[claim]! < o.verifyBudget) {
        verifications[claim]!++;
        l = "VERIFICATION";
      } else l = "REDUNDANTQUERY";
      if (claim === null && c.goal) {
        claim = claimOpener.length;
        claimOpener.push(c.page);
        verifications.push(0);
      }
      if (!readBy.has(u)) readBy.set(u, new Set());
      readBy.get(u)!.add(claim);
      if (bestLabel === null || RANK[l]! < RANK[bestLabel]!) bestLabel = l;
    }
    return bestLabel;
  });
}
