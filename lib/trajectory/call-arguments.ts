/**
 * Pull queries, URLs and a goal out of a tool call's arguments, whatever the tool's
 * argument names: `query`/`queries`/`q`/`search_query` for searches, `url`/`urls`/`link` for
 * pages, `goal`/`purpose` for the page goal (and verl's `query_list`). Strings and arrays of strings both count
 * (WebDancer batches several queries or URLs in one call).
 */

// `query_list`: verl's Search-R1-like `search` tool (volcengine/verl examples/sglang_multiturn/config/tool_config)
const QUERY_KEYS = ["query", "queries", "q", "search_query", "keywords", "query_list", "search_queries"];
const URL_KEYS = ["url", "urls", "link", "links", "uri"];
const GOAL_KEYS = ["goal", "purpose", "question"];

function strings(v: unknown): string[] {
  if (typeof v === "string") return v.length ? [v] : [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string" && x.length > 0);
  return [];
}

function firstOf(args: Record<string, unknown>, keys: string[]): string[] {
  for (const k of keys) {
    if (k in args) {
      const s = strings(args[k]);
      if (s.length) return s;
    }
  }
  return [];
}

/** The parts of a call's arguments sounding models. */
export interface CallTargets {
  queries: string[];
  urls: string[];
  goal: string | null;
}

/** Extract queries, URLs and goal from parsed arguments (null arguments give empty targets). */
export function callTargets(args: Record<string, unknown> | null): CallTargets {
  if (!args) return { queries: [], urls: [], goal: null };
  const goal = firstOf(args, GOAL_KEYS);
  return {
    queries: firstOf(args, QUERY_KEYS),
    urls: firstOf(args, URL_KEYS),
    goal: goal.length ? goal.join(" ") : null,
  };
}

/** Parse a JSON arguments string into an object, or null when it is not a JSON object. */
export function parseArgumentsObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
