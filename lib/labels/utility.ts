/**
 * Marginal utility of a tool call: how much new material it brought to the rollout, judged
 * against everything earlier in the same rollout. A number in [0, 1]:
 *
 *   utility = w.urls     · min(1, newUrls / scale.urls)        new canonical URLs (search: result
 *                                                              URLs never seen; page: 1 if the
 *                                                              page was never read before)
 *           + w.domains  · min(1, newDomains / scale.domains)  hosts never seen before
 *           + w.evidence · newEvidence                         share of the response's distinct
 *                                                              words (≥ 3 chars) not in any
 *                                                              earlier response
 *           + w.gold     · goldFirst                           1 when a gold answer appears in
 *                                                              this response and in no earlier one
 *
 * Defaults: w = {urls 0.3, domains 0.2, evidence 0.3, gold 0.2}, scale = {urls 5, domains 3}.
 * A failed call (error) has utility 0. Examples (defaults):
 * - the first search of a rollout, 8 results on 6 hosts, all text new, gold not in it:
 *   0.3·1 + 0.2·1 + 0.3·1 + 0 = 0.8;
 * - a reworded repeat whose results are the same 8 URLs with the same snippets: 0;
 * - reading a page already listed in results (new read), 40 % new words, gold first seen:
 *   0.3·1 + 0 (host seen) + 0.3·0.4 + 0.2 = 0.62.
 */
import type { ToolCall } from "../trajectory/schema.js";
import { canonicalUrl, domainOf } from "./canonical-url.js";
import { normaliseText, wordHashes } from "./text-similarity.js";

export interface UtilityOptions {
  weights: { urls: number; domains: number; evidence: number; gold: number };
  scale: { urls: number; domains: number };
}

export const DEFAULT_UTILITY: Readonly<UtilityOptions> = Object.freeze({
  weights: Object.freeze({ urls: 0.3, domains: 0.2, evidence: 0.3, gold: 0.2 }),
  scale: Object.freeze({ urls: 5, domains: 3 }),
});

export interface UtilityParts {
  newUrls: number;
  newDomains: number;
  newEvidence: number;
  goldFirst: boolean;
  utility: number;
}

/** Tracks what a rollout has seen so far; call `score` for each call in order. */
export class UtilityTracker {
  private readonly urls = new Set<string>();
  private readonly read = new Set<string>();
  private readonly domains = new Set<string>();
  private readonly words = new Set<number>();
  private goldSeen = false;
  private readonly gold: string[];

  constructor(
    goldAnswers: readonly string[],
    private readonly opts: UtilityOptions = DEFAULT_UTILITY,
  ) {
    this.gold = goldAnswers.map(normaliseText).filter((g) => g.length >= 2);
  }

  /** Whether a canonical URL has been seen in results or reads. */
  hasSeen(canonical: string): boolean {
    return this.urls.has(canonical) || this.read.has(canonical);
  }

  score(call: ToolCall): UtilityParts {
    let newUrls = 0;
    let newDomains = 0;
    const sources = call.role === "page" ? call.urls : call.results.map((r) => r.url).filter(Boolean);
    for (const u of sources) {
      const c = canonicalUrl(u);
      if (call.role === "page") {
        if (!this.read.has(c)) newUrls++;
        this.read.add(c);
      } else if (!this.urls.has(c) && !this.read.has(c)) newUrls++;
      this.urls.add(c);
      const d = domainOf(u);
      if (d && !this.domains.has(d)) {
        newDomains++;
        this.domains.add(d);
      }
    }
    let newEvidence = 0;
    let goldFirst = false;
    if (call.response) {
      const mine = wordHashes(call.response);
      if (mine.size) {
        let fresh = 0;
        for (const h of mine) if (!this.words.has(h)) fresh++;
        newEvidence = fresh / mine.size;
        for (const h of mine) this.words.add(h);
      }
      if (!this.goldSeen && this.gold.length) {
        const text = ` ${normaliseText(call.response)} `;
        if (this.gold.some((g) => text.includes(` ${g} `))) {
          goldFirst = true;
          this.goldSeen = true;
        }
      }
    }
    if (call.error) return { newUrls, newDomains, newEvidence: 0, goldFirst: false, utility: 0 };
    const w = this.opts.weights;
    const pageUrlTerm = call.role === "page" ? Math.min(1, newUrls) : Math.min(1, newUrls / this.opts.scale.urls);
    const u = w.urls * pageUrlTerm + w.domains * Math.min(1, newDomains / this.opts.scale.domains) + w.evidence * newEvidence + w.gold * (goldFirst ? 1 : 0);
    return { newUrls, newDomains, newEvidence, goldFirst, utility: Math.round(u * 1e4) / 1e4 };
  }
}
