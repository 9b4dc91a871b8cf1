/**
 * Search-R1 / ZeroSearch rollouts: one string with `<think>`, `<search> q </search>`,
 * `<information> … </information>` and `<answer> … </answer>`. Verdict from `correct`,
 * `em`/`acc` (1/0) or a `judge` field when present.
 */
import { inlineReader } from "./inline-reader.js";
import { SEARCH_R1_MARKERS } from "./inline-search.js";
import { isObject } from "./record-fields.js";

export const searchR1Reader = inlineReader({
  name: "search-r1",
  description: "Search-R1/ZeroSearch: <search>q</search>, <information>…</information>, <answer>",
  markers: SEARCH_R1_MARKERS,
  verdict: (o) => o.correct ?? o.judge ?? o.em ?? o.acc ?? (isObject(o.metrics) ? o.metrics.em : undefined),
});
