/**
 * Fathom / ReCall evaluation rows (domain.md §2.1), the primary format:
 * `{id, question, answer_gt, model_answer, judge, tool_calls[], transcript, agent, dataset}`
 * with the whole ChatML transcript. Calls and responses are paired exactly, in order, from
 * the transcript; `tool_calls` (the harness's list of raw call JSON) is used when the
 * transcript is missing and cross-checked otherwise.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { Trajectory } from "../trajectory/schema.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { asRecord, extraFields, goldList, isObject, pickString, verdictOf } from "./record-fields.js";
import { addTaggedCall, readTaggedTurns, type Turn } from "./tagged-dialogue.js";

const KNOWN = new Set([
  "id",
  "question",
  "answer_gt",
  "model_answer",
  "judge",
  "tool_calls",
  "transcript",
  "agent",
  "dataset",
]);

/** Split a ChatML string into turns; `closed` is false when the last turn has no `<|im_end|>`. */
export function chatmlTurns(transcript: string): { turns: Turn[]; lastClosed: boolean } {
  const turns: Turn[] = [];
  let lastClosed = true;
  const START = "<|im_start|>";
  const END = "<|im_end|>";
  let i = transcript.indexOf(START);
  while (i !== -1) {
    const s = i + START.length;
    const next = transcript.indexOf(START, s);
    const segEnd = next === -1 ? transcript.length : next;
    const nl = transcript.indexOf("\n", s);
    const roleEnd = nl === -1 || nl > segEnd ? segEnd : nl;
    const role = transcript.slice(s, roleEnd).trim();
    const end = transcript.indexOf(END, roleEnd);
    const closed = end !== -1 && end < segEnd;
    const content = transcript.slice(Math.min(roleEnd + 1, segEnd), closed ? end : segEnd);
    turns.push({ role, content });
    lastClosed = closed;
    i = next;
  }
  return { turns, lastClosed };
}

export const fathomReader: FormatReader = {
  name: "fathom",
  description: "Fathom/ReCall eval rows: {id, question, answer_gt, judge, tool_calls, transcript (ChatML)}",

  detect(value) {
    if (!isObject(value)) return 0;
    const t = value.transcript;
    if (typeof t === "string" && t.includes("<|im_start|>")) return 1;
    if (Array.isArray(value.tool_calls) && ("judge" in value || "answer_gt" in value || "model_answer" in value))
      return 0.9;
    if ("answer_gt" in value && "question" in value) return 0.6;
    return 0;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const o = asRecord(value);
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "score") {
      throw new RecordError(
        `harness placeholder {"score": ${JSON.stringify(o.score)}}: the eval harness exhausted its retries on this question; no transcript to read`,
      );
    }
    const transcript = typeof o.transcript === "string" ? o.transcript : null;
    const rawCalls = Array.isArray(o.tool_calls) ? o.tool_calls : null;
    if (transcript === null && rawCalls === null) {
      throw new RecordError('no "transcript" (ChatML string) or "tool_calls" field: not a readable Fathom eval row');
    }
    const b = new TrajectoryBuilder({ format: "fathom", file: ctx.file, line: ctx.line }, ctx.roles);
    b.recordId = pickString(o, "id");
    b.model = pickString(o, "agent", "model");
    b.dataset = pickString(o, "dataset");
    b.goldAnswers = goldList(o.answer_gt ?? o.answer);
    b.verdict = verdictOf(o.judge);
    b.extra = extraFields(o, KNOWN);
    if (typeof o.model_answer === "string") b.extra.model_answer = o.model_answer;

    if (transcript !== null) {
      const { turns, lastClosed } = chatmlTurns(transcript);
      const firstUser = turns.find((t) => t.role === "user");
      b.question = pickString(o, "question") ?? firstUser?.content.trim() ?? "";
      if (turns.length === 0) b.anomalies.push("transcript has no <|im_start|> turns");
      readTaggedTurns(b, turns, { lastTurnClosed: lastClosed });
      if (rawCalls && rawCalls.length !== b.calls.length) {
        b.anomalies.push(`tool_calls lists ${rawCalls.length} calls but the transcript holds ${b.calls.length}`);
      }
    } else {
      b.question = pickString(o, "question") ?? "";
      b.anomalies.push("no transcript: calls taken from tool_calls, responses unknown");
      for (const rc of rawCalls!) addTaggedCall(b, typeof rc === "string" ? rc : JSON.stringify(rc));
    }
    return b.build();
  },
};
