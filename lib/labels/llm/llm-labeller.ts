/**
 * The LLM labeller: any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, SGLang,
 * …) through the `openai` SDK. One request labels one trajectory's calls in order; long
 * trajectories are cut into chunks of `chunkSize` calls, each request carrying a summary of
 * the earlier calls with the labels they got.
 *
 * - Answers are validated (zod schema, the exact call numbers in order, a label allowed for
 *   each call's role); an invalid answer is asked again (`maxInvalidRetries`), then the
 *   trajectory is reported as unlabelled. Nothing is guessed.
 * - 429 (honouring Retry-After), 5xx, timeouts and connection errors are retried with
 *   exponential backoff and seeded jitter up to `maxRetries`; other 4xx fail at once.
 * - Several endpoints are used round-robin.
 * - Every answer is cached durably under `cacheDir`, keyed by SHA-256 of the prompt version,
 *   the model, the labelling configuration and the exact request text: a re-run makes no
 *   request, and a run killed at any moment resumes where it stopped.
 * - The API key comes from the environment (`apiKeyEnv`, default OPENAI_API_KEY), is never
 *   part of the configuration hash, the cache, the label set or any message: every error
 *   text is scrubbed of it.
 */
import { createHash } from "node:crypto";
import OpenAI from "openai";
import { z } from "zod";
import { parseOptions } from "../../io/parse-options.js";
import type { BehaviourLabel, Trajectory } from "../../trajectory/schema.js";
import { LABELS_BY_ROLE } from "../../trajectory/schema.js";
import { canonicalJson } from "../../io/canonical-json.js";
import { xorshift32 } from "../../io/rng.js";
import { LabelError, labellerInfo, type CallLabel, type Labeller, type LabellerInfo } from "../labeller.js";
import { LabelCache } from "./label-cache.js";
import {
  chunkPrompt,
  ChunkAnswerSchema,
  CHUNK_ANSWER_JSON_SCHEMA,
  PROMPT_VERSION,
  systemPrompt,
  type ChunkAnswer,
} from "./prompt.js";

export const LlmEndpointSchema = z
  .object({
    baseURL: z.url().describe("endpoint, e.g. http://127.0.0.1:8000/v1"),
    /** Overrides the labeller's model for this endpoint. */
    model: z.string().min(1).optional().describe("overrides the labeller's model for this endpoint"),
  })
  .strict();

export type LlmEndpoint = z.output<typeof LlmEndpointSchema>;

const count = (d: number, about: string, min = 0) => z.number().int().min(min).default(d).describe(about);

/** The LLM labeller's options, each with its default and its meaning: the one place they are declared. */
export const LlmOptionsSchema = z
  .object({
    endpoints: z.array(LlmEndpointSchema).min(1).describe("OpenAI-compatible endpoints, used round-robin"),
    model: z.string().min(1).describe("model name sent to the endpoint"),
    apiKeyEnv: z
      .string()
      .min(1)
      .default("OPENAI_API_KEY")
      .describe("environment variable with the API key; never written anywhere"),
    timeoutMs: count(120_000, "per-request timeout in ms", 1),
    maxRetries: count(5, "retries on 429/5xx/timeouts, with backoff"),
    backoffMs: count(500, "first backoff in ms"),
    maxBackoffMs: count(30_000, "longest backoff in ms"),
    maxInvalidRetries: count(2, "requests again after an invalid answer"),
    chunkSize: count(16, "calls per request; longer rollouts are split", 1),
    responseChars: count(1500, "characters of each tool response sent (the rest is clipped)"),
    temperature: z.number().min(0).default(0).describe("sampling temperature"),
    seed: count(0, "sampling seed sent to the endpoint"),
    verifyBudget: count(1, "verifications credited per claim, B_v"),
    responseFormat: z
      .enum(["json_schema", "json_object", "none"])
      .default("json_schema")
      .describe("how the answer's JSON shape is asked for"),
    cacheDir: z.string().min(1).default("labels/cache").describe("durable answer cache; a re-run makes no requests"),
    price: z
      .object({ input: z.number().min(0), output: z.number().min(0) })
      .strict()
      .nullable()
      .default(null)
      .describe("USD per million input / output tokens, for the cost line (null: not counted)"),
  })
  .strict();

export type LlmOptions = z.output<typeof LlmOptionsSchema>;
export type LlmOptionsInput = z.input<typeof LlmOptionsSchema>;

/** Validate and complete the LLM labeller's options; a misspelt option is an error naming it. */
export function llmOptions(input: LlmOptionsInput, where = "LLM labeller options"): LlmOptions {
  return parseOptions(LlmOptionsSchema, input, where);
}

/** Every default of the LLM labeller (all options but `endpoints` and `model`). */
export const DEFAULT_LLM: Readonly<Omit<LlmOptions, "endpoints" | "model">> = Object.freeze(
  LlmOptionsSchema.omit({ endpoints: true, model: true }).parse({}),
);

export interface LlmUsage {
  requests: number;
  retries: number;
  invalidAnswers: number;
  promptTokens: number;
  completionTokens: number;
  cachedChunks: number;
  cachedTrajectories: number;
  costUsd: number | null;
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly waitMs: number | null,
  ) {
    super(message);
  }
}

/** Remove every occurrence of the given secrets from a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason ?? new Error("aborted"));
      },
      { once: true },
    );
  });
}

function retryAfterMs(headers: Headers | undefined): number | null {
  const v = headers?.get("retry-after");
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : null;
}

export class LlmLabeller implements Labeller {
  readonly info: LabellerInfo;
  readonly options: LlmOptions;
  readonly usage: LlmUsage = {
    requests: 0,
    retries: 0,
    invalidAnswers: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedChunks: 0,
    cachedTrajectories: 0,
    costUsd: null,
  };
  private readonly clients: Array<{ client: OpenAI; model: string }>;
  private readonly cache: LabelCache;
  private readonly secret: string;
  private rr = 0;
  private readonly jitter: () => number;

  constructor(options: LlmOptionsInput) {
    this.options = llmOptions(options);
    const o = this.options;
    this.secret = process.env[o.apiKeyEnv] ?? "";
    this.clients = o.endpoints.map((e) => ({
      client: new OpenAI({
        baseURL: e.baseURL,
        apiKey: this.secret || "not-needed",
        maxRetries: 0,
        timeout: o.timeoutMs,
      }),
      model: e.model ?? o.model,
    }));
    this.cache = new LabelCache(o.cacheDir);
    this.jitter = xorshift32(o.seed); // seeded, so retry timing is reproducible too
    if (o.price) this.usage.costUsd = 0;
    // what can change labels; never endpoints' addresses or the key
    this.info = labellerInfo("llm", PROMPT_VERSION, {
      model: o.model,
      endpointModels: [...new Set(this.clients.map((c) => c.model))].sort(),
      chunkSize: o.chunkSize,
      responseChars: o.responseChars,
      temperature: o.temperature,
      seed: o.seed,
      verifyBudget: o.verifyBudget,
      responseFormat: o.responseFormat,
    });
  }

  private nextJitter(): number {
    return this.jitter();
  }

  private clean(s: string): string {
    return redact(s, [this.secret]);
  }

  async label(t: Trajectory, signal?: AbortSignal): Promise<CallLabel[]> {
    const o = this.options;
    const out: CallLabel[] = t.calls.map((c) => ({
      callIndex: c.index,
      label: null,
      utility: null,
      evidence: `role ${c.role}: no behaviour label`,
    }));
    const todo = t.calls.filter((c) => LABELS_BY_ROLE[c.role].length > 0).map((c) => c.index);
    const earlier = new Map<number, string>();
    let allCached = true;
    for (let s = 0; s < todo.length; s += o.chunkSize) {
      const chunk = todo.slice(s, s + o.chunkSize);
      const prompt = chunkPrompt(t, chunk, earlier, o.responseChars);
      const key = createHash("sha256")
        .update(PROMPT_VERSION)
        .update("\u0000")
        .update(canonicalJson(this.info.config))
        .update("\u0000")
        .update(systemPrompt(o.verifyBudget))
        .update("\u0000")
        .update(prompt.user)
        .digest("hex");
      let answer = await this.cache.get(key);
      if (answer) this.usage.cachedChunks++;
      else {
        allCached = false;
        const labels = await this.ask(t, prompt.user, chunk, signal);
        answer = { key, promptVersion: PROMPT_VERSION, model: o.model, labels: labels.labels };
        await this.cache.put(answer);
      }
      for (const l of answer.labels) {
        out[l.call] = { callIndex: l.call, label: l.label as BehaviourLabel, utility: l.utility, evidence: l.evidence };
        earlier.set(l.call, l.label);
      }
    }
    if (allCached) this.usage.cachedTrajectories++;
    return out;
  }

  /** Validate an answer against the chunk: exact call numbers in order, labels allowed for each role. */
  private check(t: Trajectory, content: string, chunk: readonly number[]): ChunkAnswer | string {
    let json: unknown;
    const trimmed = content.trim().replace(/^```(?:json)?\s*|\s*```$/g, "");
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      return `the answer is not valid JSON (${(err as Error).message})`;
    }
    const r = ChunkAnswerSchema.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0];
      return `the answer does not match the schema at ${i?.path.join(".") || "(root)"}: ${i?.message ?? "invalid"}`;
    }
    const got = r.data.labels.map((l) => l.call);
    if (got.length !== chunk.length || got.some((c, k) => c !== chunk[k])) {
      return `expected one entry for each of calls [${chunk.join(", ")}] in order, got [${got.join(", ")}]`;
    }
    for (const l of r.data.labels) {
      const role = t.calls[l.call]!.role;
      if (!LABELS_BY_ROLE[role].includes(l.label))
        return `call ${l.call} is a ${role} call and cannot be ${l.label} (allowed: ${LABELS_BY_ROLE[role].join(", ")})`;
      l.evidence = l.evidence.slice(0, 500);
    }
    return r.data;
  }

  private async ask(t: Trajectory, user: string, chunk: readonly number[], signal?: AbortSignal): Promise<ChunkAnswer> {
    const o = this.options;
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: "system", content: systemPrompt(o.verifyBudget) },
      { role: "user", content: user },
    ];
    let lastProblem = "";
    for (let attempt = 0; attempt <= o.maxInvalidRetries; attempt++) {
      const content = await this.request(messages, signal);
      const r = this.check(t, content, chunk);
      if (typeof r !== "string") return r;
      this.usage.invalidAnswers++;
      lastProblem = r;
      messages.push(
        { role: "assistant", content: content.slice(0, 4000) },
        {
          role: "user",
          content: `Your answer was invalid: ${r}. Answer again with only the JSON object described above.`,
        },
      );
    }
    throw new LabelError(
      this.clean(`the model gave no valid answer after ${o.maxInvalidRetries + 1} attempt(s): ${lastProblem}`),
    );
  }

  private async request(
    messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[],
    signal?: AbortSignal,
  ): Promise<string> {
    const o = this.options;
    let last = "";
    for (let attempt = 0; attempt <= o.maxRetries; attempt++) {
      const ep = this.clients[this.rr++ % this.clients.length]!;
      try {
        this.usage.requests++;
        const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
          model: ep.model,
          messages,
          temperature: o.temperature,
          seed: o.seed,
        };
        if (o.responseFormat === "json_schema")
          body.response_format = {
            type: "json_schema",
            json_schema: {
              name: "call_labels",
              strict: true,
              schema: CHUNK_ANSWER_JSON_SCHEMA as unknown as Record<string, unknown>,
            },
          };
        else if (o.responseFormat === "json_object") body.response_format = { type: "json_object" };
        const res = await ep.client.chat.completions.create(body, { signal, timeout: o.timeoutMs, maxRetries: 0 });
        this.usage.promptTokens += res.usage?.prompt_tokens ?? 0;
        this.usage.completionTokens += res.usage?.completion_tokens ?? 0;
        if (o.price && this.usage.costUsd !== null)
          this.usage.costUsd +=
            ((res.usage?.prompt_tokens ?? 0) * o.price.input + (res.usage?.completion_tokens ?? 0) * o.price.output) /
            1e6;
        const content = res.choices?.[0]?.message?.content;
        if (typeof content !== "string") throw new Retryable("the response has no message content", null);
        return content;
      } catch (err) {
        if (signal?.aborted) throw err;
        const e = this.classify(err);
        last = e.message;
        if (!(e instanceof Retryable) || attempt === o.maxRetries) {
          throw new LabelError(
            this.clean(e instanceof Retryable ? `gave up after ${attempt + 1} attempt(s): ${last}` : last),
          );
        }
        this.usage.retries++;
        const backoff = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** attempt) * (0.5 + 0.5 * this.nextJitter());
        // a server's Retry-After is honoured (up to 2 minutes); otherwise exponential backoff with jitter
        await sleep(e.waitMs !== null ? Math.min(120_000, e.waitMs) : backoff, signal);
      }
    }
    throw new LabelError(this.clean(`gave up: ${last}`));
  }

  private classify(err: unknown): Error {
    if (err instanceof Retryable) return err;
    if (err instanceof OpenAI.APIConnectionTimeoutError)
      return new Retryable(`request timed out after ${this.options.timeoutMs} ms`, null);
    if (err instanceof OpenAI.APIConnectionError)
      return new Retryable(`connection failed (${this.clean((err as Error).message)})`, null);
    if (err instanceof OpenAI.APIError) {
      const status = err.status ?? 0;
      const msg = `HTTP ${status}: ${this.clean(String(err.message)).slice(0, 300)}`;
      if (status === 429) return new Retryable(msg, retryAfterMs(err.headers as Headers | undefined));
      if (status >= 500 || status === 408) return new Retryable(msg, null);
      return new Error(msg);
    }
    return new Error(this.clean(err instanceof Error ? err.message : String(err)));
  }
}
