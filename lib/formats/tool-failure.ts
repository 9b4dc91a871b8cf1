/**
 * Recognise tool failures in response text (domain.md §2.1): the Fathom executor's
 * `[failed to retrieve content from URL]`, `[error: invalid URL …]`, `[tool-error] …`,
 * `error: execution timed out`, `Parse tool call failed: …`, and an `error:` section with
 * no `result:`/`output:` content; also `Error: …` replies (verifiers), `invalid query`
 * (ReCall's wiki search) and SkyRL's `Search error:`. Returns a short reason, or null for a normal response.
 */

/** [pattern, reason, a substring the text must contain for the pattern to be tried]. */
const PATTERNS: Array<[RegExp, string, string?]> = [
  [/\[failed to retrieve content from URL\]/, "failed to retrieve content from URL", "[failed to retrieve"],
  [/\[error: invalid URL[^\]]*\]/, "invalid URL", "[error: invalid URL"],
  [/\[tool-error\]/, "tool error", "[tool-error]"],
  [/error:\s*execution timed out/i, "execution timed out"],
  [/^\s*Parse tool call failed/, "tool call could not be parsed"],
  // ReCall's FlashRAG `wikipedia_search` on an empty query (Agent-RL/ReCall@aaf16b3 data/prepare_musique_recall.py)
  [/^\s*invalid query\s*$/, "invalid query"],
  // verifiers environments return `Error: …` texts (prime-environments browsecomp / hle tool replies)
  [/^\s*Error:[ \t]+\S/, "tool error"],
  // SkyRL's and verl's search tools wrap failures as {"result": "Search error: …"} (NovaSky-AI/SkyRL
  // skyrl_gym/tools/search.py; volcengine/verl@b178a3c verl/tools/utils/search_r1_like_utils.py, search_tool.py)
  [
    /^\s*\{\s*"result"\s*:\s*"(?:Search error:|Search request failed|Search execution failed|Tool execution failed)/,
    "search error",
  ],
];

export function toolFailure(text: string): string | null {
  const head = text.length > 4000 ? text.slice(0, 2000) + text.slice(-2000) : text;
  for (const [re, reason, needle] of PATTERNS)
    if ((needle === undefined || head.includes(needle)) && re.test(head)) return reason;
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
