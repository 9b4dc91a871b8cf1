/**
 * Simulated search-agent rollouts with a known behaviour label for every call (labels by
 * construction, domain.md §3 with B_v = `verifyBudget`):
 *
 * - UNIQUESEARCH: a query about a claim's entities with an aspect word not used before;
 *   fresh result URLs.
 * - REDUNDANTSEARCH: an earlier query reworded (same content words, reordered, filler
 *   added); its results repeat the earlier query's URLs.
 * - EXPLORATION: `query_url` on a URL not read before, goal "Find …" for a claim.
 * - VERIFICATION: `query_url` on a new URL with goal "Verify …" for a claim already pursued,
 *   the first `verifyBudget` times per claim; REDUNDANTQUERY beyond that.
 * - REDUNDANTQUERY also: the same URL read again for the same goal.
 *
 * Knobs set breadth, redundancy, verification depth, horizon, correctness and group size.
 */
import type { BehaviourLabel } from "../trajectory/schema.js";
import type { Question } from "./question-bank.js";
import { Rng } from "../io/rng.js";

export interface SimulationKnobs {
  /** Mean unique searches per claim (≥ 1 is always issued). Default 1.5. */
  breadth: number;
  /** Probability, after each unique search / page read, of a redundant repeat. Default 0.15. */
  redundancy: number;
  /** Mean extra sources read per claim after its exploration. Default 1. */
  verification: number;
  /** Verifications credited per claim (B_v); further checks are REDUNDANTQUERY. Default 1. */
  verifyBudget: number;
  /** Maximum tool calls per rollout (later calls are dropped). Default 32. */
  horizon: number;
  /** Probability a rollout answers correctly. Default 0.5. */
  accuracy: number;
  /** Probability that a turn batches 2–3 calls. Default 0.2. */
  parallel: number;
  /** Probability a call fails (fetch failure / timeout); still labelled. Default 0.03. */
  failureRate: number;
  /** Probability the rollout's final turn is cut mid-call (no answer). Default 0.02. */
  truncationRate: number;
}

export const DEFAULT_KNOBS: Readonly<SimulationKnobs> = Object.freeze({
  breadth: 1.5,
  redundancy: 0.15,
  verification: 1,
  verifyBudget: 1,
  horizon: 32,
  accuracy: 0.5,
  parallel: 0.2,
  failureRate: 0.03,
  truncationRate: 0.02,
});

export interface PlannedCall {
  name: "search_urls" | "query_url";
  arguments: { query: string; top_k: number } | { url: string; goal: string };
  label: BehaviourLabel;
  /** The executor's result text (what follows `result: \n`). */
  result: string;
  failed: boolean;
  /** Claim index the call pursues. */
  claim: number;
}

export interface PlannedTurn {
  reasoning: string;
  calls: PlannedCall[];
}

export interface Rollout {
  question: Question;
  /** 0-based rollout number within its group (same question). */
  sample: number;
  turns: PlannedTurn[];
  finalReasoning: string;
  /** The boxed answer; null when truncated. */
  answer: string | null;
  correct: boolean;
  truncated: boolean;
  /** The text of a cut final turn (unbalanced `<tool_call>`), when truncated. */
  cutTurn: string | null;
}

const STOP = new Set(
  "the a an of in on at to for by with and or is was were are be been who what which when where how why did does do that this from as its it his her their into than then whose whom has have had not".split(
    " ",
  ),
);
const ASPECTS = [
  "history",
  "biography",
  "official record",
  "timeline",
  "list",
  "founded",
  "award winners",
  "population",
  "date",
  "origin",
  "career",
  "wikipedia",
  "facts",
  "location",
  "members",
];
const FILLERS = ["the", "about", "information on", "details of", "what is"];
const DOMAINS = [
  "en.wikipedia.org/wiki",
  "www.britannica.com/topic",
  "www.nytimes.com",
  "www.bbc.co.uk/news",
  "www.imdb.com/title",
  "www.theguardian.com",
  "archive.org/details",
  "www.jstor.org/stable",
  "www.reuters.com/article",
  "www.nationalgeographic.com",
  "scholar.harvard.edu",
  "www.loc.gov/item",
];
const PHRASES = [
  "I should pin down each part of the question before answering.",
  "The results so far point in one direction but I need a second source.",
  "Let me look for the specific entity mentioned here.",
  "This source looks authoritative; I will read it for the exact detail.",
  "I need to confirm this with an independent page.",
  "The snippet is not conclusive, so I will open the page.",
];

function keywords(q: string): string[] {
  const words = q
    .replace(/[^\p{L}\p{N}\s'-]/gu, " ")
    .split(/\s+/)
    .filter((w) => w.length > 2 && !STOP.has(w.toLowerCase()));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of words) {
    const k = w.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(w);
    }
  }
  return out.length ? out : ["topic"];
}

function slug(s: string): string {
  return (
    s
      .replace(/[^\p{L}\p{N}]+/gu, "_")
      .replace(/^_|_$/g, "")
      .slice(0, 60) || "page"
  );
}

function claimsOf(q: Question, rng: Rng): string[][] {
  const kw = keywords(q.question);
  const n = Math.max(1, Math.min(3, Math.ceil(kw.length / 4), rng.int(1, 3)));
  const size = Math.ceil(kw.length / n);
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const part = kw.slice(i * size, (i + 1) * size);
    if (part.length) out.push(part);
  }
  return out;
}

function searchResult(urls: string[], titles: string[], snippets: string[]): string {
  return urls
    .map((u, i) => `### ${i + 1}. ${titles[i]}\n**URL**: ${u}\n\n**Snippet**: ${snippets[i]}\n`)
    .join("\n---\n\n");
}

function pageResult(url: string, goal: string, evidence: string, summary: string): string {
  return `The useful information in ${url} for goal "${goal}":\n\nRationale:\nThe page discusses ${goal.replace(/^(Find|Verify) /, "").toLowerCase()} directly.\n\nEvidence:\n${evidence}\n\nSummary:\n${summary}`;
}

/** Simulate one rollout. Deterministic in (question, sample, knobs, rng state). */
export function simulateRollout(
  question: Question,
  sample: number,
  knobs: SimulationKnobs,
  rng: Rng,
  wrongAnswer: string,
): Rollout {
  const claims = claimsOf(question, rng);
  const correct = rng.chance(knobs.accuracy);
  const calls: PlannedCall[] = [];
  const issued: Array<{ query: string; urls: string[] }> = [];
  const usedAspects = new Set<string>();
  const read = new Map<string, Set<string>>(); // url -> goals
  let urlSerial = 0;
  const freshUrls = (words: string[], n: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = rng.pick(DOMAINS);
      out.push(`https://${d}/${slug(words.join(" "))}_${(urlSerial++).toString(36)}`);
    }
    return out;
  };
  const goldIn = (p: number): string =>
    correct && rng.chance(p) ? ` The record states the answer is ${question.answer}.` : "";

  claims.forEach((words, ci) => {
    const claimText = words.join(" ");
    const pool: string[] = []; // URLs found for this claim
    const nUnique = Math.max(1, rng.count(knobs.breadth, 6));
    for (let u = 0; u < nUnique; u++) {
      let aspect = rng.pick(ASPECTS);
      for (let tries = 0; usedAspects.has(aspect) && tries < 20; tries++) aspect = rng.pick(ASPECTS);
      usedAspects.add(aspect);
      const query =
        u === 0 ? `${claimText} ${aspect}` : `${words.slice(0, 2).join(" ")} ${aspect} ${rng.int(1900, 2024)}`;
      const urls = freshUrls(words, rng.int(5, 8));
      pool.push(...urls);
      issued.push({ query, urls });
      const titles = urls.map((_, i) => `${words.slice(0, 3).join(" ")} — ${aspect} (${i + 1})`);
      const snippets = urls.map(() => `${claimText} ${aspect}: ${rng.pick(PHRASES)}${goldIn(0.15)}`);
      calls.push({
        name: "search_urls",
        arguments: { query, top_k: 10 },
        label: "UNIQUESEARCH",
        result: searchResult(urls, titles, snippets),
        failed: false,
        claim: ci,
      });
      if (rng.chance(knobs.redundancy)) {
        const prev = rng.pick(issued);
        const toks = prev.query.split(" ");
        const reworded = `${rng.pick(FILLERS)} ${[...toks.slice(1), toks[0]].join(" ")}`;
        const urls2 = [...prev.urls].reverse();
        const titles2 = urls2.map((_, i) => `${prev.query} (${i + 1})`);
        calls.push({
          name: "search_urls",
          arguments: { query: reworded, top_k: 10 },
          label: "REDUNDANTSEARCH",
          result: searchResult(
            urls2,
            titles2,
            urls2.map(() => rng.pick(PHRASES)),
          ),
          failed: false,
          claim: ci,
        });
      }
    }
    // exploration, then verification on further new URLs
    const unread = pool.filter((u) => !read.has(u));
    const findGoal = `Find ${claimText}`;
    const verifyGoal = `Verify ${claimText}`;
    const explore = unread.shift();
    if (explore) {
      read.set(explore, new Set([findGoal]));
      calls.push({
        name: "query_url",
        arguments: { url: explore, goal: findGoal },
        label: "EXPLORATION",
        result: pageResult(
          explore,
          findGoal,
          `${claimText}: ${rng.pick(PHRASES)}${goldIn(0.5)}`,
          `The page covers ${claimText}.`,
        ),
        failed: false,
        claim: ci,
      });
      const nVerify = rng.count(knobs.verification, 5);
      let credited = 0;
      for (let v = 0; v < nVerify && unread.length; v++) {
        const url = unread.shift()!;
        read.set(url, new Set([verifyGoal]));
        const label: BehaviourLabel = credited < knobs.verifyBudget ? "VERIFICATION" : "REDUNDANTQUERY";
        if (label === "VERIFICATION") credited++;
        calls.push({
          name: "query_url",
          arguments: { url, goal: verifyGoal },
          label,
          result: pageResult(
            url,
            verifyGoal,
            `Confirms ${claimText}.${goldIn(0.5)}`,
            `Consistent with earlier sources on ${claimText}.`,
          ),
          failed: false,
          claim: ci,
        });
      }
      if (rng.chance(knobs.redundancy)) {
        calls.push({
          name: "query_url",
          arguments: { url: explore, goal: findGoal },
          label: "REDUNDANTQUERY",
          result: pageResult(
            explore,
            findGoal,
            `${claimText}: same passage as before.`,
            `Nothing new on ${claimText}.`,
          ),
          failed: false,
          claim: ci,
        });
      }
    }
  });

  const kept = calls.slice(0, Math.max(0, knobs.horizon));
  for (const c of kept) {
    if (rng.chance(knobs.failureRate)) {
      c.failed = true;
      c.result =
        c.name === "query_url" ? "[failed to retrieve content from URL]" : "error: \nerror: execution timed out";
    }
  }
  const turns: PlannedTurn[] = [];
  for (let i = 0; i < kept.length;) {
    const n = rng.chance(knobs.parallel) ? rng.int(2, 3) : 1;
    const batch = kept.slice(i, i + n);
    turns.push({
      reasoning: `${rng.pick(PHRASES)} ${batch.map((c) => ("query" in c.arguments ? `Searching for "${c.arguments.query}".` : `Reading ${c.arguments.url}.`)).join(" ")}`,
      calls: batch,
    });
    i += batch.length;
  }
  const truncated = rng.chance(knobs.truncationRate);
  const answer = truncated ? null : correct ? question.answer : wrongAnswer;
  return {
    question,
    sample,
    turns,
    finalReasoning: truncated
      ? ""
      : `Putting the sources together, the answer to "${question.question.slice(0, 80)}" is clear.`,
    answer,
    correct: correct && !truncated,
    truncated,
    cutTurn: truncated
      ? `I will check one more source.\n</think>\n<tool_call>\n{"name": "search_urls", "arguments": {"query": "${claims[0]!.join(" ")} confirm`
      : null,
  };
}
