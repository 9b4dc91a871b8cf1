/**
 * verifiers / prime-rl eval `results.jsonl` (`prime eval`, `vf-eval`): one rollout a line,
 * `{example_id | id, prompt[], completion[], task, info, answer, reward, …metrics}`; a
 * completion-format environment writes `prompt` and `completion` as strings (one assistant
 * turn, no calls), and a rollout that raised has `completion: null` and `error` (read as a
 * rollout without turns, with an anomaly naming the error).
 *
 * As written (PrimeIntellect-ai/verifiers@a60a606, `verifiers/legacy/utils/save_utils.py`
 * `state_to_output` and `message_utils.py` `sanitize_tool_calls`; sample
 * CodeAgentCN/prime-environments@101a4f5 `environments/browsecomp/outputs/evals/…/results.jsonl`):
 * `prompt` + `completion` are chat messages; an assistant turn's `tool_calls` is a list of
 * JSON strings (`{"id", "type", "function": {"name", "arguments"}}`, or a flat
 * `{"id", "name", "arguments"}` from a pydantic `ToolCall`); older writers drop the replies'
 * `tool_call_id`, so replies pair in order. Rows can end on a call that got no reply (the
 * turn cap): that call is kept with `response: null` and the row is `truncated`, as it is
 * when the writer's `is_truncated` is true. Rollouts of one example share `example_id`, which is
 * their id (repeats numbered `#k`) and group. Older writers have only `id`, and it does not name the
 * example: in the browsecomp and hle samples (prime-environments@101a4f5) `id` counts rows in threes
 * (0,0,0,1,1,1,…) while the prompts repeat every five rows (the dataset repeated rollouts-per-example
 * times), so rows sharing an `id` ask different questions. There `id` stays the record's id and the
 * group is the prompt's last user turn (rollouts of one example share their prompt verbatim).
 * Verdict from `reward` when it is 0 or 1.
 */
import { hash } from "node:crypto";
import { chatReader } from "./chat-reader.js";
import { messageObjects } from "./chat-messages.js";
import type { FormatReader } from "./format-reader.js";
import { goldList, isObject, pickNumber, pickString, verdictOf } from "./record-fields.js";

const KNOWN = new Set([
  "prompt",
  "completion",
  "example_id",
  "id",
  "task",
  "answer",
  "reward",
  "is_truncated",
  "error",
]);

export const verifiersReader: FormatReader = chatReader({
  name: "verifiers",
  description: "verifiers / prime-rl eval results.jsonl: prompt + completion messages, reward, info",
  known: KNOWN,

  detect(value) {
    if (!isObject(value)) return 0;
    if (!Array.isArray(value.prompt) && typeof value.prompt !== "string") return 0;
    const own = "reward" in value || "example_id" in value || "info" in value;
    // a completion-format row (both strings) or one that raised (completion null): below the
    // tagged-text readers, which read the calls out of such a string
    if (typeof value.completion === "string" || value.completion === null) return own ? 0.8 : 0;
    if (!Array.isArray(value.completion)) return 0;
    const objs = messageObjects(value.completion);
    if (objs.length === 0 && value.completion.length > 0) return 0;
    return own ? 0.99 : 0.9;
  },

  meta(o, b) {
    const exampleId = pickString(o, "example_id");
    const id = exampleId ?? pickString(o, "id");
    b.recordId = id;
    b.groupId = exampleId ?? promptGroup(o.prompt) ?? id;
    b.dataset = pickString(o, "task");
    b.goldAnswers = goldList(o.answer);
    b.score = pickNumber(o, "reward");
    b.verdict = verdictOf(b.score === 0 || b.score === 1 ? b.score : undefined);
  },

  finish(o, b, state) {
    if (o.is_truncated === true || (o.is_truncated === undefined && state.endsUnanswered)) b.truncated = true;
    if (o.completion === null) {
      const e = isObject(o.error) ? pickString(o.error, "error") : typeof o.error === "string" ? o.error : null;
      b.anomalies.push(`no completion: the rollout raised${e ? ` (${e.split("\n")[0]})` : ""}`);
    }
  },
});

/** The group of a row without `example_id`: a hash of its prompt's last user turn (null when it has none). */
function promptGroup(prompt: unknown): string | null {
  let text: string | null = null;
  if (typeof prompt === "string") text = prompt;
  else if (Array.isArray(prompt))
    for (let i = prompt.length - 1; i >= 0 && text === null; i--) {
      const m = prompt[i];
      if (isObject(m) && m.role === "user")
        text = typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? null);
    }
  return text === null ? null : "p" + hash("sha1", text, "hex").slice(0, 12);
}
