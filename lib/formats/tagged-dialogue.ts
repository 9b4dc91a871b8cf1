/**
 * Reads a dialogue whose tool calls and responses are tags inside message text, the ChatML
 * convention of ReCall/Fathom, Qwen-agent (WebDancer) and verl multi-turn rollouts:
 * assistant turns hold `<tool_call>{"name", "arguments"}</tool_call>` blocks (several per turn
 * allowed), the next user/tool turn holds one `<tool_response>` per call, in order, with no ids.
 *
 * Harness rule (domain.md §2.1): a turn whose `<tool_call>` and `</tool_call>` counts differ
 * yields no calls; on the last turn that is a normal truncation, elsewhere an anomaly.
 */
import type { TrajectoryBuilder } from "../trajectory/builder.js";
import type { ToolCall } from "../trajectory/schema.js";
import { attachResponse } from "./attach-response.js";
import { blocksOf, reasoningOf } from "./tag-blocks.js";
import { isObject, lastAnswerTag, lastBoxed } from "./record-fields.js";
import { executorResult } from "./tool-failure.js";

export interface Turn {
  role: string;
  content: string;
}

const NAME_RE = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const FIELD_RE = (k: string) => new RegExp(`"${k}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, "g");
const QUERY_RE = FIELD_RE("query");
const URL_RE = FIELD_RE("url");
const GOAL_RE = FIELD_RE("goal");

function unescape(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

function allMatches(re: RegExp, text: string): string[] {
  return [...text.matchAll(re)].map((m) => unescape(m[1] ?? ""));
}

/** Parse the JSON inside a `<tool_call>` block and register the call. */
export function addTaggedCall(b: TrajectoryBuilder, block: string): ToolCall {
  const raw = block.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    const name = NAME_RE.exec(raw);
    const goal = allMatches(GOAL_RE, raw);
    return b.call({
      name: name ? unescape(name[1] ?? "") : "",
      arguments: raw,
      parsedArguments: null,
      targets: { queries: allMatches(QUERY_RE, raw), urls: allMatches(URL_RE, raw), goal: goal[0] ?? null },
      malformed: `call is not valid JSON (${(err as Error).message})`,
    });
  }
  if (!isObject(parsed) || typeof parsed.name !== "string") {
    return b.call({ name: "", arguments: raw, parsedArguments: null, malformed: "call JSON has no string \"name\"" });
  }
  let args: unknown = parsed.arguments ?? parsed.parameters ?? {};
  let argText: string;
  if (typeof args === "string") {
    argText = args;
    try {
      args = JSON.parse(args);
    } catch {
      args = null;
    }
  } else argText = JSON.stringify(args);
  const obj = isObject(args) ? args : null;
  return b.call({
    name: parsed.name,
    arguments: argText,
    parsedArguments: obj,
    malformed: obj ? null : "call \"arguments\" is not a JSON object",
  });
}

/** Attach a tool response text to a call: strip the echoed call JSON and executor labels. */
export function addTaggedResponse(b: TrajectoryBuilder, call: ToolCall, block: string): void {
  let text = block.startsWith("\n") ? block.slice(1) : block;
  // Fathom echoes the raw call JSON on the response's first line
  if (text.startsWith("{")) {
    const nl = text.indexOf("\n");
    const first = nl === -1 ? text : text.slice(0, nl);
    if (first.includes('"name"')) {
      try {
        JSON.parse(first);
        text = nl === -1 ? "" : text.slice(nl + 1);
      } catch {
        /* not an echo */
      }
    }
  }
  text = executorResult(text);
  if (text.endsWith("\n")) text = text.slice(0, -1);
  attachResponse(b, call, text);
}

/**
 * Build steps and calls from turns. Turns other than `assistant` that hold
 * `<tool_response>` blocks answer the previous assistant turn's calls.
 */
export function readTaggedTurns(b: TrajectoryBuilder, turns: Turn[], lastTurnClosed = true, responseTag = "tool_response"): void {
  const OPEN = `<${responseTag}>`;
  const CLOSE = `</${responseTag}>`;
  let pending: ToolCall[] = [];
  let lastAssistant = -1;
  turns.forEach((t, i) => {
    if (t.role === "assistant") lastAssistant = i;
  });
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    if (t.role === "assistant") {
      const stepIndex = b.step(t.content, reasoningOf(t.content));
      const calls = blocksOf(t.content, "<tool_call>", "</tool_call>");
      pending = [];
      if (calls.opens !== calls.closes) {
        const last = i === lastAssistant;
        b.anomalies.push(
          `step ${stepIndex}: ${calls.opens} <tool_call> but ${calls.closes} </tool_call>; no calls extracted (harness rule)` +
            (last ? " — truncated final turn" : ""),
        );
        if (last) b.truncated = true;
        continue;
      }
      for (const blk of calls.blocks) pending.push(addTaggedCall(b, blk));
      if (i === lastAssistant && pending.length === 0) {
        b.finalAnswer = lastBoxed(t.content) ?? lastAnswerTag(t.content);
      }
      continue;
    }
    // before the first assistant turn, tags are prompt text (instructions, examples)
    if (b.steps.length === 0 || t.content.indexOf(OPEN) === -1) continue;
    const res = blocksOf(t.content, OPEN, CLOSE);
    if (res.opens !== res.closes) b.anomalies.push(`turn ${i}: ${res.opens} ${OPEN} but ${res.closes} ${CLOSE}`);
    if (res.blocks.length !== pending.length) {
      b.anomalies.push(`turn ${i}: ${res.blocks.length} tool responses for ${pending.length} calls; paired in order`);
    }
    const n = Math.min(res.blocks.length, pending.length);
    for (let k = 0; k < n; k++) addTaggedResponse(b, pending[k]!, res.blocks[k]!);
    pending = [];
  }
  const lastStep = b.steps[b.steps.length - 1];
  if (b.finalAnswer === null && lastStep && !b.truncated) {
    if (!lastTurnClosed) b.truncated = true;
    else if (lastStep.calls.length > 0) {
      b.truncated = true;
      b.anomalies.push("rollout ends with tool calls and no final answer");
    }
  }
}
