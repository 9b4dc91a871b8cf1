/**
 * Export a reward spec to verl and TRL (domain.md §7): `sounding_reward.py`, one self-contained
 * Python module (≥ 3.9, standard library only) assembled at export time from the parts in
 * `lib/reward/python/*.py`, plus `reward_spec.json` and `reward_overrides.yaml` (the Hydra
 * overrides of `custom_reward_function.{path,name,reward_kwargs}` for the naive and the batch
 * reward managers).
 *
 * The module labels every tool call of each rollout inside the trainer: it reads verl's
 * `solution_str` the way `lib/formats/verl.ts` reads a dump's `output` (Fathom/ReCall
 * `<tool_call>` with `<tool_response>` or `<result>`, Search-R1 `<search>`/`<information>`,
 * R1-Searcher `<|begin_of_query|>`), labels the calls with a port of the deterministic
 * labeller (`HEURISTIC_VERSION`, options from the spec) or with an LLM judge (the prompt of
 * `lib/labels/llm/prompt.ts`, embedded here), and computes the tallies and Eq. 4 / Eq. 8.
 * Labels passed in `extra_info` (`tallies` or `labels`) win. Entry points: `compute_score`
 * (naive manager), `compute_score_batch` (batch manager), `compute_score_async` (reward loop),
 * `trl_reward` (TRL `GRPOTrainer(reward_funcs=…)`). tests/reward/python-parity.test.ts holds the
 * Python labels equal to the TypeScript ones call for call.
 *
 * The returned dict, which verl writes into rollout dumps as columns: `score`, `reward_spec`
 * (the spec hash, with `+key=value` for every reward_kwargs override that changes the spec),
 * `labeller` (`heuristic@<version>`, `heuristic@<version>#<options hash>` for non-default
 * options, `llm@<prompt version>:<model>`, `heuristic-fallback` when the judge failed, or
 * `extra_info`), `T`, `n_uniq_s`, `n_red_s`, `n_explore`, `n_verify`, `n_red_q` (the labels'
 * tallies), `rho`, `delta_s`, `delta_q`, `correct`, `format_ok` (0/1) and `labels`, one letter
 * per call (`U` UNIQUESEARCH, `S` REDUNDANTSEARCH, `E` EXPLORATION, `V` VERIFICATION,
 * `Q` REDUNDANTQUERY, `.` no label): `labelsFromDump` reads them back.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { REWARD_VERSION, rewardSpecHash, type RewardConfig } from "./reward-config.js";
import { HEURISTIC_VERSION, HeuristicLabeller, type HeuristicOptions } from "../labels/heuristic-labeller.js";
import { CHUNK_ANSWER_JSON_SCHEMA, PROMPT_VERSION, SYSTEM_PROMPT_TEMPLATE } from "../labels/llm/prompt.js";
import { DEFAULT_LLM } from "../labels/llm/llm-labeller.js";
import { DEFAULT_TOOL_ROLES, type ToolRoleMap } from "../trajectory/tool-roles.js";
import { LABEL_LETTERS, NO_LABEL_LETTER } from "./dump-labels.js";

/** How the exported module labels calls at training time. */
export interface ExportLabeller {
  /** "heuristic" (default) or "llm" (the judge; endpoint, model and key from the environment). */
  name: "heuristic" | "llm";
  /** Options of the deterministic labeller (also the judge's fallback). */
  options?: Partial<HeuristicOptions>;
}

/** Settings of the training-time LLM judge (endpoint, model and key come from the environment). */
export interface JudgeSpec {
  /** Environment variable holding the API key (default OPENAI_API_KEY); never written anywhere. */
  apiKeyEnv: string;
  /** Concurrent requests for a batch. */
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  maxInvalidRetries: number;
  chunkSize: number;
  responseChars: number;
  temperature: number;
  seed: number;
  verifyBudget: number;
  responseFormat: "json_schema" | "json_object" | "none";
  /** Cache directory (the TypeScript LLM labeller's layout and keys); "" for none. */
  cacheDir: string;
}

export const DEFAULT_JUDGE: Readonly<JudgeSpec> = Object.freeze({
  apiKeyEnv: DEFAULT_LLM.apiKeyEnv,
  concurrency: 32,
  timeoutMs: DEFAULT_LLM.timeoutMs,
  maxRetries: DEFAULT_LLM.maxRetries,
  backoffMs: DEFAULT_LLM.backoffMs,
  maxBackoffMs: DEFAULT_LLM.maxBackoffMs,
  maxInvalidRetries: DEFAULT_LLM.maxInvalidRetries,
  chunkSize: DEFAULT_LLM.chunkSize,
  responseChars: DEFAULT_LLM.responseChars,
  temperature: DEFAULT_LLM.temperature,
  seed: DEFAULT_LLM.seed,
  verifyBudget: DEFAULT_LLM.verifyBudget,
  responseFormat: DEFAULT_LLM.responseFormat,
  cacheDir: DEFAULT_LLM.cacheDir,
});

export interface RewardSpec {
  version: string;
  hash: string;
  config: RewardConfig;
}

/** Everything the exported module reads: the reward spec plus labeller, tool roles, judge and TRL settings. */
export interface ExportSpec extends RewardSpec {
  labeller: { name: "heuristic" | "llm"; version: string; options: HeuristicOptions; custom: boolean };
  toolRoles: ToolRoleMap;
  judge: JudgeSpec & { promptVersion: string };
  trl: { goldColumn: string };
}

export function rewardSpec(cfg: RewardConfig): RewardSpec {
  return { version: REWARD_VERSION, hash: rewardSpecHash(cfg), config: cfg };
}

export interface ExportOptions {
  labeller?: ExportLabeller;
  /** Tool-role overrides (as `--tool-roles`): the exported reader maps tool names the same way. */
  toolRoles?: ToolRoleMap;
  judge?: Partial<JudgeSpec>;
  /** TRL: the dataset column holding the gold answers (default "answer"). */
  goldColumn?: string;
}

export interface ExportedVerl {
  python: string;
  spec: string;
  overrides: string;
}

/** The directory of the Python parts: `lib/reward/python`, from `lib/reward` (tests) and `dist/reward` (package). */
export function pythonPartsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "lib", "reward", "python");
}

/** The exported module's source for a spec: the parts in file-name order, placeholders filled. */
export function exportedPython(spec: ExportSpec): string {
  const dir = pythonPartsDir();
  const parts = readdirSync(dir)
    .filter((f) => /^\d\d-[a-z0-9-]+\.py$/.test(f))
    .sort();
  if (!parts.length) throw new Error(`no Python reward parts in ${dir} (is the package installed whole?)`);
  const lit = (v: unknown) => JSON.stringify(JSON.stringify(v));
  const fill: Record<string, string> = {
    __VERSION__: REWARD_VERSION,
    __HEURISTIC_VERSION__: HEURISTIC_VERSION,
    __PROMPT_VERSION__: PROMPT_VERSION,
    __HASH__: spec.hash,
    __SPEC__: lit(spec),
    __JUDGE_PROMPT__: lit(SYSTEM_PROMPT_TEMPLATE),
    __JUDGE_SCHEMA__: lit(CHUNK_ANSWER_JSON_SCHEMA),
    __TOOL_ROLES__: lit(DEFAULT_TOOL_ROLES),
    __LABEL_LETTERS__: lit(LABEL_LETTERS),
    __NO_LABEL_LETTER__: lit(NO_LABEL_LETTER),
  };
  const src = parts.map((f) => readFileSync(join(dir, f), "utf8")).join("\n\n");
  return src.replace(/__[A-Z_]+__/g, (m) => fill[m] ?? m);
}

export function exportSpec(cfg: RewardConfig, opts: ExportOptions = {}): ExportSpec {
  const name = opts.labeller?.name ?? "heuristic";
  const options = new HeuristicLabeller(opts.labeller?.options ?? {}).options;
  const custom = JSON.stringify(options) !== JSON.stringify(new HeuristicLabeller().options);
  return {
    ...rewardSpec(cfg),
    labeller: { name, version: HEURISTIC_VERSION, options, custom },
    toolRoles: opts.toolRoles ?? {},
    judge: { ...DEFAULT_JUDGE, ...opts.judge, promptVersion: PROMPT_VERSION },
    trl: { goldColumn: opts.goldColumn ?? "answer" },
  };
}

/** Write `sounding_reward.py`, `reward_spec.json` and `reward_overrides.yaml` into `outDir`. */
export async function exportVerl(
  cfg: RewardConfig,
  outDir: string,
  opts: ExportOptions = {},
): Promise<ExportedVerl & { hash: string }> {
  const spec = exportSpec(cfg, opts);
  await mkdir(outDir, { recursive: true });
  const python = join(outDir, "sounding_reward.py");
  const specPath = join(outDir, "reward_spec.json");
  const overrides = join(outDir, "reward_overrides.yaml");
  await writeFile(python, exportedPython(spec));
  await writeFile(specPath, JSON.stringify(spec, null, 2) + "\n");
  const value = (v: unknown) => (typeof v === "string" ? v : String(v));
  const kw = Object.entries(cfg)
    .map(([k, v]) => `  ${k}: ${typeof v === "string" ? JSON.stringify(v) : v}`)
    .join("\n");
  const hydra = Object.entries(cfg)
    .map(([k, v]) => `#   +custom_reward_function.reward_kwargs.${k}=${value(v)}`)
    .join("\n");
  const path = resolve(python);
  await writeFile(
    overrides,
    `# verl custom reward for reward spec ${spec.hash} (sounding, ${REWARD_VERSION}, labeller ${spec.labeller.name})
# Naive reward manager (one rollout per call), as Hydra overrides on the command line:
#   custom_reward_function.path=${path}
#   custom_reward_function.name=compute_score
# Batch reward manager (one call per batch; the LLM judge labels the batch concurrently):
#   reward_model.reward_manager=batch
#   custom_reward_function.path=${path}
#   custom_reward_function.name=compute_score_batch
# Reward-loop (async) managers: custom_reward_function.name=compute_score_async
# Reward settings (reward_kwargs override the spec; leave them out to use it as exported):
${hydra}
custom_reward_function:
  path: ${path}
  name: compute_score
  reward_kwargs:
${kw}
`,
  );
  return { python, spec: specPath, overrides, hash: spec.hash };
}
