/**
 * OpenAI Chat Completions transcripts: `messages` (or tau-bench's `traj`, or a bare array of
 * messages) where assistant messages carry `tool_calls[{id, function{name, arguments}}]` and
 * replies are `{role: "tool", tool_call_id}`. Replies pair by id (by order when ids are
 * missing). Legacy `function_call` / role `function` messages are read too. Read by the
 * shared chat reader (`chat-reader.ts`).
 */
import { chatReader } from "./chat-reader.js";
import { conversationOf, messageObjects } from "./chat-messages.js";
import type { FormatReader } from "./format-reader.js";
import { goldList, isObject, pickNumber, pickString, verdictOf } from "./record-fields.js";

const KNOWN = new Set([
  "messages",
  "traj",
  "conversation",
  "id",
  "task_id",
  "trial",
  "reward",
  "question",
  "answer",
  "model",
  "dataset",
]);

export const openaiChatReader: FormatReader = chatReader({
  name: "openai-chat",
  description: 'OpenAI Chat Completions messages with tool_calls and role:"tool" replies (tau-bench traj too)',
  known: KNOWN,

  detect(value) {
    const conv = conversationOf(value);
    if (!conv || (!Array.isArray(value) && !isObject(value))) return 0;
    if (isObject(value) && Array.isArray(value.completion)) return 0; // verifiers
    const objs = messageObjects(conv.messages);
    if (objs.some((m) => Array.isArray(m.tool_calls) || m.role === "tool")) return 0.95;
    if (objs.some((m) => isObject(m.function_call))) return 0.6;
    return objs.some((m) => m.role === "assistant") ? 0.3 : 0;
  },

  meta(o, b) {
    const own = pickString(o, "id");
    const task = pickString(o, "task_id");
    const trial = pickString(o, "trial");
    b.recordId = own ?? (task !== null ? (trial !== null ? `task-${task}/trial-${trial}` : `task-${task}`) : null);
    b.groupId = task !== null ? `task-${task}` : null;
    b.model = pickString(o, "model", "agent");
    b.dataset = pickString(o, "dataset");
    b.goldAnswers = goldList(o.answer);
    b.score = pickNumber(o, "reward", "score");
    b.verdict = verdictOf(o.correct ?? o.judge ?? (b.score === 0 || b.score === 1 ? b.score : undefined));
  },

  finish(o, b) {
    b.question = pickString(o, "question") ?? b.question;
  },
});
