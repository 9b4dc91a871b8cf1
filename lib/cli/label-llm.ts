/**
 * The LLM side of `sounding label`: its options (help from the library's `LlmOptionsSchema`) and
 * the LLM labeller options they give.
 */
import { z } from "zod";
import { LabelFilesOptionsSchema, LlmOptionsSchema, type LlmOptionsInput } from "../index.js";
import { fromField, num, repeatedOf, text } from "./options.js";
import { UsageError } from "./usage-error.js";

const GROUP = "LLM labeller options (an OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, SGLang, …)";
const field = LlmOptionsSchema.shape;
const inGroup = { group: GROUP };

function url(s: string): { value: string } | { error: string } {
  try {
    new URL(s);
    return { value: s };
  } catch {
    return { error: `is not a URL: "${s}"` };
  }
}

export const LLM_OPTIONS = {
  "base-url": repeatedOf("URL", "endpoint, e.g. http://127.0.0.1:8000/v1 (several: round-robin)", url, inGroup),
  model: text("NAME", "model name sent to the endpoint (required)", inGroup),
  "api-key-env": fromField(field.apiKeyEnv, "NAME", "text", inGroup),
  concurrency: fromField(LabelFilesOptionsSchema.shape.concurrency, "N", "number", inGroup),
  "timeout-ms": fromField(field.timeoutMs, "N", "number", inGroup),
  "max-retries": fromField(field.maxRetries, "N", "number", inGroup),
  "chunk-size": fromField(field.chunkSize, "N", "number", inGroup),
  "response-chars": fromField(field.responseChars, "N", "number", inGroup),
  "response-format": fromField(field.responseFormat, "F", "text", inGroup),
  cache: fromField(field.cacheDir, "DIR", "text", inGroup),
  "price-in": num("X", "USD per million input tokens, for the cost line", { min: 0 }, inGroup),
  "price-out": num("X", "USD per million output tokens, for the cost line", { min: 0 }, inGroup),
  seed: fromField(field.seed, "N", "number", inGroup),
};

/** The decoded LLM flags (and the shared --verify-budget). */
export type LlmFlags = z.output<z.ZodObject<typeof LLM_OPTIONS>> & { "verify-budget"?: number | undefined };

/** LLM labeller options from the flags (options not given take the library's defaults). */
export function llmOptionsFrom(v: LlmFlags): LlmOptionsInput {
  if (!v["base-url"].length)
    throw new UsageError("--labeller llm needs --base-url URL (an OpenAI-compatible endpoint)");
  if (!v.model) throw new UsageError("--labeller llm needs --model NAME");
  const pin = v["price-in"];
  const pout = v["price-out"];
  return {
    endpoints: v["base-url"].map((baseURL) => ({ baseURL })),
    model: v.model,
    apiKeyEnv: v["api-key-env"],
    timeoutMs: v["timeout-ms"],
    maxRetries: v["max-retries"],
    chunkSize: v["chunk-size"],
    responseChars: v["response-chars"],
    responseFormat: v["response-format"],
    cacheDir: v.cache,
    seed: v.seed,
    verifyBudget: v["verify-budget"],
    price: pin !== undefined || pout !== undefined ? { input: pin ?? 0, output: pout ?? 0 } : undefined,
  };
}
