/**
 * Single-string rollouts where the model writes a query between two markers and the
 * harness splices the retrieved documents in after it (R1-Searcher, Search-R1/ZeroSearch,
 * Search-o1). Each query is one `search` call; the documents block that follows it (before
 * the next query) is its response. The text up to and including a query is one step.
 */
import type { TrajectoryBuilder } from "../trajectory/builder.js";
import { lastAnswerTag, lastBoxed } from "./record-fields.js";
import { parseSearchResults } from "./search-results.js";
import { reasoningOf } from "./tag-blocks.js";
import { toolFailure } from "./tool-failure.js";

export interface InlineMarkers {
  queryOpen: string;
  queryClose: string;
  /** Alternatives for the documents block: [open, close] pairs. */
  docs: Array<[string, string]>;
  /** Tool name recorded for each query (mapped to a role by the tool-role map). */
  toolName: string;
}

export const R1_MARKERS: InlineMarkers = {
  queryOpen: "<|begin_of_query|>",
  queryClose: "<|end_of_query|>",
  docs: [["<|begin_of_documents|>", "<|end_of_documents|>"]],
  toolName: "search",
};

export const SEARCH_R1_MARKERS: InlineMarkers = {
  queryOpen: "<search>",
  queryClose: "</search>",
  // Search-R1/ZeroSearch write <information>; ReSearch (ReCall's predecessor) writes <result>
  docs: [
    ["<information>", "</information>"],
    ["<result>", "</result>"],
  ],
  toolName: "search",
};

export const SEARCH_O1_MARKERS: InlineMarkers = {
  queryOpen: "<|begin_search_query|>",
  queryClose: "<|end_search_query|>",
  docs: [
    ["<|begin_of_document|>", "<|end_of_document|>"],
    ["<|begin_search_result|>", "<|end_search_result|>"],
  ],
  toolName: "search",
};

function nextDocs(
  text: string,
  from: number,
  limit: number,
  m: InlineMarkers,
): { start: number; body: string; end: number; closed: boolean } | null {
  let best: { start: number; body: string; end: number; closed: boolean } | null = null;
  for (const [open, close] of m.docs) {
    const s = text.indexOf(open, from);
    if (s === -1 || s >= limit || (best && s >= best.start)) continue;
    const e = text.indexOf(close, s + open.length);
    if (e === -1) best = { start: s, body: text.slice(s + open.length, limit), end: limit, closed: false };
    else best = { start: s, body: text.slice(s + open.length, e), end: e + close.length, closed: true };
  }
  return best;
}

/** `s` without leading and trailing newlines (a regex `\n+$` rescans at every newline). */
function trimNewlines(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 10) a++;
  while (b > a && s.charCodeAt(b - 1) === 10) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Read calls, responses, steps and the final answer out of one rollout string. */
export function readInlineSearch(b: TrajectoryBuilder, text: string, m: InlineMarkers): void {
  let cursor = 0;
  for (;;) {
    const qs = text.indexOf(m.queryOpen, cursor);
    if (qs === -1) break;
    const qe = text.indexOf(m.queryClose, qs + m.queryOpen.length);
    if (qe === -1) {
      b.step(text.slice(cursor), reasoningOf(text.slice(cursor)));
      b.anomalies.push(
        `query opened with ${m.queryOpen} at offset ${qs} is never closed; no call extracted — truncated`,
      );
      b.truncated = true;
      return;
    }
    const stepText = text.slice(cursor, qe + m.queryClose.length);
    b.step(stepText, reasoningOf(stepText));
    const q = text.slice(qs + m.queryOpen.length, qe).trim();
    const call = b.call({
      name: m.toolName,
      arguments: JSON.stringify({ query: q }),
      parsedArguments: { query: q },
      malformed: q ? null : "empty query",
    });
    cursor = qe + m.queryClose.length;
    const nextQ = text.indexOf(m.queryOpen, cursor);
    const limit = nextQ === -1 ? text.length : nextQ;
    const d = nextDocs(text, cursor, limit, m);
    if (d) {
      const body = trimNewlines(d.body);
      b.respond(call, { text: body, results: parseSearchResults(body), failure: toolFailure(body) });
      if (!d.closed) b.anomalies.push(`documents block after call ${call.index} is never closed`);
      cursor = d.end;
    }
  }
  const rest = text.slice(cursor);
  if (rest.trim() || b.steps.length === 0) b.step(rest, reasoningOf(rest));
  b.finalAnswer = lastAnswerTag(text) ?? lastBoxed(text);
}
