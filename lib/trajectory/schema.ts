/**
 * The canonical trajectory model: the one place a trajectory, a step, a tool call and their
 * provenance are defined. Every reader in `formats/` produces these objects; everything
 * downstream (labels, metrics, reward, figures) consumes them.
 *
 * The zod schemas are the types: `Trajectory` is `z.infer<typeof TrajectorySchema>`.
 * Readers build objects of these types directly (parsing each one again would cost ingest
 * speed); `TrajectorySchema.parse` is for data that crosses a boundary (JSON written by
 * another tool, a user's hand-built object) and for tests.
 */
import { z } from "zod";

/** What a tool does, independent of its name (domain.md §2.2). */
export const ToolRoleSchema = z.enum(["search", "page", "answer", "other"]);
export type ToolRole = z.infer<typeof ToolRoleSchema>;

/** The dialects sounding reads (domain.md §2). */
export const FormatNameSchema = z.enum([
  "fathom",
  "qwen-agent",
  "openai-chat",
  "openai-responses",
  "r1-searcher",
  "search-r1",
  "search-o1",
  "react",
  "verl",
  "verifiers",
  "inspect",
  "swe-agent",
  "mini-swe-agent",
  "openhands",
  "atif",
  "toolbench",
  "miroflow",
  "recall-train",
  "flashrag",
  "skyrl",
]);
export type FormatName = z.infer<typeof FormatNameSchema>;

/** Judge verdict on the final answer; `unknown` when the record carries none. */
export const VerdictSchema = z.enum(["correct", "incorrect", "unknown"]);
export type Verdict = z.infer<typeof VerdictSchema>;

/** One hit of a search tool's result list. Fields a format lacks are empty strings. */
export const SearchResultSchema = z.object({
  url: z.string(),
  title: z.string(),
  snippet: z.string(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

/** Where a record came from: the file and its 1-based line (line of the record's first byte). */
export const SourceSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
});
export type Source = z.infer<typeof SourceSchema>;

/**
 * One tool call, flattened in the order the calls were issued.
 *
 * - `index` is the 0-based position among all calls of the trajectory (labels key on it);
 *   `step` is the index of the assistant step that issued it.
 * - `queries` / `urls` are always arrays: batched calls (WebDancer's `query: [..]`) keep
 *   every item; single calls have one.
 * - `arguments` is the raw argument text exactly as the model wrote it (a JSON string for
 *   JSON-calling formats, the bracket content for ReAct); `parsedArguments` is the parsed
 *   object when that text was valid JSON, otherwise null.
 * - `response` is the tool's answer as recorded (null when none came back, e.g. the final,
 *   truncated turn); `results` are the hits parsed out of a search response.
 * - `error` is true when the call was malformed, the tool reported a failure, or no response
 *   came back; `errorReason` says which.
 */
export const ToolCallSchema = z.object({
  index: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  name: z.string(),
  role: ToolRoleSchema,
  queries: z.array(z.string()),
  urls: z.array(z.string()),
  goal: z.string().nullable(),
  arguments: z.string(),
  parsedArguments: z.record(z.string(), z.unknown()).nullable(),
  response: z.string().nullable(),
  results: z.array(SearchResultSchema),
  error: z.boolean(),
  errorReason: z.string().nullable(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/**
 * One model turn. `text` is the model's own output for the turn as recorded (reasoning,
 * visible text and call markup); `reasoning` is the text inside `<think>` (or the format's
 * reasoning item), empty when there is none. `calls` lists the indices (into
 * `Trajectory.calls`) of the calls this turn issued.
 */
export const StepSchema = z.object({
  index: z.number().int().nonnegative(),
  text: z.string(),
  reasoning: z.string(),
  calls: z.array(z.number().int().nonnegative()),
});
export type Step = z.infer<typeof StepSchema>;

/**
 * Provenance of a trajectory. `model` is the policy or agent that produced it (Fathom's
 * `agent`, a Responses `model`, ...), `dataset` the benchmark or data source, `trainingStep`
 * the RL global step (verl dumps), `groupId` the GRPO group (rollouts of one prompt), and
 * `recordId` the record's own id field when it has one.
 */
export const ProvenanceSchema = z.object({
  source: SourceSchema,
  format: FormatNameSchema,
  model: z.string().nullable(),
  dataset: z.string().nullable(),
  trainingStep: z.number().int().nullable(),
  groupId: z.string().nullable(),
  recordId: z.string().nullable(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * A recorded rollout of a search agent.
 *
 * - `id` is stable: see `lib/trajectory/ids.ts` for the derivation.
 * - `finalAnswer` is the extracted answer (`\boxed{}`, `<answer>`, `finish[]`, final message),
 *   null when the rollout ended without one; `goldAnswers` lists the accepted gold answers.
 * - `score` is the scalar the record carried (reward, judge score), when any.
 * - `anomalies` are things inside an otherwise readable record a user should know about
 *   (a truncated final turn, a call whose JSON does not parse, a response with no call).
 * - `extra` keeps the record's fields the model has no slot for (e.g. verl reward keys such
 *   as a reward-spec hash), so nothing is lost.
 */
export const TrajectorySchema = z.object({
  id: z.string(),
  question: z.string(),
  steps: z.array(StepSchema),
  calls: z.array(ToolCallSchema),
  finalAnswer: z.string().nullable(),
  goldAnswers: z.array(z.string()),
  verdict: VerdictSchema,
  score: z.number().nullable(),
  truncated: z.boolean(),
  anomalies: z.array(z.string()),
  provenance: ProvenanceSchema,
  extra: z.record(z.string(), z.unknown()),
});
export type Trajectory = z.infer<typeof TrajectorySchema>;

/** Counts of a trajectory's calls by role. */
export type RoleCounts = Record<ToolRole, number>;

/** An empty role tally. */
export function emptyRoleCounts(): RoleCounts {
  return { search: 0, page: 0, answer: 0, other: 0 };
}

/** Behaviour labels of the paper's taxonomy (domain.md §3), by tool role. */
export const BehaviourLabelSchema = z.enum([
  "UNIQUESEARCH",
  "REDUNDANTSEARCH",
  "EXPLORATION",
  "VERIFICATION",
  "REDUNDANTQUERY",
]);
export type BehaviourLabel = z.infer<typeof BehaviourLabelSchema>;

/** Which labels a call of each role may take (`answer`/`other` calls get none). */
export const LABELS_BY_ROLE: Readonly<Record<ToolRole, readonly BehaviourLabel[]>> = {
  search: ["UNIQUESEARCH", "REDUNDANTSEARCH"],
  page: ["EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"],
  answer: [],
  other: [],
};

/** Per-query / per-URL detail of a batched call's label. */
export const ItemLabelSchema = z.object({
  target: z.string(),
  label: BehaviourLabelSchema,
  evidence: z.string(),
});
export type ItemLabel = z.infer<typeof ItemLabelSchema>;

/**
 * One row of a label set file (JSONL): the label of one call, stored apart from the trace
 * and joined to it by `trajectoryId` + `callIndex` (`source` is kept for humans and for
 * files whose ids are derived). `label` is null for calls of role `answer`/`other`.
 * `labeller`, `version` and `configHash` stamp every row with what produced it; `evidence`
 * says why, `items` gives the per-query / per-URL detail of batched calls.
 */
export const LabelRowSchema = z.object({
  source: SourceSchema,
  trajectoryId: z.string(),
  callIndex: z.number().int().nonnegative(),
  tool: z.string(),
  role: ToolRoleSchema,
  label: BehaviourLabelSchema.nullable(),
  utility: z.number().nullable(),
  evidence: z.string().optional(),
  items: z.array(ItemLabelSchema).optional(),
  claim: z.number().int().nonnegative().optional(),
  check: z.boolean().optional(),
  labeller: z.string().optional(),
  version: z.string().optional(),
  configHash: z.string().optional(),
});
export type LabelRow = z.infer<typeof LabelRowSchema>;
