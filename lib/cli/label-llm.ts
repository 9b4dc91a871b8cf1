/** The LLM side of `sounding label`: options, the labeller, and the run. */
import {
  loadTrajectories,
  LlmLabeller,
  runLabeller,
  writeLabelSet,
  manifestOf,
  type LoadOptions,
  type LoadReport,
  type LabelSetManifest,
  type LlmUsage,
} from "../index.js";
import { ProgressBar } from "./progress.js";
import { UsageError, numberOption } from "./usage-error.js";

export const LLM_OPTIONS = {
  "base-url": { type: "string", multiple: true },
  model: { type: "string" },
  "api-key-env": { type: "string" },
  concurrency: { type: "string" },
  "timeout-ms": { type: "string" },
  "max-retries": { type: "string" },
  "chunk-size": { type: "string" },
  "response-chars": { type: "string" },
  "response-format": { type: "string" },
  cache: { type: "string" },
  "price-in": { type: "string" },
  "price-out": { type: "string" },
  seed: { type: "string" },
} as const;

export const LLM_HELP = `LLM labeller options (an OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, SGLang, …):
  --base-url URL        endpoint, e.g. http://127.0.0.1:8000/v1 (repeat for round-robin over several)
  --model NAME          model name sent to the endpoint (required)
  --api-key-env NAME    environment variable with the API key [OPENAI_API_KEY]; never written anywhere
  --concurrency N       trajectories labelled at once [8]
  --timeout-ms N        per-request timeout [120000]
  --max-retries N       retries on 429/5xx/timeouts, with backoff [5]
  --chunk-size N        calls per request; longer rollouts are split [16]
  --response-chars N    characters of each tool response sent [1500]
  --response-format F   json_schema | json_object | none [json_schema]
  --cache DIR           durable answer cache [labels/cache]; a re-run makes no requests
  --price-in X, --price-out X   USD per million input / output tokens, for the cost line
  --seed N              sampling seed sent to the endpoint [0]`;

type Values = Record<string, unknown>;

export function llmLabellerFromArgs(v: Values): LlmLabeller {
  const urls = (v["base-url"] as string[] | undefined) ?? [];
  if (!urls.length) throw new UsageError("--labeller llm needs --base-url URL (an OpenAI-compatible endpoint)");
  for (const u of urls) {
    try {
      new URL(u);
    } catch {
      throw new UsageError(`--base-url: not a URL: "${u}"`);
    }
  }
  const model = v.model as string | undefined;
  if (!model) throw new UsageError("--labeller llm needs --model NAME");
  const rf = (v["response-format"] as string | undefined) ?? "json_schema";
  if (!["json_schema", "json_object", "none"].includes(rf)) throw new UsageError(`--response-format must be json_schema, json_object or none, got "${rf}"`);
  const pin = numberOption("price-in", v["price-in"] as string | undefined, { min: 0 });
  const pout = numberOption("price-out", v["price-out"] as string | undefined, { min: 0 });
  const opts = {
    endpoints: urls.map((baseURL) => ({ baseURL })),
    model,
    apiKeyEnv: (v["api-key-env"] as string | undefined) ?? "OPENAI_API_KEY",
    timeoutMs: numberOption("timeout-ms", v["timeout-ms"] as string | undefined, { int: true, min: 1 }),
    maxRetries: numberOption("max-retries", v["max-retries"] as string | undefined, { int: true, min: 0 }),
    chunkSize: numberOption("chunk-size", v["chunk-size"] as string | undefined, { int: true, min: 1 }),
    responseChars: numberOption("response-chars", v["response-chars"] as string | undefined, { int: true, min: 0 }),
    responseFormat: rf as "json_schema" | "json_object" | "none",
    cacheDir: (v.cache as string | undefined) ?? "labels/cache",
    seed: numberOption("seed", v.seed as string | undefined, { int: true, min: 0 }),
    verifyBudget: numberOption("verify-budget", v["verify-budget"] as string | undefined, { int: true, min: 0 }),
    price: pin !== undefined || pout !== undefined ? { input: pin ?? 0, output: pout ?? 0 } : null,
  };
  const clean = Object.fromEntries(Object.entries(opts).filter(([, x]) => x !== undefined)) as ConstructorParameters<typeof LlmLabeller>[0];
  return new LlmLabeller(clean);
}

export async function runLlmLabelling(
  labeller: LlmLabeller,
  files: string[],
  loadOpts: LoadOptions,
  report: LoadReport,
  dir: string,
  v: Values,
): Promise<{ manifest: LabelSetManifest; usage: LlmUsage }> {
  const { trajectories, report: r } = await loadTrajectories(files, loadOpts);
  Object.assign(report, r);
  const concurrency = numberOption("concurrency", v.concurrency as string | undefined, { int: true, min: 1 }) ?? 8;
  const bar = new ProgressBar("labelling");
  let run;
  try {
    run = await runLabeller(labeller, trajectories, { concurrency, onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.done();
  }
  const manifest = manifestOf(labeller.info, run.rows, run.failures);
  await writeLabelSet(dir, run.rows, manifest);
  return { manifest, usage: { ...labeller.usage } };
}
