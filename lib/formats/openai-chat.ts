/**
 * OpenAI Chat Completions transcripts: `messages` (or tau-bench's `traj`) where assistant
 * messages carry `tool_calls[{id, function{name, arguments}}]` and replies are
 * `{role: "tool", tool_call_id}`. Replies pair by id (by order when ids are missing).
 * Legacy `function_call` / role `function` messages are read too.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { ToolCall, Trajectory } from "../trajectory/schema.js";
import { parseArgumentsObject } from "../trajectory/call-arguments.js";
import { attachResponse } from "./attach-response.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { asRecord, extraFields, goldList, isObject, lastBoxed, pickNumber, pickString, verdictOf, type Json } from "./record-fields.js";

const KNOWN = new Set(["messages", "traj", "conversation", "id", "task_id", "trial", "reward", "question", "answer", "model", "dataset"]);

function messagesOf(o: Json): unknown[] | null {
  for (const k of ["messages", "traj", "conversation"]) if (Array.isArray(o[k])) return o[k] as unknown[];
  return null;
}

function text(c: unknown): string {
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("");
  return "";
}

export const openaiChatReader: FormatReader = {
  name: "openai-chat",
  description: "OpenAI Chat Completions messages with tool_calls and role:\"tool\" replies (tau-bench traj too)",

  detect(value) {
    if (!isObject(value)) return 0;
    const msgs = messagesOf(value);
    if (!msgs) return 0;
    const objs = msgs.filter(isObject);
    if (objs.some((m) => Array.isArray(m.tool_calls) || m.role === "tool")) return 0.95;
    if (objs.some((m) => isObject(m.function_call))) return 0.6;
    return objs.some((m) => m.role === "assistant") ? 0.3 : 0;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const o = asRecord(value);
    const msgs = messagesOf(o);
    if (!msgs) throw new RecordError('no "messages" (or "traj") array');
    const b = new TrajectoryBuilder({ format: "openai-chat", file: ctx.file, line: ctx.line }, ctx.roles);
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
    b.extra = extraFields(o, KNOWN);

    const byId = new Map<string, ToolCall>();
    let pending: ToolCall[] = [];
    let lastAssistantText: string | null = null;
    for (const m of msgs) {
      if (!isObject(m) || typeof m.role !== "string") {
        b.anomalies.push("a message without a string role was skipped");
        continue;
      }
      if (m.role === "user" && !b.question) b.question = text(m.content).trim();
      if (m.role === "assistant") {
        const t = text(m.content);
        b.step(t);
        const tcs = Array.isArray(m.tool_calls) ? m.tool_calls : isObject(m.function_call) ? [{ function: m.function_call }] : [];
        pending = [];
        for (const tc of tcs) {
          const fn = isObject(tc) && isObject(tc.function) ? tc.function : null;
          const name = fn && typeof fn.name === "string" ? fn.name : "";
          const argText = fn ? (typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments ?? {})) : "";
          const args = parseArgumentsObject(argText);
          const call = b.call({
            name,
            arguments: argText,
            parsedArguments: args,
            malformed: !fn || !name ? "tool call has no function name" : args ? null : "arguments are not a JSON object",
          });
          if (isObject(tc) && typeof tc.id === "string") byId.set(tc.id, call);
          pending.push(call);
        }
        lastAssistantText = tcs.length ? null : t;
      } else if (m.role === "tool" || m.role === "function") {
        const id = typeof m.tool_call_id === "string" ? m.tool_call_id : null;
        const call = id !== null ? byId.get(id) : pending.find((c) => c.response === null);
        if (!call) {
          b.anomalies.push(`a tool reply${id ? ` (tool_call_id ${id})` : ""} matches no call`);
          continue;
        }
        if (id !== null) byId.delete(id);
        const body = text(m.content);
        attachResponse(b, call, body);
      }
    }
    if (lastAssistantText !== null) b.finalAnswer = lastBoxed(lastAssistantText) ?? (lastAssistantText.trim() || null);
    if (b.question === "") b.question = pickString(o, "question") ?? "";
    else b.question = pickString(o, "question") ?? b.question;
    return b.build();
  },
};
