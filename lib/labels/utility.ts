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
import { z } from "zod";
import { parseOptions } from "../io/parse-options.js";
import type { ToolCall } from "../trajectory/schema.js";
import { canonicalUrl, domainOfCanonical } from "./canonical-url.js";
import { normaliseText } from "./text-similarity.js";

/**
 * Open-addressing table of word hashes → the last call that contained the word, shared by all
 * trackers (labelling is synchronous) and emptied in O(1) per trajectory by an epoch stamp.
 * This is the hot path of utility: it avoids a Map and the garbage it makes.
 */
class WordTable {
  private keys = new Uint32Array(1 << 14);
  private calls = new Int32Array(1 << 14);
  private epochs = new Int32Array(1 << 14);
  private size = 0;
  private epoch = 0;

  reset(): void {
    this.epoch++;
    this.size = 0;
    if (this.epoch === 0x7fffffff) {
      this.epochs.fill(0);
      this.epoch = 1;
    }
  }

  /**
   * Record word `h` for call `call`; returns the call that had it before (0 when new, `call` when
   * repeated within it).
   */
  touch(h: number, call: number): number {
    let mask = this.keys.length - 1;
    if (this.size * 2 >= this.keys.length) {
      this.grow();
      mask = this.keys.length - 1;
    }
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      if (this.epochs[i] !== this.epoch) {
        this.epochs[i] = this.epoch;
        this.keys[i] = h;
        this.calls[i] = call;
        this.size++;
        return 0;
      }
      if (this.keys[i] === h) {
        const prev = this.calls[i]!;
        this.calls[i] = call;
        return prev;
      }
      i = (i + 1) & mask;
    }
  }

  /** Whether word `h` was recorded since the last reset. */
  has(h: number): boolean {
    const mask = this.keys.length - 1;
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    while (this.epochs[i] === this.epoch) {
      if (this.keys[i] === h) return true;
      i = (i + 1) & mask;
    }
    return false;
  }

  private grow(): void {
    const { keys, calls, epochs, epoch } = this;
    const n = keys.length * 2;
    this.keys = new Uint32Array(n);
    this.calls = new Int32Array(n);
    this.epochs = new Int32Array(n);
    this.size = 0;
    const mask = n - 1;
    for (let j = 0; j < keys.length; j++) {
      if (epochs[j] !== epoch) continue;
      let i = (Math.imul(keys[j]!, 0x9e3779b1) >>> 0) & mask;
      while (this.epochs[i] === epoch) i = (i + 1) & mask;
      this.epochs[i] = epoch;
      this.keys[i] = keys[j]!;
      this.calls[i] = calls[j]!;
      this.size++;
    }
  }
}

const WORDS = new WordTable();

/**
 * Character classes for word hashing: 0 for separators, otherwise the (ASCII case-folded)
 * code unit. Letters and digits of every script count as word characters, general and CJK
 * punctuation do not.
 */
const FOLD = (() => {
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    if (c < 128) t[c] = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) ? c : c >= 65 && c <= 90 ? c | 32 : 0;
    else t[c] = c > 0xbf && !(c >= 0x2000 && c <= 0x206f) && !(c >= 0x3000 && c <= 0x303f) ? c : 0;
  }
  return t;
})();

/** FNV-1a hash of a word over its folded characters, as `newWordShare` computes it. */
function wordHash(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) {
    const c = FOLD[w.charCodeAt(i)]!;
    if (c !== 0) h = Math.imul(h ^ c, 16777619);
  }
  return h >>> 0;
}

/** Gold-answer words to watch for during a scan: a 256-bit filter, then the exact hashes. */
interface GoldWatch {
  filter: Uint32Array;
  hashes: number[];
  found: Uint8Array;
}

/**
 * Share of a response's distinct words (≥ 3 letters/digits, ASCII case-folded) not seen in
 * earlier calls; in the same pass, marks which watched gold words occur.
 */
function newWordShare(text: string, call: number, watch: GoldWatch | null): number {
  let h = 0x811c9dc5;
  let len = 0;
  let distinct = 0;
  let fresh = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? FOLD[text.charCodeAt(i)]! : 0;
    if (c !== 0) {
      h = Math.imul(h ^ c, 16777619);
      len++;
    } else if (len !== 0) {
      const hu = h >>> 0;
      if (watch && (watch.filter[(hu >>> 5) & 7]! & (1 << (hu & 31))) !== 0) {
        const k = watch.hashes.indexOf(hu);
        if (k !== -1) watch.found[k] = 1;
      }
      if (len >= 3) {
        const prev = WORDS.touch(hu, call);
        if (prev !== call) {
          distinct++;
          if (prev === 0) fresh++;
        }
      }
      h = 0x811c9dc5;
      len = 0;
    }
  }
  return distinct ? fresh / distinct : 0;
}

const weight = (d: number, what: string) => z.number().min(0).default(d).describe(`weight of ${what} [${d}]`);

/** The utility measure's weights and saturation scales (the formula above), validated. */
export const UtilityOptionsSchema = z
  .object({
    weights: z
      .object({
        urls: weight(0.3, "new canonical URLs"),
        domains: weight(0.2, "new hosts"),
        evidence: weight(0.3, "the share of new words"),
        gold: weight(0.2, "a gold answer seen first"),
      })
      .strict()
      .prefault({})
      .describe("w: the weight of each term"),
    scale: z
      .object({
        urls: z.number().positive().default(5).describe("new URLs that count as fully new [5]"),
        domains: z.number().positive().default(3).describe("new hosts that count as fully new [3]"),
      })
      .strict()
      .prefault({})
      .describe("saturation scales of the URL and host terms"),
  })
  .strict();

export type UtilityOptions = z.output<typeof UtilityOptionsSchema>;
export type UtilityOptionsInput = z.input<typeof UtilityOptionsSchema>;

/** Option objects that came out of `utilityOptions` (a tracker per rollout need not parse them again). */
const PARSED = new WeakMap<object, Readonly<UtilityOptions>>();

/** Validate and complete utility options; a misspelt or out-of-range option is an error naming it. */
export function utilityOptions(input: UtilityOptionsInput = {}, where = "utility options"): Readonly<UtilityOptions> {
  const done = PARSED.get(input);
  if (done) return done;
  const o = parseOptions(UtilityOptionsSchema, input, where);
  Object.freeze(o.weights);
  Object.freeze(o.scale);
  PARSED.set(Object.freeze(o), o);
  return o;
}

export const DEFAULT_UTILITY: Readonly<UtilityOptions> = utilityOptions({});

export interface UtilityParts {
  newUrls: number;
  newDomains: number;
  newEvidence: number;
  goldFirst: boolean;
  utility: number;
}

/**
 * Tracks what a rollout has seen so far; call `score` for each call in order. Trackers share
 * one word table: use one tracker at a time (creating a tracker starts a new rollout).
 */
export class UtilityTracker {
  private readonly urls = new Set<string>();
  private readonly read = new Set<string>();
  private readonly domains = new Set<string>();
  private calls = 0;
  private goldSeen = false;
  private readonly gold: Array<{ text: string; words: number[][] }>;
  private readonly watch: GoldWatch | null;
  private readonly opts: Readonly<UtilityOptions>;

  constructor(goldAnswers: readonly string[], options: UtilityOptionsInput = DEFAULT_UTILITY) {
    this.opts = utilityOptions(options);
    WORDS.reset();
    // each gold answer's words, hashed as a scan sees them: from the normalised form and from
    // the plain lower-cased form (so "München" in a page matches gold "München" and "Munchen")
    const hashes: number[] = [];
    const idx = (w: string) => {
      const h = wordHash(w);
      let k = hashes.indexOf(h);
      if (k === -1) k = hashes.push(h) - 1;
      return k;
    };
    this.gold = goldAnswers
      .filter((g) => normaliseText(g).length >= 2)
      .map((g) => {
        const text = normaliseText(g);
        const plain = g
          .toLowerCase()
          .split(/[^\p{L}\p{N}]+/u)
          .filter(Boolean);
        return {
          text,
          words: text.split(" ").map((w, i) => [idx(w), ...(plain[i] && plain[i] !== w ? [idx(plain[i]!)] : [])]),
        };
      });
    if (hashes.length) {
      const filter = new Uint32Array(8);
      for (const h of hashes) filter[(h >>> 5) & 7]! |= 1 << (h & 31);
      this.watch = { filter, hashes, found: new Uint8Array(hashes.length) };
    } else this.watch = null;
  }

  /**
   * Whether a gold answer appears in the response, on normalised text. The scan that measures
   * new words also marks the gold words it meets; only a response holding every word of a gold
   * answer is normalised and checked for the phrase.
   */
  private goldIn(response: string): boolean {
    const found = this.watch!.found;
    const candidates = this.gold.filter((g) => g.words.every((alts) => alts.some((k) => found[k] === 1)));
    if (!candidates.length) return false;
    // check the phrase in small normalised windows around its longest word; the whole response
    // is normalised only when that word cannot be found verbatim (accents, other scripts)
    const lower = response.toLowerCase();
    for (const g of candidates) {
      const first = g.text.split(" ").reduce((a, b) => (b.length > a.length ? b : a), "");
      let i = lower.indexOf(first);
      if (i === -1) {
        if (` ${normaliseText(response)} `.includes(` ${g.text} `)) return true;
        continue;
      }
      for (; i !== -1; i = lower.indexOf(first, i + 1)) {
        const window = response.slice(Math.max(0, i - g.text.length - 8), i + g.text.length + 16);
        if (` ${normaliseText(window)} `.includes(` ${g.text} `)) return true;
      }
    }
    return false;
  }

  /**
   * Whether a word (≥ 3 letters or digits) occurred in an earlier response of the rollout, as
   * the new-words scan saw it; shorter words are never recorded and give false.
   */
  sawWord(word: string): boolean {
    return word.length >= 3 && this.calls > 0 && WORDS.has(wordHash(word));
  }

  /** Whether a canonical URL has been seen in results or reads. */
  hasSeen(canonical: string): boolean {
    return this.urls.has(canonical) || this.read.has(canonical);
  }

  /**
   * Score the next call. `canonical` may pass the canonical URLs of its sources (page URLs, or
   * result URLs for a search) when the caller already computed them.
   */
  score(call: ToolCall, canonical?: readonly string[]): UtilityParts {
    let newUrls = 0;
    let newDomains = 0;
    const sources =
      canonical ??
      (call.role === "page" ? call.urls : call.results.map((r) => r.url).filter(Boolean)).map(canonicalUrl);
    for (const c of sources) {
      if (call.role === "page") {
        if (!this.read.has(c)) newUrls++;
        this.read.add(c);
      } else if (!this.urls.has(c) && !this.read.has(c)) newUrls++;
      this.urls.add(c);
      const d = domainOfCanonical(c);
      if (d && !this.domains.has(d)) {
        newDomains++;
        this.domains.add(d);
      }
    }
    let newEvidence = 0;
    let goldFirst = false;
    const me = ++this.calls;
    if (call.response) {
      const watch = !this.goldSeen ? this.watch : null;
      watch?.found.fill(0);
      newEvidence = newWordShare(call.response, me, watch);
      if (watch && this.goldIn(call.response)) {
        goldFirst = true;
        this.goldSeen = true;
      }
    }
    if (call.error) return { newUrls, newDomains, newEvidence: 0, goldFirst: false, utility: 0 };
    const w = this.opts.weights;
    const pageUrlTerm = call.role === "page" ? Math.min(1, newUrls) : Math.min(1, newUrls / this.opts.scale.urls);
    const u =
      w.urls * pageUrlTerm +
      w.domains * Math.min(1, newDomains / this.opts.scale.domains) +
      w.evidence * newEvidence +
      w.gold * (goldFirst ? 1 : 0);
    return { newUrls, newDomains, newEvidence, goldFirst, utility: Math.round(u * 1e4) / 1e4 };
  }
}
