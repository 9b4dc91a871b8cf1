/** Tool roles for names real agents use, and roles inferred from arguments for unknown names. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { toolRoles, inferRoleFromArguments, roleInferenceNotes } from "../../lib/trajectory/tool-roles.js";
import { load, tmpFile } from "../helpers.js";

describe("tool roles", () => {
  it("knows the search and page tools of real agents by name and family", () => {
    const r = toolRoles();
    const search = [
      "exa_search",
      "exa_search_and_contents",
      "google_search",
      "bing_search",
      "tavily_search",
      "tavily_search_results_json",
    ];
    const search2 = [
      "serper",
      "serper_google_search",
      "wiki_search",
      "wikipedia_search",
      "duckduckgo_search",
      "brave_web_search",
    ];
    const page = [
      "web_browser_go",
      "web_browser_click",
      "ask_about_webpage",
      "fetch",
      "fetch_url",
      "open_page",
      "visit_webpage",
      "scrape",
    ];
    expect([...search, ...search2].map(r.roleOf)).toEqual(Array(12).fill("search"));
    expect(page.map(r.roleOf)).toEqual(Array(8).fill("page"));
    // OpenHands' web tools, hyphenated MCP names, the Exa MCP server's suffixed names
    expect(["web_read", "browser", "tavily-extract", "crawling_exa", "web_fetch"].map(r.roleOf)).toEqual(
      Array(5).fill("page"),
    );
    expect(["tavily-search", "web_search_exa", "firecrawl_search", "perplexity_search"].map(r.roleOf)).toEqual(
      Array(4).fill("search"),
    );
    // coding and airline tools stay other, even when their names contain "search" or "open"
    expect(
      ["bash", "open", "search_dir", "search_direct_flight", "str_replace_editor", "python"].map(r.roleOf),
    ).toEqual(Array(6).fill("other"));
    // a user map still wins over families
    expect(toolRoles({ exa_search: "other", web_browser_go: "search" }).roleOf("EXA_SEARCH")).toBe("other");
  });

  it("infers search from a query-like argument and page from a URL argument, once per tool, with an override note", async () => {
    expect(inferRoleFromArguments({ query: "x", top_k: 5 })).toEqual({ role: "search", argument: "query" });
    expect(inferRoleFromArguments({ target: "https://a.example/p", goal: "g" })).toEqual({
      role: "page",
      argument: "target",
    });
    expect(inferRoleFromArguments({ page_url: "a.example" })).toEqual({ role: "page", argument: "page_url" });
    expect(inferRoleFromArguments({ origin: "JFK", destination: "SFO" })).toBeNull();
    expect(inferRoleFromArguments({ query: "" })).toBeNull();

    const call = (name: string, args: object): string =>
      `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;
    const resp = (t: string): string => `<tool_response>\n${t}\n</tool_response>`;
    const im = (role: string, c: string): string => `<|im_start|>${role}\n${c}<|im_end|>\n`;
    const transcript =
      im("user", "Q?") +
      im(
        "assistant",
        call("kb_lookup", { query: "a" }) + call("grab", { link: "https://x.example" }) + call("calc", { expr: "1+1" }),
      ) +
      im("user", resp("- T\n  https://y.example\n  s") + resp("page") + resp("2")) +
      im("assistant", call("kb_lookup", { other: 1 })) +
      im("user", resp("none")) +
      im("assistant", "\\boxed{1}");
    const f = tmpFile(
      "infer.jsonl",
      JSON.stringify({ id: "q1", question: "Q?", answer_gt: "1", judge: "correct", transcript }) + "\n",
    );
    const { trajectories } = await load(f);
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.name, c.role])).toEqual([
      ["kb_lookup", "search"],
      ["grab", "page"],
      ["calc", "other"],
      ["kb_lookup", "search"],
    ]);
    expect(t.calls[0]!.results).toEqual([{ title: "T", url: "https://y.example", snippet: "s" }]);
    const roles = toolRoles();
    roles.roleOfCall("kb_lookup", { query: "a" });
    roles.roleOfCall("kb_lookup", { query: "b" });
    roles.roleOfCall("grab", { link: "https://x.example" });
    roles.roleOfCall("search_urls", { query: "known, not inferred" });
    expect(roleInferenceNotes(roles)).toEqual([
      'tool "kb_lookup" taken as search (its "query" argument); if wrong, pass --tool-roles FILE with {"kb_lookup":"other"} (or "search", "page", "answer")',
      'tool "grab" taken as page (its "link" argument); if wrong, pass --tool-roles FILE with {"grab":"other"} (or "search", "page", "answer")',
    ]);
    // an explicit mapping turns inference off for that name
    expect(toolRoles({ kb_lookup: "other" }).roleOfCall("kb_lookup", { query: "a" })).toBe("other");
  });

  it("inference never overrides a known name, whatever the arguments", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("search_urls", "query_url", "finish", "web_browser_type"),
        fc.dictionary(fc.string(), fc.string()),
        (name, args) => {
          const r = toolRoles();
          expect(r.roleOfCall(name, args)).toBe(r.roleOf(name));
          expect(r.inferred()).toEqual([]);
        },
      ),
    );
  });

  it("takes names that are Object.prototype keys as plain names (no function for a role)", () => {
    const r = toolRoles();
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      expect(r.roleOf(name)).toBe("other");
      expect(r.roleOfCall(name, { query: "capital of peru" })).toBe("search");
    }
    expect(
      toolRoles(JSON.parse(`{"constructor": "page"}`) as Parameters<typeof toolRoles>[0]).roleOf("constructor"),
    ).toBe("page");
  });
});
