/** Build small trajectories for labeller tests through the same builder readers use. */
import { TrajectoryBuilder } from "../../lib/trajectory/builder.js";
import { toolRoles } from "../../lib/trajectory/tool-roles.js";
import { parseSearchResults } from "../../lib/formats/search-results.js";
import type { Trajectory } from "../../lib/index.js";

export type CallSpec =
  | { search: string | string[]; hits?: string[]; fail?: boolean }
  | { visit: string | string[]; goal?: string; text?: string; fail?: boolean }
  | { tool: string; args: Record<string, unknown> };

export function hits(urls: string[]): string {
  return urls
    .map((u, i) => `### ${i + 1}. Title ${i}\n**URL**: ${u}\n\n**Snippet**: snippet about ${u}\n`)
    .join("\n---\n\n");
}

export function traj(specs: CallSpec[], gold: string[] = [], question = "Q?"): Trajectory {
  const b = new TrajectoryBuilder({ format: "fathom", file: "test.jsonl", line: 1 }, toolRoles());
  b.question = question;
  b.goldAnswers = gold;
  for (const s of specs) {
    b.step("");
    if ("search" in s) {
      const q = s.search;
      const c = b.call({ name: "search_urls", arguments: JSON.stringify({ query: q }), parsedArguments: { query: q } });
      const text = s.fail ? "error: execution timed out" : hits(s.hits ?? []);
      b.respond(c, {
        text,
        results: s.fail ? [] : parseSearchResults(text),
        failure: s.fail ? "execution timed out" : null,
      });
    } else if ("visit" in s) {
      const args = { url: s.visit, ...(s.goal ? { goal: s.goal } : {}) };
      const c = b.call({ name: "query_url", arguments: JSON.stringify(args), parsedArguments: args });
      b.respond(c, {
        text: s.fail ? "[failed to retrieve content from URL]" : (s.text ?? `Evidence from ${String(s.visit)}`),
        failure: s.fail ? "failed" : null,
      });
    } else {
      const c = b.call({ name: s.tool, arguments: JSON.stringify(s.args), parsedArguments: s.args });
      b.respond(c, { text: "ok" });
    }
  }
  return b.build("t1");
}
