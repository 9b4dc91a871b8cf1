/**
 * Inspect AI samples: one element of a JSON log's `samples[]` (the log is expanded by
 * `containers.ts`), or one `samples/{id}_epoch_{n}.json` member of a `.eval` zip (framed by
 * io/). Layout (UKGovernmentBEIS/inspect_ai@499e615, `src/inspect_ai/log/_log.py`
 * `EvalSample`; fixtures `tests/log/test_eval_log/log_tool_call_error.json`,
 * `log_message_deduplication.eval`): `{id, epoch, input, target, messages[], output{model,
 * completion}, scores{name: {value, answer}}, metadata, events[], attachments, limit?,
 * error?}`; assistant `tool_calls[{id, function: "<name>", arguments: {…}}]`, replies
 * `{role: "tool", tool_call_id, function, error?{type, message}}`.
 *
 * - id `<sample id>/epoch-<n>`; group: the sample id (all epochs of one sample).
 * - verdict from the first score (in key order): `C` / `CORRECT` / yes / true → correct,
 *   `I` / `INCORRECT` / `N` / no / false → incorrect, `P` (partial credit) unknown; a number
 *   (or numeric string, or boolean) is correct when ≥ `INSPECT_CORRECT_THRESHOLD` (0.5),
 *   else incorrect. `score` is the value as Inspect's `value_to_float` maps it (C 1, P 0.5,
 *   I / N 0, numbers as they are). A dict value (`{"accuracy": "C", "f1": 0.5}`) takes its
 *   verdict from one entry by the rule in `inspect-dict-score.ts`, else unknown (said once).
 * - `limit` (a message, token or time limit halted the sample) marks it truncated; `error`
 *   is an anomaly. `attachment://` references are resolved from `attachments`.
 * - Replies with no call (the error fixture holds only replies) are warnings, not calls.
 */
import { chatReader } from "./chat-reader.js";
import { attachmentResolver, contentText } from "./chat-messages.js";
import type { FormatReader } from "./format-reader.js";
import { goldList, isObject, pickString, type Json } from "./record-fields.js";
import type { Verdict } from "../trajectory/schema.js";
import { dictScore, INSPECT_DICT_UNKNOWN } from "./inspect-dict-score.js";

/** A numeric Inspect score at or above this is a correct verdict. */
export const INSPECT_CORRECT_THRESHOLD = 0.5;

const KNOWN = new Set([
  "id",
  "epoch",
  "input",
  "target",
  "messages",
  "output",
  "scores",
  "score",
  "events",
  "attachments",
  "message_pool",
  "events_data",
  "store",
]);

/** Verdict and numeric value of an Inspect score value. */
export function inspectScore(value: unknown): { verdict: Verdict; score: number | null } {
  if (typeof value === "boolean") return { verdict: value ? "correct" : "incorrect", score: value ? 1 : 0 };
  if (typeof value === "number" && Number.isFinite(value)) {
    return { verdict: value >= INSPECT_CORRECT_THRESHOLD ? "correct" : "incorrect", score: value };
  }
  if (isObject(value)) return dictScore(value, inspectScore);
  if (typeof value !== "string") return { verdict: "unknown", score: null };
  const s = value.trim().toLowerCase();
  if (s === "c" || s === "correct" || s === "yes" || s === "true") return { verdict: "correct", score: 1 };
  if (s === "i" || s === "incorrect" || s === "n" || s === "noanswer" || s === "no" || s === "false") {
    return { verdict: "incorrect", score: 0 };
  }
  if (s === "p" || s === "partial") return { verdict: "unknown", score: 0.5 };
  if (s !== "" && Number.isFinite(Number(s))) return inspectScore(Number(s));
  return { verdict: "unknown", score: null };
}

/**
 * The sample's first score. Logs written before `scores` (a map by scorer) hold one `score`
 * object instead, which Inspect itself migrates on read (inspect_ai@499e615
 * `src/inspect_ai/log/_log.py` `EvalSample.migrate_deprecated`): read it the same way.
 */
function firstScore(o: Json): Json | null {
  if (!isObject(o.scores)) return isObject(o.score) ? o.score : null;
  for (const v of Object.values(o.scores)) if (isObject(v)) return v;
  return null;
}

export const inspectReader: FormatReader = chatReader({
  name: "inspect",
  description: "Inspect AI samples (.json log samples[], .eval members): messages, scores, epochs",
  known: KNOWN,

  detect(value) {
    if (!isObject(value) || !Array.isArray(value.messages)) return 0;
    const sampleShape = typeof value.epoch === "number" || "scores" in value || ("input" in value && "target" in value);
    const stringFunction = value.messages.some(
      (m) =>
        isObject(m) &&
        Array.isArray(m.tool_calls) &&
        m.tool_calls.some((c) => isObject(c) && typeof c.function === "string"),
    );
    return sampleShape || stringFunction ? 0.99 : 0;
  },

  resolver: (o) => attachmentResolver(o.attachments),

  meta(o, b, ctx) {
    const id = pickString(o, "id");
    const epoch = typeof o.epoch === "number" ? o.epoch : null;
    b.recordId = id !== null && epoch !== null ? `${id}/epoch-${epoch}` : id;
    b.groupId = id;
    const out = isObject(o.output) ? o.output : {};
    b.model = pickString(out, "model");
    b.goldAnswers = goldList(o.target);
    const sc = firstScore(o);
    if (sc) {
      const { verdict, score } = inspectScore(sc.value);
      b.verdict = verdict;
      b.score = score;
      if (score === null && isObject(sc.value)) ctx.note?.(INSPECT_DICT_UNKNOWN);
    }
    if (isObject(o.limit)) b.truncated = true;
    if (o.error !== undefined && o.error !== null) {
      const e =
        isObject(o.error) && typeof o.error.message === "string" ? o.error.message : "an error halted the sample";
      b.anomalies.push(`sample error: ${e.split("\n")[0]}`);
    }
  },

  finish(o, b) {
    const resolve = attachmentResolver(o.attachments);
    if (typeof o.input === "string") b.question = resolve(o.input).trim();
    else if (!b.question && Array.isArray(o.input)) {
      const u = o.input.find((m) => isObject(m) && m.role === "user");
      if (isObject(u)) b.question = contentText(u.content, resolve).text.trim();
    }
    const sc = firstScore(o);
    if (sc && typeof sc.answer === "string" && sc.answer) b.finalAnswer = sc.answer;
  },
});
