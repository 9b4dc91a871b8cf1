/**
 * MiroFlow / MiroThinker task logs: the `TaskTracer` JSON MiroFlow saves per task.
 *
 * Layout (MiroMindAI/MiroFlow@95857bc, `src/logging/task_tracer.py`, `src/core/orchestrator.py`,
 * `src/utils/parsing_utils.py`, `src/llm/providers/*_client.py`, `config/agent_prompts/*.py`):
 * `{status, task_id, task_name, ground_truth, input{task_description, task_file_name, metadata},
 * final_boxed_answer, judge_result, error, main_agent_message_history{system_prompt,
 * message_history[]}, sub_agent_message_history_sessions{<session id>: {system_prompt,
 * message_history[]}}, step_logs[]}`.
 * - Messages are `{role, content}` with `content` a string or `[{type: "text", text}]`; the
 *   orchestrator may prefix texts with a message id `[msg_…] `, which is dropped.
 * - Calls are `<use_mcp_tool><server_name>S</server_name><tool_name>T</tool_name><arguments>
 *   {JSON}</arguments></use_mcp_tool>` blocks in assistant text; the tool is `T` (the server is
 *   kept in `extra.servers`). Results come back as the next `user` message: one call's result
 *   verbatim; for several, "Valid tool call N result:\n…" sections (then "Failed tool call N
 *   result:"), matched to the turn's calls in order.
 * - A call whose server starts with `agent-` runs a sub-agent (browsing / worker). Sessions are
 *   named `{server}_{k}`, `k` counting sub-agent calls over the whole task
 *   (`TaskTracer.start_sub_agent_session`). The session's calls are kept as nested calls: they
 *   follow their parent call in `calls`, each on a step of its own, and `extra.subAgents` lists
 *   `{session, parent, calls}` (call indices), so a browsing agent's searches count as searches.
 * - Clients with native tool calling (the DeepSeek client) keep OpenAI `tool_calls` on the assistant
 *   message instead, named `{server}-{tool}` (`src/llm/providers/deepseek_openrouter_client.py`).
 * - MiroThinker's `TaskLog` (MiroMindAI/MiroThinker@370f983, `apps/miroflow-agent/src/logging/
 *   task_logger.py`) has the same histories, `final_judge_result` for the verdict and no `input`; older
 *   logs name the sessions object `browser_agent_message_history_sessions` (sessions `browser_agent_k`,
 *   `apps/collect-trace/utils/converters/example_usage.py`), matched to sub-agent calls in order.
 * - Verdict: `judge_result` (`CORRECT` / `INCORRECT`; `NOT_ATTEMPTED` is unknown); the answer is
 *   `final_boxed_answer`; the gold answer `ground_truth`.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { ToolCall, Trajectory } from "../trajectory/schema.js";
import { parseArgumentsObject } from "../trajectory/call-arguments.js";
import { attachResponse } from "./attach-response.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { extraFields, goldList, isObject, lastBoxed, pickString, verdictOf } from "./record-fields.js";

const KNOWN = new Set([
  "main_agent_message_history",
  "sub_agent_message_history_sessions",
  "task_id",
  "ground_truth",
  "input",
  "final_boxed_answer",
  "judge_result",
  "final_judge_result",
  "browser_agent_message_history_sessions",
  "step_logs",
]);

const MCP_CALL = new RegExp(
  [
    "<use_mcp_tool[^>]*>\\s*",
    "<server_name[^>]*>([\\s\\S]*?)</server_name>\\s*",
    "<tool_name[^>]*>([\\s\\S]*?)</tool_name>\\s*",
    "<arguments[^>]*>\\s*([\\s\\S]*?)\\s*</arguments>\\s*",
    "</use_mcp_tool>",
  ].join(""),
  "gi",
);
const MSG_ID = /^\[msg_[^\]\s]*\]\s?/;
const RESULT_SECTION = /^(?:Valid|Failed) tool call \d+ result:\n/m;

/**
 * A history: `{system_prompt, message_history[]}` as the orchestrators write it, or a bare list
 * (MiroThinker's `TaskLog` declares the field `List[Dict]` with a `[]` default, which is what a log
 * of a task that failed before the main agent ran holds; MiroMindAI/MiroThinker@370f983
 * `apps/miroflow-agent/src/logging/task_logger.py`).
 */
function historyOf(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  return isObject(v) && Array.isArray(v.message_history) ? v.message_history : null;
}

function textOf(c: unknown): string {
  const raw =
    typeof c === "string"
      ? c
      : Array.isArray(c)
        ? c.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("")
        : "";
  return raw.startsWith("[msg_") ? raw.replace(MSG_ID, "") : raw;
}

/** Split one user message of tool results into per-call texts (in the order the sections appear). */
function splitResults(text: string, n: number): string[] {
  if (n <= 1) return [text];
  const parts = text.split(RESULT_SECTION);
  return parts.length > 1 ? parts.slice(1).map((p) => p.replace(/\n\n$/, "")) : [text];
}

interface ParsedCall {
  server: string;
  tool: string;
  args: string;
}

function mcpCalls(text: string): { calls: ParsedCall[]; unclosed: number } {
  const calls: ParsedCall[] = [];
  if (!text.includes("<use_mcp_tool")) return { calls, unclosed: 0 };
  for (const m of text.matchAll(MCP_CALL)) calls.push({ server: m[1]!.trim(), tool: m[2]!.trim(), args: m[3]! });
  let opened = 0;
  for (let i = text.indexOf("<use_mcp_tool"); i !== -1; i = text.indexOf("<use_mcp_tool", i + 13)) opened++;
  return { calls, unclosed: Math.max(0, opened - calls.length) };
}

/**
 * Calls of clients that use native tool calling (MiroFlow's DeepSeek client): assistant
 * `tool_calls[{id, function{name: "{server}-{tool}", arguments}}]`, the name split at its last
 * `-` as `parse_llm_response_for_tool_calls` does; the results still come back as a user message.
 */
function openaiToolCalls(v: unknown): { calls: ParsedCall[]; unclosed: number } | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const calls: ParsedCall[] = [];
  for (const tc of v) {
    const fn = isObject(tc) && isObject(tc.function) ? tc.function : {};
    const full = typeof fn.name === "string" ? fn.name : "";
    const cut = full.lastIndexOf("-");
    const a = fn.arguments;
    calls.push({
      server: cut > 0 ? full.slice(0, cut) : "",
      tool: cut > 0 ? full.slice(cut + 1) : full,
      args: typeof a === "string" ? a : JSON.stringify(a ?? {}),
    });
  }
  return { calls, unclosed: 0 };
}

export const miroflowReader: FormatReader = {
  name: "miroflow",
  description:
    "MiroFlow / MiroThinker task logs (main_agent_message_history with <use_mcp_tool> calls, sub-agent sessions)",

  detect(value) {
    if (!isObject(value)) return 0;
    const h = value.main_agent_message_history;
    if (isObject(h) && historyOf(h)) return 0.99;
    // the bare-list form only with the log's other fields (a task id and the sub-agent sessions)
    if (Array.isArray(h) && "task_id" in value && isObject(value.sub_agent_message_history_sessions)) return 0.99;
    return isObject(value.sub_agent_message_history_sessions) ? 0.5 : 0;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const o = isObject(value) ? value : null;
    const main = o ? historyOf(o.main_agent_message_history) : null;
    if (!o || !main) throw new RecordError('no "main_agent_message_history.message_history" list');
    const b = new TrajectoryBuilder({ format: "miroflow", file: ctx.file, line: ctx.line }, ctx.roles);
    b.recordId = pickString(o, "task_id");
    b.goldAnswers = goldList(o.ground_truth);
    b.verdict = verdictOf(o.judge_result ?? o.final_judge_result);
    b.extra = extraFields(o, KNOWN);
    const sessions = isObject(o.sub_agent_message_history_sessions)
      ? o.sub_agent_message_history_sessions
      : isObject(o.browser_agent_message_history_sessions)
        ? o.browser_agent_message_history_sessions
        : {};
    const sessionIds = Object.keys(sessions);
    const servers: Record<string, string> = {};
    const subAgents: Array<{ session: string; parent: number; calls: number[] }> = [];
    let subCount = 0;

    /** Read one agent's history; sub-agent calls recurse into their sessions. Returns its last text. */
    const readHistory = (history: unknown[], depth: number): string | null => {
      let pending: ToolCall[] = [];
      let last: string | null = null;
      for (const m of history) {
        if (!isObject(m)) continue;
        const text = textOf(m.content);
        if (m.role === "user") {
          if (depth === 0 && !b.question) b.question = text.trim();
          if (pending.length) {
            const parts = splitResults(text, pending.length);
            pending.forEach((c, k) => {
              const part = parts[k];
              if (part !== undefined) attachResponse(b, c, part);
            });
            pending = [];
          }
          continue;
        }
        if (m.role !== "assistant") continue;
        const { calls, unclosed } = openaiToolCalls(m.tool_calls) ?? mcpCalls(text);
        b.step(text);
        if (unclosed) b.anomalies.push(`step ${b.steps.length - 1}: ${unclosed} <use_mcp_tool> block(s) not parsed`);
        pending = [];
        for (const [k, pc] of calls.entries()) {
          const parsed = parseArgumentsObject(pc.args);
          const call = b.call({
            name: pc.tool,
            arguments: pc.args,
            parsedArguments: parsed,
            malformed: !pc.tool ? "no tool_name" : parsed ? null : "arguments are not a JSON object",
          });
          servers[pc.tool] ??= pc.server;
          pending.push(call);
          if (pc.server.startsWith("agent-")) {
            subCount++;
            const named = `${pc.server}_${subCount}`;
            // the writer's name; else the k-th session (older logs name them browser_agent_k)
            const id = named in sessions ? named : (sessionIds[subCount - 1] ?? named);
            const sub = historyOf(sessions[id]);
            if (!sub) {
              b.anomalies.push(`sub-agent call ${call.index} (${pc.server}): no session "${id}" in the log`);
              continue;
            }
            const first = b.calls.length;
            readHistory(sub, depth + 1);
            subAgents.push({ session: id, parent: call.index, calls: b.calls.slice(first).map((c) => c.index) });
            // the parent's turn resumes: its later calls must not land on the sub-agent's last step
            if (k < calls.length - 1) b.step("");
          }
        }
        last = calls.length ? null : text;
      }
      return last;
    };

    const lastText = readHistory(main, 0);
    const input = isObject(o.input) ? o.input : {};
    b.question = pickString(input, "task_description") ?? b.question;
    const boxed = pickString(o, "final_boxed_answer");
    b.finalAnswer = boxed && boxed.trim() ? boxed.trim() : lastText !== null ? lastBoxed(lastText) : null;
    if (o.status === "interrupted") b.truncated = true;
    b.extra = { ...b.extra, servers, ...(subAgents.length ? { subAgents } : {}) };
    return b.build();
  },
};
