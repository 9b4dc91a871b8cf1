/**
 * OpenHands V1 conversations saved one event per file: the software-agent-sdk's file store
 * (OpenHands/software-agent-sdk@611629e, `openhands-sdk/openhands/sdk/conversation/
 * persistence_const.py`, `event_store.py` `EventLog`, `state.py` `ConversationState`) writes a
 * conversation directory as
 *
 *     <conversation>/base_state.json                  the conversation's state (`id`, `agent{llm{model}}`, …)
 *     <conversation>/events/event-00000-<event id>.json   one event per file, index padded to ≥ 5 digits
 *     <conversation>/events/.eventlog.lock
 *
 * The whole directory is ONE rollout: its events are read in the order of the index in their
 * file names (numerically: the writer pads to 5 digits but does not cap the width), as the SDK's
 * own scan does; like that scan, the events stop at the first missing index (a warning names the
 * files left unread). The rollout's id is `base_state.json`'s `id` and its model the agent's
 * `llm.model`, when that file is there. A directory given as the `events` folder itself is read the
 * same way (its `base_state.json` is the parent's).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Dirent } from "node:fs";
import { excerptOf, type RawRecord } from "../io/raw-record.js";
import { isObject } from "./record-fields.js";

/** An event file's name as the SDK writes it (`EVENT_NAME_RE`). */
export const OPENHANDS_EVENT_FILE = /^event-(\d{5,})-([0-9a-fA-F-]{8,})\.json$/;
const BASE_STATE = "base_state.json";
const EVENTS_DIR = "events";

/** A conversation directory: where its events are and where its `base_state.json` would be. */
export interface OpenHandsConversation {
  root: string;
  eventsDir: string;
}

async function holdsEventFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => OPENHANDS_EVENT_FILE.test(n));
  } catch {
    return false;
  }
}

/**
 * The conversation `dir` is, or null: a directory holding `events/event-*.json`, or that `events`
 * directory itself. `entries` are the directory's own entries when the caller has them.
 */
export async function openhandsConversation(dir: string, entries?: Dirent[]): Promise<OpenHandsConversation | null> {
  const list = entries ?? (await readdir(dir, { withFileTypes: true }).catch(() => null));
  if (!list) return null;
  if (list.some((e) => e.isDirectory() && e.name === EVENTS_DIR) && (await holdsEventFiles(join(dir, EVENTS_DIR))))
    return { root: dir, eventsDir: join(dir, EVENTS_DIR) };
  if (basename(dir) === EVENTS_DIR && list.some((e) => e.isFile() && OPENHANDS_EVENT_FILE.test(e.name)))
    return { root: dirname(dir), eventsDir: dir };
  return null;
}

/** Total bytes of a conversation's event files (for progress). */
export async function conversationBytes(c: OpenHandsConversation): Promise<number> {
  let n = 0;
  for (const name of await readdir(c.eventsDir)) {
    if (OPENHANDS_EVENT_FILE.test(name)) n += (await stat(join(c.eventsDir, name))).size;
  }
  return n;
}

/**
 * The conversation as framed records: a bad record for each event file that is not JSON (line: its
 * 1-based position in index order, `member` its name), a warning-worthy bad record for an index gap,
 * then one record `{conversation_id, model, history: [events…]}` at line 1.
 */
export async function* conversationRecords(c: OpenHandsConversation): AsyncGenerator<RawRecord> {
  const files = (await readdir(c.eventsDir))
    .map((name) => ({ name, m: OPENHANDS_EVENT_FILE.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ name: x.name, idx: Number(x.m[1]) }))
    .sort((a, b) => a.idx - b.idx || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const history: unknown[] = [];
  let bytes = 0;
  for (let k = 0; k < files.length; k++) {
    const { name, idx } = files[k]!;
    const member = `${EVENTS_DIR}/${name}`;
    if (idx !== k) {
      const left = files.length - k;
      yield {
        kind: "bad",
        line: k + 1,
        member,
        reason: `${member}: event index ${idx} where ${k} was expected (a gap or a duplicate index); the ${left} event file(s) from here on are not read, as the OpenHands SDK does not read them`,
        excerpt: "",
      };
      break;
    }
    const text = await readFile(join(c.eventsDir, name), "utf8");
    bytes += Buffer.byteLength(text);
    try {
      history.push(JSON.parse(text));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      yield { kind: "bad", line: k + 1, member, reason: `${member}: not JSON (${why})`, excerpt: excerptOf(text) };
    }
  }
  let state: unknown = null;
  try {
    state = JSON.parse(await readFile(join(c.root, BASE_STATE), "utf8"));
  } catch {
    state = null; // a conversation saved without its state (or a copy of the events only)
  }
  const st = isObject(state) ? state : {};
  const agent = isObject(st.agent) ? st.agent : {};
  const llm = isObject(agent.llm) ? agent.llm : {};
  yield {
    kind: "value",
    line: 1,
    bytes,
    value: {
      conversation_id: typeof st.id === "string" ? st.id : basename(c.root),
      ...(typeof llm.model === "string" ? { model: llm.model } : {}),
      history,
    },
  };
}
