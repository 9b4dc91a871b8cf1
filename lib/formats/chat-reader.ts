/**
 * The one shape-driven chat reader: every dialect whose rollout is a list of chat messages
 * (OpenAI Chat, verifiers, Inspect AI, SWE-agent, mini-swe-agent) is read by `readChat`;
 * a dialect only says how it is recognised (`detect`), where its record's metadata lives
 * (`meta`) and whether its calls can be plain-text actions (`textActions`).
 *
 * Pairing: a reply with ids (`tool_call_id`, `tool_call_ids`) goes to the call of that id; a
 * reply without ids to the first unanswered call of the latest turn, then of any earlier
 * turn (verifiers writes replies without ids, in call order). A reply that matches no call
 * is a warning and is dropped. A call without a reply is kept with `response: null`.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { FormatName, ToolCall, Trajectory } from "../trajectory/schema.js";
import { attachResponse } from "./attach-response.js";
import {
  chatTurn,
  conversationOf,
  type ChatCall,
  type ChatTurn,
  type Conversation,
  type Resolve,
} from "./chat-messages.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { extraFields, lastBoxed, type Json } from "./record-fields.js";

/** How a dialect turns an assistant message without `tool_calls` into calls (plain-text actions). */
export type TextActions = (turn: ChatTurn) => ChatCall[] | null;

/** A chat dialect: recognition, metadata and plain-text actions. */
export interface ChatDialect {
  name: FormatName;
  description: string;
  detect(value: unknown): number;
  /** Metadata of the record (ids, verdict, model...), set on the builder before the messages. */
  meta?(holder: Json, b: TrajectoryBuilder, ctx: ReadContext): void;
  /** Metadata read after the messages (the final answer from a submission, say). */
  finish?(holder: Json, b: TrajectoryBuilder, state: ChatState): void;
  /** Fields of the record read into the trajectory (or bulk), kept out of `extra`. */
  known: ReadonlySet<string>;
  /** Plain-text actions of an assistant turn without tool calls, if the dialect has them. */
  textActions?: TextActions;
  /** Attachment resolver for the record (Inspect `attachments`). */
  resolver?(holder: Json): Resolve;
  /** Roles that end the run (mini-swe-agent's `exit`): the message is kept as the final answer source. */
  exitRoles?: readonly string[];
}

/** What the message pass leaves for `finish`. */
export interface ChatState {
  /** Text of the last assistant turn that issued no call, or null. */
  lastAnswerText: string | null;
  /** The exit message (mini-swe-agent `role: "exit"`), if any. */
  exit: Json | null;
  /** True when the conversation ended on calls that got no reply. */
  endsUnanswered: boolean;
}

const IDENTITY: Resolve = (s) => s;

/** The question: the first user turn of the rollout, or the last one of its prompt (after few-shot examples). */
function question(turns: readonly ChatTurn[], fromPrompt: boolean): string {
  const users = turns.filter((t) => t.role === "user");
  const u = fromPrompt ? users[users.length - 1] : users[0];
  return u ? u.text.trim() : "";
}

/** One anomaly for the replies that matched no call, naming the first few ids. */
function unmatchedReplies(ids: readonly string[]): string {
  const named = ids.filter((x) => x !== "");
  const list = named.length ? ` (tool_call_id ${named.slice(0, 3).join(", ")}${named.length > 3 ? ", …" : ""})` : "";
  return ids.length === 1 ? `a tool reply${list} matches no call` : `${ids.length} tool replies${list} match no call`;
}

/** Read one chat record of `dialect`. */
export function readChat(value: unknown, ctx: ReadContext, dialect: ChatDialect): Trajectory {
  const conv: Conversation | null = conversationOf(value);
  if (!conv) throw new RecordError('no message list ("messages", "history", "traj", "prompt" + "completion")');
  const holder = conv.holder;
  const b = new TrajectoryBuilder({ format: dialect.name, file: ctx.file, line: ctx.line }, ctx.roles);
  dialect.meta?.(holder, b, ctx);
  const resolve = dialect.resolver ? dialect.resolver(holder) : IDENTITY;
  const exitRoles = new Set(dialect.exitRoles ?? []);

  const turns: ChatTurn[] = [];
  const context: ChatTurn[] = [];
  let skipped = 0;
  conv.messages.forEach((m, k) => {
    if (m !== null && typeof m === "object" && !Array.isArray(m) && (m as Json).is_demo === true) return;
    const t = chatTurn(m, resolve);
    if (!t) skipped++;
    else if (k < conv.context) context.push(t);
    else turns.push(t);
  });
  if (skipped) b.anomalies.push(`${skipped} message${skipped > 1 ? "s" : ""} without a string role skipped`);

  const byId = new Map<string, ToolCall>();
  const open: ToolCall[] = []; // calls without a reply, in issue order
  let latest: ToolCall[] = []; // calls of the latest assistant turn
  let textTurn = false; // the latest assistant turn issued plain-text actions (reply: the next user turn)
  const state: ChatState = { lastAnswerText: null, exit: null, endsUnanswered: false };
  const unmatched: string[] = []; // ids of replies that match no call ("" without an id)
  const reply = (call: ToolCall, t: ChatTurn): void => {
    attachResponse(b, call, t.text);
    if (t.error !== null && !call.error) {
      call.error = true;
      call.errorReason = t.error;
    }
    const k = open.indexOf(call);
    if (k !== -1) open.splice(k, 1);
  };

  for (const t of turns) {
    if (t.role === "assistant") {
      b.step(t.text, t.reasoning);
      let calls = t.calls;
      textTurn = false;
      if (calls.length === 0 && dialect.textActions) {
        const text = dialect.textActions(t);
        if (text) {
          calls = text;
          textTurn = calls.length > 0;
        }
      }
      latest = [];
      for (const c of calls) {
        const call = b.call({
          name: c.name,
          arguments: c.argText,
          parsedArguments: c.args,
          malformed: c.malformed,
          ...(c.targets ? { targets: c.targets } : {}),
        });
        if (c.inline) {
          // a server-side tool the provider ran: its result is in the message, no reply follows
          attachResponse(b, call, c.inline.result);
          if (c.inline.error !== null && !call.error) {
            call.error = true;
            call.errorReason = c.inline.error;
          }
          continue;
        }
        if (c.id !== null) byId.set(c.id, call);
        latest.push(call);
        open.push(call);
      }
      // a turn whose only calls ran server-side (results inline) may also give the answer
      state.lastAnswerText = calls.some((c) => !c.inline) ? null : t.text;
      continue;
    }
    if (t.role === "tool" || t.role === "function") {
      textTurn = false;
      if (t.replyTo.length) {
        let hit = false;
        for (const id of t.replyTo) {
          const call = byId.get(id);
          if (!call) continue;
          byId.delete(id);
          reply(call, t);
          hit = true;
        }
        if (!hit) {
          unmatched.push(t.replyTo.join(", "));
        }
        continue;
      }
      const call = latest.find((c) => c.response === null) ?? open[0];
      if (!call) {
        unmatched.push("");
        continue;
      }
      reply(call, t);
      continue;
    }
    if (t.role === "user" && textTurn) {
      const call = latest.find((c) => c.response === null);
      if (call) reply(call, t);
      textTurn = latest.some((c) => c.response === null);
      continue;
    }
    if (exitRoles.has(t.role)) state.exit = t.raw;
  }
  if (unmatched.length) b.anomalies.push(unmatchedReplies(unmatched));
  state.endsUnanswered = open.length > 0 && turns.length > 0 && turns[turns.length - 1]!.role === "assistant";

  b.question = context.length ? question(context, true) : question(turns, false);
  if (state.lastAnswerText !== null) {
    b.finalAnswer = lastBoxed(state.lastAnswerText) ?? (state.lastAnswerText.trim() || null);
  }
  dialect.finish?.(holder, b, state);
  b.extra = extraFields(holder, dialect.known);
  return b.build();
}

/** A `FormatReader` for a chat dialect. */
export function chatReader(dialect: ChatDialect): FormatReader {
  return {
    name: dialect.name,
    description: dialect.description,
    detect: (v) => dialect.detect(v),
    read: (v, ctx) => readChat(v, ctx, dialect),
  };
}
