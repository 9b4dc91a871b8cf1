/**
 * ATIF trajectories (Agent Trajectory Interchange Format; Harbor / Terminal-Bench
 * `trajectory.json`, `schema_version` `ATIF-v1.0` … `ATIF-v1.7`).
 *
 * Layout (the RFC `docs/rfcs/0001-trajectory-format.md` of laude-institute/harbor, as mirrored
 * in OpenAgentsInc/openagents@d39efb6 `docs/atif/0001-trajectory-format.md`; Harbor's pydantic
 * models as vendored in refreshdotdev/harbor-trajectories, `models/trajectories/*.py`):
 * `{schema_version, session_id, agent{name, version, model_name?}, steps[], notes?,
 * final_metrics?, extra?}`; each step `{step_id, source: system|user|agent, message,
 * reasoning_content?, tool_calls?[{tool_call_id, function_name, arguments (an object)}],
 * observation?{results[{source_call_id?, content (a string, or ContentPart[] since v1.6),
 * subagent_trajectory_ref?}]}, metrics?, model_name?}`. A result pairs with a call by
 * `source_call_id` = `tool_call_id`; a result without one pairs, in order, with the step's
 * calls still unanswered. System steps' observations (context management) are not calls.
 * Later versions (seen in writers of ATIF-v1.7: Harbor's multi-agent golden fixture
 * `harbor_multiagent_v1_7.json` as validated in third-party tests, and exporters that emit v1.7):
 * a root `trajectory_id`; steps copied from an earlier trajectory (a continued run) marked
 * `is_copied_context: true` — not this run's steps, skipped; `subagent_trajectory_ref` a list of
 * `{trajectory_id, session_id?, trajectory_path?}` (one object before v1.7); child trajectories
 * embedded in the root's `subagent_trajectories[]` (each `{trajectory_id, agent, steps, …}`); a
 * result may carry only a sub-agent reference, no `content`. An embedded child's calls are kept
 * as nested calls after the call whose result references it (`extra.subAgents` lists
 * `{trajectory, parent, calls}` by call index, parent -1 when the reference sits on a result of
 * no call), so a researcher sub-agent's searches count as searches; a child no result references
 * is reported. A child stored in its own file (`trajectory_path`) is that file's trajectory.
 * No verdict is recorded in the trajectory (Harbor's verifier writes it elsewhere); a reward
 * under `extra.reward` / `final_metrics.extra.reward` is used when present.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { ToolCall, Trajectory } from "../trajectory/schema.js";
import { parseArgumentsObject } from "../trajectory/call-arguments.js";
import { attachResponse } from "./attach-response.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { extraFields, isObject, pickNumber, pickString, verdictOf, type Json } from "./record-fields.js";

const KNOWN = new Set(["schema_version", "session_id", "agent", "steps", "subagent_trajectories"]);
const VERSION = /^ATIF-v1\.\d+$/;

/** Text of a message or result: a string, or content parts whose text parts are joined. */
function textOf(c: unknown): string {
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("");
  return "";
}

function rewardOf(o: Json): number | null {
  const ex = isObject(o.extra) ? pickNumber(o.extra, "reward", "score") : null;
  const fm =
    isObject(o.final_metrics) && isObject(o.final_metrics.extra) ? pickNumber(o.final_metrics.extra, "reward") : null;
  return ex ?? fm;
}

/** The embedded sub-agent trajectories (v1.7 `subagent_trajectories`): those with a `steps` list. */
function embeddedChildren(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((c): c is Json => isObject(c) && Array.isArray(c.steps)) : [];
}

/** A result's `subagent_trajectory_ref`: one object (before v1.7) or a list of them. */
function refsOf(v: unknown): Json[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

/** The embedded child a reference names (by `trajectory_id`, else `session_id`), read once. */
function findChild(children: readonly Json[], ref: Json, used: Set<Json>): Json[] {
  const tid = pickString(ref, "trajectory_id");
  const sid = pickString(ref, "session_id");
  const hit =
    (tid !== null ? children.find((c) => !used.has(c) && pickString(c, "trajectory_id") === tid) : undefined) ??
    (tid === null && sid !== null
      ? children.find((c) => !used.has(c) && pickString(c, "session_id") === sid)
      : undefined);
  if (!hit) return [];
  used.add(hit);
  return [hit];
}

export const atifReader: FormatReader = {
  name: "atif",
  description: "ATIF trajectories (Harbor / Terminal-Bench trajectory.json, schema_version ATIF-v1.x)",

  detect(value) {
    if (!isObject(value) || !Array.isArray(value.steps)) return 0;
    const v = value.schema_version;
    if (typeof v === "string" && v.startsWith("ATIF")) return VERSION.test(v) ? 1 : 0.9;
    const steps = value.steps.filter(isObject);
    return steps.length && steps.every((s) => typeof s.source === "string" && "step_id" in s) ? 0.6 : 0;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const steps = isObject(value) && Array.isArray(value.steps) ? (value.steps as unknown[]) : null;
    if (!isObject(value) || !steps) throw new RecordError('no "steps" array (not an ATIF trajectory)');
    const o = value;
    const b = new TrajectoryBuilder({ format: "atif", file: ctx.file, line: ctx.line }, ctx.roles);
    b.recordId = pickString(o, "session_id");
    const agent = isObject(o.agent) ? o.agent : {};
    b.model = pickString(agent, "model_name") ?? pickString(agent, "name");
    b.score = rewardOf(o);
    b.verdict = b.score === 0 || b.score === 1 ? verdictOf(b.score) : "unknown";
    b.extra = extraFields(o, KNOWN);
    const version = pickString(o, "schema_version");
    if (version !== null && !VERSION.test(version))
      b.anomalies.push(`schema_version "${version}" is not ATIF-v1.x; read as v1`);

    const children = embeddedChildren(o.subagent_trajectories);
    const used = new Set<Json>();
    const subAgents: Array<{ trajectory: string; parent: number; calls: number[] }> = [];

    /** Read one agent's steps (the main trajectory at depth 0); returns its last answer text. */
    const readSteps = (list: readonly unknown[], depth: number): string | null => {
      const byId = new Map<string, ToolCall>();
      let lastAgentText: string | null = null;
      for (const s of list) {
        if (!isObject(s)) {
          b.anomalies.push("a step that is not an object was skipped");
          continue;
        }
        // context copied from an earlier trajectory (a continued run): not this run's steps
        if (s.is_copied_context === true) continue;
        const message = textOf(s.message);
        if (s.source === "user") {
          if (depth === 0 && !b.question) b.question = message.trim();
          continue;
        }
        if (s.source !== "agent") continue;
        b.step(message, typeof s.reasoning_content === "string" ? s.reasoning_content : "");
        const mine: ToolCall[] = [];
        const tcs = Array.isArray(s.tool_calls) ? s.tool_calls : [];
        for (const tc of tcs) {
          const t = isObject(tc) ? tc : {};
          const name = pickString(t, "function_name") ?? "";
          const a = t.arguments;
          const argText = typeof a === "string" ? a : JSON.stringify(a ?? {});
          const parsed = isObject(a) ? a : parseArgumentsObject(argText);
          const malformed = !name
            ? "tool call has no function_name"
            : parsed
              ? null
              : "arguments are not a JSON object";
          const call = b.call({ name, arguments: argText, parsedArguments: parsed, malformed });
          const id = pickString(t, "tool_call_id");
          if (id !== null) byId.set(id, call);
          mine.push(call);
        }
        const obs = isObject(s.observation) && Array.isArray(s.observation.results) ? s.observation.results : [];
        const spawned: Array<{ child: Json; parent: ToolCall | null }> = [];
        for (const r of obs) {
          if (!isObject(r)) continue;
          const id = pickString(r, "source_call_id");
          const call = id !== null ? byId.get(id) : mine.find((c) => c.response === null);
          const kids = refsOf(r.subagent_trajectory_ref).flatMap((ref) => findChild(children, ref, used));
          for (const child of kids) spawned.push({ child, parent: call ?? null });
          if (!call) {
            // a result that only points at a sub-agent (no call of its own) is no stray result
            if ((id !== null || tcs.length) && !kids.length)
              b.anomalies.push(`an observation result${id ? ` (source_call_id ${id})` : ""} matches no call`);
            continue;
          }
          if (id !== null) byId.delete(id);
          attachResponse(b, call, textOf(r.content));
        }
        // an embedded sub-agent's calls follow the call that spawned it, each on a step of its own
        for (const { child, parent } of spawned) {
          const first = b.calls.length;
          readSteps(child.steps as unknown[], depth + 1);
          subAgents.push({
            trajectory: pickString(child, "trajectory_id", "session_id") ?? "",
            parent: parent ? parent.index : -1,
            calls: b.calls.slice(first).map((c) => c.index),
          });
        }
        lastAgentText = tcs.length ? null : message;
      }
      return lastAgentText;
    };

    const lastAgentText = readSteps(steps, 0);
    const orphans = children.filter((c) => !used.has(c)).length;
    if (orphans)
      b.anomalies.push(`${orphans} embedded sub-agent trajector${orphans > 1 ? "ies" : "y"} referenced by no call`);
    if (subAgents.length) b.extra = { ...b.extra, subAgents };
    b.finalAnswer = lastAgentText !== null && lastAgentText.trim() ? lastAgentText.trim() : null;
    return b.build();
  },
};
