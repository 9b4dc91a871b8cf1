/**
 * OpenHands event histories: a bare JSON array of events (a saved trajectory, e.g.
 * `tests/runtime/trajs/*.json`), or an evaluation `output.jsonl` row whose `history` is that
 * event list (older rows hold `[action, observation]` pairs, which are flattened).
 *
 * Layout (All-Hands-AI/OpenHands@156d068, `tests/runtime/trajs/basic_gui_mode.json`,
 * `wrong_initial_state.json`; action names from `openhands/core/schema/action.py`):
 * - action events `{id, source, action, args, message, tool_call_metadata?}`; an agent action
 *   other than a message or a state change is a tool call. Its tool is
 *   `tool_call_metadata.function_name` (`execute_bash` for `run`, `str_replace_editor` for
 *   `read` / `edit`), else the action itself; its raw arguments are the model's own
 *   `function.arguments` from `tool_call_metadata.model_response` when present, else `args`.
 *   Actions that share a `model_response.id` (parallel calls) are one step.
 * - evaluation rows rebuild `history` as `[action, observation]` pairs
 *   (All-Hands-AI/OpenHands@156d068 `evaluation/utils/shared.py`
 *   `compatibility_for_eval_history_pairs`, `openhands/events/utils.py` `get_pairs_from_events`:
 *   an action with no observation gets `NullObservation('')`, which has no `cause`); in a pair
 *   whose events carry no `id` / `cause`, the pair's (non-null) observation is its action's reply.
 * - observation events `{id, cause, observation, content, extras}` pair with their action by
 *   `cause` = the action's `id`, else by `tool_call_metadata.tool_call_id`. `observation:
 *   "error"` is a failure.
 * - OpenHands V1 (the software-agent-sdk) writes events with objects for `action` / `observation`
 *   and string ids (see `v0Event` below); they are read through the same walk.
 * - environment events (`agent_state_changed`, `change_agent_state`, `null` observations)
 *   are skipped; `finish` is a call (`function_name: "finish"`) with no observation, and its
 *   `final_thought` / message is the final answer.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { ToolCall, Trajectory } from "../trajectory/schema.js";
import { parseArgumentsObject } from "../trajectory/call-arguments.js";
import { attachResponse } from "./attach-response.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { extraFields, isObject, pickString, verdictOf, type Json } from "./record-fields.js";

/** Actions that are not tool calls (messages, control and state events). */
const NOT_CALLS = new Set([
  "message",
  "system",
  "start",
  "change_agent_state",
  "null",
  "pause",
  "resume",
  "stop",
  "recall",
  "condensation",
  "condensation_request",
  "summarize",
]);

const KNOWN = new Set(["history", "instance_id", "instruction", "test_result", "metadata"]);

/** Text of OpenHands V1 content: a string or `[{type: "text", text}]`. */
function partsText(c: unknown): string {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  return c.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("");
}

/**
 * One OpenHands V1 event (the software-agent-sdk event stream, as typed in
 * All-Hands-AI/OpenHands@156d068 `frontend/src/types/v1/core/events/*.ts`) in the V0 shape the
 * reader walks, or null for an event that is neither (system prompt, state update,
 * condensation, pause). V1 events carry string ids and objects where V0 had names:
 * - `ActionEvent {id, source: "agent", thought[{text}], reasoning_content?, action{kind, …},
 *   tool_name, tool_call_id, tool_call{id, function{name, arguments}}, llm_response_id}`: a call
 *   named `tool_name`, its arguments the model's `tool_call.function.arguments`; actions of one
 *   `llm_response_id` are one step; `FinishAction` (`tool_name: "finish"`) carries `message`;
 * - `ObservationEvent {source: "environment", tool_name, tool_call_id, action_id,
 *   observation{kind, content[{type: "text", text}], error?, is_error?}}`: the reply of `action_id`;
 * - `UserRejectObservation {…, rejection_reason}` and `AgentErrorEvent {source: "agent", tool_name,
 *   tool_call_id, error}`: a failed reply;
 * - `MessageEvent {source, llm_message{role, content[]}}`: a user or agent message.
 * V0 events (a string `action` / `observation`) are returned as they are.
 */
function v0Event(e: unknown): unknown {
  if (!isObject(e) || "role" in e) return e;
  if (typeof e.action === "string" || typeof e.observation === "string") return e;
  if (isObject(e.action) && typeof e.tool_name === "string") {
    const { kind: _kind, ...args } = e.action;
    const thought = partsText(e.thought) || str(e.reasoning_content);
    const tc = isObject(e.tool_call) ? e.tool_call : null;
    return {
      id: e.id,
      source: str(e.source) || "agent",
      action: e.tool_name,
      args: { ...args, ...(thought ? { thought } : {}) },
      tool_call_metadata: {
        function_name: e.tool_name,
        tool_call_id: e.tool_call_id ?? (tc ? tc.id : null),
        model_response: { id: e.llm_response_id ?? null, choices: tc ? [{ message: { tool_calls: [tc] } }] : [] },
      },
    };
  }
  const cause = e.action_id ?? null;
  const meta = { tool_call_id: e.tool_call_id ?? null };
  if (isObject(e.observation)) {
    const ob = e.observation;
    const failed = ob.error === true || ob.is_error === true;
    const text = partsText(ob.content) || (typeof ob.error === "string" ? ob.error : "");
    return {
      id: e.id,
      cause,
      observation: failed ? "error" : str(ob.kind) || "observation",
      content: text,
      tool_call_metadata: meta,
    };
  }
  if (typeof e.rejection_reason === "string" || (typeof e.error === "string" && typeof e.tool_call_id === "string")) {
    const text = str(e.rejection_reason) || str(e.error);
    return { id: e.id, cause, observation: "error", content: text, tool_call_metadata: meta };
  }
  if (isObject(e.llm_message)) {
    const m = e.llm_message;
    const text = partsText(m.content);
    return {
      id: e.id,
      source: str(e.source) || (m.role === "assistant" ? "agent" : "user"),
      action: "message",
      args: { content: text },
    };
  }
  return null;
}

/** True for an OpenHands V1 event of any kind (`id` and `source`, and a V1 event's own fields). */
export function isV1Event(e: unknown): boolean {
  if (!isObject(e) || !("id" in e) || !("source" in e) || "role" in e) return false;
  if (typeof e.kind === "string" && e.kind.endsWith("Event")) return true;
  return (
    (isObject(e.action) && typeof e.tool_name === "string") ||
    (isObject(e.observation) && "action_id" in e) ||
    isObject(e.llm_message)
  );
}

/** An event, not a chat message (SWE-agent's `history` messages carry a text `action` and a `role`). */
function isEvent(e: unknown): e is Json {
  return isObject(e) && !("role" in e) && (typeof e.action === "string" || typeof e.observation === "string");
}

/**
 * The event list of a record, or null when it is not one. For `[action, observation]` pairs,
 * `partner` maps each observation to the action of its pair: when the events carry no `id` /
 * `cause`, the pair itself is what links them.
 */
function eventsOf(v: unknown, partner?: Map<Json, Json>): Json[] | null {
  const list = Array.isArray(v) ? v : isObject(v) && Array.isArray(v.history) ? v.history : null;
  if (!list || list.length === 0) return null;
  const flat: unknown[] = [];
  for (const raw of list as unknown[]) {
    if (!Array.isArray(raw)) {
      // a V1 event in the V0 shape; the V1 events that are no action, observation or message drop out
      if (isV1Event(raw)) {
        const e = v0Event(raw);
        if (e !== null) flat.push(e);
      } else flat.push(raw);
      continue;
    }
    const e = raw;
    flat.push(...e);
    const [a, o] = e as unknown[];
    if (partner && e.length === 2 && isEvent(a) && isEvent(o) && typeof a.action === "string") partner.set(o, a);
  }
  const events = flat.filter(isEvent);
  if (events.length === 0 || events.length < flat.length / 2) return null;
  if (!events.some((e) => typeof e.action === "string")) return null;
  return events;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The model's own argument text for a call, from the raw completion kept in tool_call_metadata. */
function modelArguments(meta: Json, callId: string | null): string | null {
  const resp = meta.model_response;
  if (!isObject(resp) || !Array.isArray(resp.choices)) return null;
  for (const ch of resp.choices) {
    const msg = isObject(ch) ? ch.message : null;
    if (!isObject(msg) || !Array.isArray(msg.tool_calls)) continue;
    for (const tc of msg.tool_calls) {
      if (!isObject(tc) || (callId !== null && tc.id !== callId) || !isObject(tc.function)) continue;
      const a = tc.function.arguments;
      return typeof a === "string" ? a : JSON.stringify(a ?? {});
    }
  }
  return null;
}

function testVerdict(o: Json): ReturnType<typeof verdictOf> {
  const tr = o.test_result;
  if (!isObject(tr)) return "unknown";
  for (const k of ["resolved", "success", "correct", "score", "result"]) if (k in tr) return verdictOf(tr[k]);
  const report = tr.report;
  return isObject(report) && "resolved" in report ? verdictOf(report.resolved) : "unknown";
}

export const openhandsReader: FormatReader = {
  name: "openhands",
  description: "OpenHands event histories (a JSON array of action/observation events, or output.jsonl rows' history)",

  detect(value) {
    const ev = eventsOf(value);
    if (!ev) return 0;
    const paired = ev.some((e) => typeof e.observation === "string" && "cause" in e);
    return paired || ev.some((e) => isObject(e.tool_call_metadata)) ? 0.97 : 0.6;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const partner = new Map<Json, Json>();
    const events = eventsOf(value, partner);
    if (!events) throw new RecordError("no OpenHands event list (action / observation events)");
    const o: Json = isObject(value) ? value : {};
    const b = new TrajectoryBuilder({ format: "openhands", file: ctx.file, line: ctx.line }, ctx.roles);
    b.recordId = pickString(o, "instance_id");
    b.verdict = testVerdict(o);
    b.extra = extraFields(o, KNOWN);
    const md = o.metadata;
    if (isObject(md)) {
      const llm = md.llm_config;
      b.model = (isObject(llm) ? pickString(llm, "model") : null) ?? pickString(md, "model_name", "agent_class");
      b.dataset = pickString(md, "dataset");
    }

    const byEventId = new Map<number | string, ToolCall>();
    const byEvent = new Map<Json, ToolCall>(); // action event → its call (for pairs without ids)
    const byCallId = new Map<string, ToolCall>();
    let lastResponseId: string | null = null;
    let lastAgentText: string | null = null;
    for (const e of events) {
      const args = isObject(e.args) ? e.args : {};
      if (typeof e.action === "string") {
        const action = e.action;
        const source = str(e.source);
        if (action === "message") {
          const text = str(args.content) || str(e.message);
          if (source === "user" && !b.question) b.question = text.trim();
          if (source === "agent") {
            b.step(text, str(args.thought));
            lastAgentText = text;
            lastResponseId = null;
          }
          continue;
        }
        const meta = isObject(e.tool_call_metadata) ? e.tool_call_metadata : null;
        if (source !== "agent" || (NOT_CALLS.has(action) && !meta)) continue;
        const callId = meta ? pickString(meta, "tool_call_id") : null;
        const resp = meta && isObject(meta.model_response) ? pickString(meta.model_response, "id") : null;
        if (resp === null || resp !== lastResponseId) b.step(str(args.thought) || str(e.message), str(args.thought));
        lastResponseId = resp;
        // an MCP tool (`call_tool_mcp`, `openhands/events/action/mcp.py` MCPAction) is named in its args
        const mcp = action === "call_tool_mcp" && typeof args.name === "string" ? args.name : null;
        const name = (meta ? pickString(meta, "function_name") : null) ?? mcp ?? action;
        const argText =
          (meta ? modelArguments(meta, callId) : null) ??
          (mcp !== null && isObject(args.arguments) ? JSON.stringify(args.arguments) : JSON.stringify(args));
        const parsed = parseArgumentsObject(argText);
        const call = b.call({ name, arguments: argText, parsedArguments: parsed });
        if (typeof e.id === "number" || typeof e.id === "string") byEventId.set(e.id, call);
        byEvent.set(e, call);
        if (callId !== null) byCallId.set(callId, call);
        if (action === "finish") {
          lastAgentText = str(args.final_thought) || str(args.message) || str(e.message) || null;
        } else lastAgentText = null;
        continue;
      }
      // an observation
      const cause = typeof e.cause === "number" || typeof e.cause === "string" ? e.cause : null;
      const meta = isObject(e.tool_call_metadata) ? e.tool_call_metadata : null;
      const callId = meta ? pickString(meta, "tool_call_id") : null;
      const pairedWith = partner.get(e);
      const call =
        (cause !== null ? byEventId.get(cause) : undefined) ??
        (callId !== null ? byCallId.get(callId) : undefined) ??
        (pairedWith && e.observation !== "null" ? byEvent.get(pairedWith) : undefined);
      if (!call) {
        if (callId !== null) b.anomalies.push(`an observation (tool_call_id ${callId}) matches no call`);
        continue;
      }
      if (call.response !== null) continue; // a second observation of one action (e.g. a retry)
      const content = str(e.content) || str(e.message);
      if (e.observation === "error") b.respond(call, { text: content, failure: content || "error observation" });
      else attachResponse(b, call, content);
    }
    b.finalAnswer = lastAgentText !== null && lastAgentText.trim() ? lastAgentText.trim() : null;
    if (!b.question) b.question = pickString(o, "instruction") ?? "";
    return b.build();
  },
};
