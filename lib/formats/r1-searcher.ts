/**
 * R1-Searcher eval rows: `{question, answer, pred_ans, gen_text_store, gpt4o_output}`; queries
 * between `<|begin_of_query|>`/`<|end_of_query|>`, documents between
 * `<|begin_of_documents|>`/`<|end_of_documents|>`, `<answer>`; `gpt4o_output` is the verdict.
 */
import { inlineReader } from "./inline-reader.js";
import { R1_MARKERS } from "./inline-search.js";

export const r1SearcherReader = inlineReader({
  name: "r1-searcher",
  description: "R1-Searcher rows: gen_text_store with <|begin_of_query|>…<|end_of_query|> and documents",
  markers: R1_MARKERS,
  verdict: (o) => o.gpt4o_output ?? o.judge ?? o.correct,
});
