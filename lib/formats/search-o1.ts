/**
 * Search-o1 outputs: `<|begin_search_query|> q <|end_search_query|>` with results in
 * `<|begin_of_document|> … <|end_of_document|>` (the prompt's `<|begin_search_result|>` is
 * accepted too), `<answer>` or `\boxed{}`. Harness fields `Question`, `Output`, `Metrics`.
 */
import { inlineReader } from "./inline-reader.js";
import { SEARCH_O1_MARKERS } from "./inline-search.js";
import { isObject } from "./record-fields.js";

export const searchO1Reader = inlineReader({
  name: "search-o1",
  description: "Search-o1: <|begin_search_query|>q<|end_search_query|>, <|begin_of_document|>…",
  markers: SEARCH_O1_MARKERS,
  verdict: (o) => {
    const m = isObject(o.Metrics) ? o.Metrics : isObject(o.metrics) ? o.metrics : null;
    return o.correct ?? o.judge ?? (m ? (m.acc ?? m.em ?? m.math_equal) : undefined);
  },
});
