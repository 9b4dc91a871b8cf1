/**
 * Recognise tool failures in response text (domain.md §2.1): the Fathom executor's
 * `[failed to retrieve content from URL]`, `[error: invalid URL …]`, `[tool-error] …`,
 * `error: execution timed out`, `Parse tool call failed: …`, and an `error:` section with
 * no `result:`/`output:` content; also `Error: …` replies (verifiers), `invalid query`
 * (ReCall's wiki search) and SkyRL's `Search error:`. Returns a short reason, or null for a normal response.
 */

const TIMED_OUT_AFTER_COLON = /\s*execution timed out/iy;

/**
 * `/error:\s*execution timed out/i.test(text)`, found from the colons: the case-insensitive regex
 * scanned every reply character by character (a fifth of a Search-R1 read).
 */
function timedOut(text: string): boolean {
  for (let k = text.indexOf(":", 5); k !== -1; k = text.indexOf(":", k + 1)) {
    let e = true;
    for (let j = 0; j < 5 && e; j++) e = (text.charCodeAt(k - 5 + j) | 32) === "error".charCodeAt(j);
    if (!e) continue;
    TIMED_OUT_AFTER_COLON.lastIndex = k + 1;
    if (TIMED_OUT_AFTER_COLON.test(text)) return true;
  }
  return false;
}

/** A pattern, or a substring the text must contain before the pattern is tried. */
const has =
  (re: RegExp, needle?: string) =>
  (s: string): boolean =>
    (needle === undefined || s.includes(needle)) && re.test(s);

/** [test, reason], tried in order. */
const PATTERNS: Array<[(s: string) => boolean, string]> = [
  [has(/\[failed to retrieve content from URL\]/, "[failed to retrieve"), "failed to retrieve content from URL"],
  [has(/\[error: invalid URL[^\]]*\]/, "[error: invalid URL"), "invalid URL"],
  [has(/\[tool-error\]/, "[tool-error]"), "tool error"],
  [timedOut, "execution timed out"],
  [has(/^\s*Parse tool call failed/), "tool call could not be parsed"],
  // ReCall's FlashRAG `wikipedia_search` on an empty query (Agent-RL/ReCall@aaf16b3 data/prepare_musique_recall.py)
  [has(/^\s*invalid query\s*$/), "invalid query"],
  // verifiers environments return `Error: …` texts (prime-environments browsecomp / hle tool replies)
  [has(/^\s*Error:[ \t]+\S/), "tool error"],
  // SkyRL's and verl's search tools wrap failures as {"result": "Search error: …"} (NovaSky-AI/SkyRL
  // skyrl_gym/tools/search.py; volcengine/verl@b178a3c verl/tools/utils/search_r1_like_utils.py, search_tool.py)
  [
    has(
      /^\s*\{\s*"result"\s*:\s*"(?:Search error:|Search request failed|Search execution failed|Tool execution failed)/,
    ),
    "search error",
  ],
];

export function toolFailure(text: string): string | null {
  const head = text.length > 4000 ? text.slice(0, 2000) + text.slice(-2000) : text;
  for (const [test, reason] of PATTERNS) if (test(head)) return reason;
  const t = head.trimStart();
  if (/^error:\s*\n/.test(t) && !/\n(result|output):\s*\n\s*\S/.test(t)) return "tool error";
  return null;
}

/**
 * The Fathom executor writes `result: \n…`, then optionally `output: \n…` and/or
 * `error: \n…`. Strip a leading `result:` label; keep the rest as is.
 */
export function executorResult(text: string): string {
  const m = /^\s*result:[ \t]*\n/.exec(text);
  return m ? text.slice(m[0].length) : text;
}
