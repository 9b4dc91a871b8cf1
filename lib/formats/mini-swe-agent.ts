/**
 * mini-swe-agent trajectories (SWE-agent/mini-swe-agent).
 *
 * - 2.x object (`agents/default.py` `serialize` @a83fcae; sample from pull request 816 @e5e0fbc):
 *   `{info{model_stats, config, mini_version, exit_status, submission}, messages[],
 *   trajectory_format: "mini-swe-agent-1.1", instance_id}`. Tool-calling models write
 *   OpenAI `tool_calls[{id, function{name: "bash", arguments: {"command"}}}]` with
 *   `extra.actions`, replies `{role: "tool", tool_call_id}`; text-based models
 *   (`models/utils/actions_text.py`) write the parsed commands in `extra.actions` and the
 *   outputs as `user` turns. The run ends with a `role: "exit"` message (`extra.exit_status`,
 *   `extra.submission`) in place of the last call's reply.
 * - Before the format was versioned (@3afab092 `run/utils/save.py`, 2025-07): `{info{exit_status,
 *   submission, model_stats{instance_cost, api_calls}}, messages[]}`, commands in ```` ```bash ````
 *   fences; read as 1.x.
 * - 1.x (`trajectory_format: "mini-swe-agent-1"`, and the bare array of `{role, content}` of
 *   `tests/test_data/local.traj.json`): each assistant turn should hold exactly one fenced
 *   command (```` ```mswea_bash_command ````, older ```` ```bash ````, or the XML configs'
 *   `<mswea_bash_command>` / `<bash_code>`); a turn with exactly one is executed and its
 *   output is the next `user` turn; a turn with none or several got a format error, no call.
 *
 * Every command is one `bash` call with arguments `{"command"}`. The submission is the final
 * answer; exit status `LimitsExceeded` / `TimeExceeded` marks the run truncated. No verdict.
 */
import { chatReader } from "./chat-reader.js";
import { messageObjects, type ChatCall, type ChatTurn } from "./chat-messages.js";
import type { FormatReader } from "./format-reader.js";
import { isObject, pickString, type Json } from "./record-fields.js";

const KNOWN = new Set(["messages", "trajectory_format", "instance_id"]);
const FENCES = [
  /```mswea_bash_command\s*\n([\s\S]*?)\n```/g,
  /```bash\s*\n([\s\S]*?)\n```/g,
  /<mswea_bash_command>([\s\S]*?)<\/mswea_bash_command>/g,
  /<bash_code>([\s\S]*?)<\/bash_code>/g,
];
const LIMIT_EXIT = /^(LimitsExceeded|TimeExceeded)$/;

function bashCall(command: string, id: string | null): ChatCall {
  const args = { command };
  return { id, name: "bash", argText: JSON.stringify(args), args, malformed: null };
}

/** The commands of a mini-swe-agent assistant turn without tool calls. */
export function miniTextActions(turn: ChatTurn): ChatCall[] | null {
  const extra = turn.raw.extra;
  if (isObject(extra) && Array.isArray(extra.actions)) {
    return extra.actions.flatMap((a) =>
      isObject(a) && typeof a.command === "string"
        ? [bashCall(a.command, typeof a.tool_call_id === "string" ? a.tool_call_id : null)]
        : [],
    );
  }
  for (const re of FENCES) {
    const found = [...turn.text.matchAll(re)].map((m) => m[1]!.trim());
    if (found.length === 0) continue;
    return found.length === 1 ? [bashCall(found[0]!, null)] : [];
  }
  return null;
}

function looksMini(msgs: readonly Json[]): boolean {
  return msgs.some(
    (m) =>
      (m.role === "assistant" &&
        typeof m.content === "string" &&
        /```mswea_bash_command|<mswea_bash_command>/.test(m.content)) ||
      (m.role === "user" && typeof m.content === "string" && m.content.startsWith("<returncode>")) ||
      m.role === "exit",
  );
}

function infoOf(o: Json): Json {
  return isObject(o.info) ? o.info : {};
}

export const miniSweAgentReader: FormatReader = chatReader({
  name: "mini-swe-agent",
  description: "mini-swe-agent trajectories: 2.x {info, messages, trajectory_format} or the 1.x message array",
  known: KNOWN,

  detect(value) {
    if (Array.isArray(value)) return looksMini(messageObjects(value)) ? 0.99 : 0;
    if (!isObject(value) || !Array.isArray(value.messages)) return 0;
    if (typeof value.trajectory_format === "string" && value.trajectory_format.startsWith("mini-swe-agent"))
      return 0.99;
    if (isObject(value.info) && "mini_version" in value.info) return 0.99;
    // before the format was versioned (mini-swe-agent@3afab092 `run/utils/save.py` `save_traj`,
    // 2025-07): `{info{exit_status, submission, model_stats}, messages}` and nothing else to tell
    const info = value.info;
    if (isObject(info) && isObject(info.model_stats) && ("exit_status" in info || "submission" in info)) return 0.99;
    return looksMini(messageObjects(value.messages)) ? 0.9 : 0;
  },

  textActions: miniTextActions,
  exitRoles: ["exit"],

  meta(o, b) {
    b.recordId = pickString(o, "instance_id");
    const cfg = infoOf(o).config;
    const model = isObject(cfg) && isObject(cfg.model) ? cfg.model : {};
    b.model = pickString(model, "model_name");
  },

  finish(o, b, state) {
    const info = infoOf(o);
    const exitExtra = state.exit && isObject(state.exit.extra) ? state.exit.extra : {};
    const status = pickString(info, "exit_status") ?? pickString(exitExtra, "exit_status");
    if (status !== null && LIMIT_EXIT.test(status)) b.truncated = true;
    const sub = pickString(info, "submission") ?? pickString(exitExtra, "submission");
    if (sub !== null && sub.trim()) b.finalAnswer = sub.trim();
  },
});
