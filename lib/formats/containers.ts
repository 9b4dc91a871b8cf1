/**
 * Containers of rollouts, expanded before format detection so that every reader sees one
 * rollout per record, whatever the file nests:
 *
 * - An **Inspect AI JSON log** `{version, status, eval, plan, results, stats, samples[]}`
 *   (inspect_ai@499e615, `src/inspect_ai/log/_log.py` `EvalLog`; fixture
 *   `tests/log/test_eval_log/log_tool_call_error.json`) gives one member per sample. The
 *   members take `eval.model` as model and `eval.dataset.name` (else `eval.task`) as
 *   dataset; the sample's own `id` / `epoch` give its id and group (the chat reader). A log
 *   without `samples` (a header-only log, `--no-log-samples`) has no rollouts.
 * - A **JSON object keyed by rollout id** (FireAct's `trajs/*.json`, anchen1011/FireAct@94c6189:
 *   `{"<question id>": {reward, em, f1, gt, pred, prompt, traj, traj_by_line}, …}`) gives one
 *   member per value; the key is the member's id when the value has none of its own.
 *
 * - A **SWE-agent RetryAgent file saved without choosing** (SWE-agent/SWE-agent@3ea751c,
 *   `sweagent/agent/agents.py` `RetryAgent.get_trajectory_data`): `{attempts[{history,
 *   trajectory, info}], …}` with no top-level `history` gives one member per attempt (with a
 *   chosen attempt, its fields are at the top and the file is one rollout).
 *
 * - A **verifiers v1 episode** (PrimeIntellect-ai/verifiers@a60a606, `verifiers/v1/episode.py`
 *   `Episode`, one a line of `traces.jsonl`): `{id, env{id}, task, group?, run?, ok, errors,
 *   traces[Trace]}` gives one member per trace (a multi-agent episode has one per agent); the
 *   members take `env.id` as dataset. An episode without traces (its task failed before any
 *   rollout) has no rollouts.
 *
 * A file whose records are chat messages (`{role, content}`: mini-swe-agent 1.x
 * `local.traj.json`, SWE-agent/mini-swe-agent@a83fcae `tests/test_data/`) or agent events
 * (OpenHands `{id, source, action|observation}`, All-Hands-AI/OpenHands@156d068
 * `tests/runtime/trajs/`) is ONE rollout: `gatherRollout` collects its records into one
 * record whose value is the array of them, and the readers see that array.
 */
import type { RawRecord } from "../io/raw-record.js";
import { isObject, type Json } from "./record-fields.js";
import { isV1Event } from "./openhands.js";

/** One rollout's record as the readers see it, with what its container knew about it. */
export interface Member {
  /** 1-based line of the record (of the container, for members of a JSON document). */
  line: number;
  value: unknown;
  /** The record's key in a keyed container: its id when the record carries none. */
  key?: string;
  /** Provenance the container carries for all its members (an Inspect log's `eval`). */
  model?: string;
  dataset?: string;
}

/** What `expandContainer` makes of one framed record. */
export interface Expansion {
  members: Member[];
  /** Set when the record was a container: what kind, for the load report. */
  container: "inspect-log" | "keyed-object" | "attempts" | "episode" | null;
}

/** True for an Inspect AI log object (`version` number, `eval` spec object). */
export function isInspectLog(v: unknown): v is Json {
  return (
    isObject(v) &&
    typeof v.version === "number" &&
    isObject(v.eval) &&
    (v.samples === undefined || v.samples === null || Array.isArray(v.samples))
  );
}

function inspectMembers(log: Json, line: number): Member[] {
  const spec = isObject(log.eval) ? log.eval : {};
  const model = typeof spec.model === "string" ? spec.model : undefined;
  const ds = isObject(spec.dataset) && typeof spec.dataset.name === "string" ? spec.dataset.name : undefined;
  const dataset = ds ?? (typeof spec.task === "string" ? spec.task : undefined);
  const samples = Array.isArray(log.samples) ? log.samples : [];
  return samples.map((value) => ({
    line,
    value,
    ...(model !== undefined ? { model } : {}),
    ...(dataset !== undefined ? { dataset } : {}),
  }));
}

/** True for a verifiers v1 episode: `traces` a list of trace objects beside the episode's `task`. */
export function isEpisode(v: unknown): v is Json & { traces: unknown[] } {
  return (
    isObject(v) &&
    Array.isArray(v.traces) &&
    isObject(v.task) &&
    v.traces.every((t) => isObject(t) && (Array.isArray(t.nodes) || Array.isArray(t.trajectory)))
  );
}

function episodeMembers(ep: Json & { traces: unknown[] }, line: number): Member[] {
  const env = isObject(ep.env) && typeof ep.env.id === "string" && ep.env.id ? ep.env.id : undefined;
  return ep.traces.map((value) => ({ line, value, ...(env !== undefined ? { dataset: env } : {}) }));
}

/** True for a SWE-agent RetryAgent file whose attempts were not chosen (no top-level history). */
export function isAttempts(v: unknown): v is Json & { attempts: unknown[] } {
  return (
    isObject(v) &&
    Array.isArray(v.attempts) &&
    v.history === undefined &&
    v.attempts.length > 0 &&
    v.attempts.every((a) => isObject(a) && (Array.isArray(a.history) || Array.isArray(a.trajectory)))
  );
}

/**
 * True when `v` is an object keyed by id whose values are rollout records: at least one
 * key, every value a non-empty object, and the values share at least one field name (the
 * fields of one record type). `recognised(v)` (a reader detects the object itself) wins.
 */
export function isKeyedObject(v: unknown, recognised: (v: unknown) => boolean): v is Json {
  if (!isObject(v)) return false;
  const values = Object.values(v);
  if (values.length === 0) return false;
  let shared: Set<string> | null = null;
  for (const x of values) {
    if (!isObject(x)) return false;
    const keys = Object.keys(x);
    if (keys.length === 0) return false;
    if (shared === null) shared = new Set(keys);
    else {
      const next = new Set<string>();
      for (const k of keys) if (shared.has(k)) next.add(k);
      shared = next;
    }
    if (shared.size === 0) return false;
  }
  return !recognised(v);
}

/**
 * Expand one framed value into the rollouts it holds (itself when it is no container).
 * `recognised` tells whether some reader reads the value as it is (then it is not a keyed
 * container, whatever its shape).
 */
export function expandContainer(value: unknown, line: number, recognised: (v: unknown) => boolean): Expansion {
  if (isInspectLog(value)) return { members: inspectMembers(value, line), container: "inspect-log" };
  if (isEpisode(value)) return { members: episodeMembers(value, line), container: "episode" };
  if (isAttempts(value)) {
    const members = value.attempts.map((v) => ({ line, value: v }));
    return { members, container: "attempts" };
  }
  if (isKeyedObject(value, recognised)) {
    const members = Object.entries(value).map(([key, v]) => ({ line, value: v, key }));
    return { members, container: "keyed-object" };
  }
  return { members: [{ line, value }], container: null };
}

/** A chat message: `{role: string, …}` with content or calls, and no message list of its own. */
export function isChatMessage(v: unknown): boolean {
  if (!isObject(v) || typeof v.role !== "string") return false;
  if (Array.isArray(v.messages) || Array.isArray(v.completion) || Array.isArray(v.history)) return false;
  return "content" in v || "tool_calls" in v || "function_call" in v;
}

/**
 * An agent event of an event stream (OpenHands): an `id` and an `action` or `observation` name,
 * or an OpenHands V1 event (`isV1Event`: a JSON Lines dump of a V1 conversation's events).
 */
export function isAgentEvent(v: unknown): boolean {
  if (isV1Event(v)) return true;
  if (!isObject(v) || !("id" in v)) return false;
  if (typeof v.action !== "string" && typeof v.observation !== "string") return false;
  return "source" in v || "cause" in v || "timestamp" in v;
}

/**
 * Gather a file of messages or events into one record. When the first readable record is a
 * chat message or an agent event, every readable record of the file goes into one array
 * record (at the first one's line), yielded at the end; bad records pass through at once.
 * Any other file passes through unchanged.
 */
export async function* gatherRollout(records: AsyncIterable<RawRecord>): AsyncGenerator<RawRecord> {
  let mode: "undecided" | "gather" | "pass" = "undecided";
  const parts: unknown[] = [];
  let line = 0;
  let bytes = 0;
  for await (const rec of records) {
    if (rec.kind === "bad" || mode === "pass") {
      yield rec;
      continue;
    }
    if (mode === "undecided") {
      mode = isChatMessage(rec.value) || isAgentEvent(rec.value) ? "gather" : "pass";
      if (mode === "pass") {
        yield rec;
        continue;
      }
      line = rec.line;
    }
    parts.push(rec.value);
    bytes += rec.bytes;
  }
  if (mode === "gather") yield { kind: "value", line, value: parts, bytes };
}
