import { describe, expect, it } from "vitest";
import { escapeHtml, htmlTable, callRows, loadTrajectories } from "../../lib/index.js";
import { tmpFile, cli } from "../helpers.js";

const hostile = `<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>' \` &amp;`;

describe("HTML views escape trace text", () => {
  it("escapes every markup character", () => {
    const e = escapeHtml(hostile);
    expect(e).not.toMatch(/[<>"'`]/);
    expect(e).toContain("&lt;script&gt;");
    expect(e).toContain("&amp;amp;");
  });

  it("a table built from a hostile trajectory contains no live markup from it", async () => {
    const rec = { question: hostile, output: `<search> ${hostile} </search><information>${hostile}</information><answer> x </answer>` };
    const { trajectories } = await loadTrajectories([tmpFile("hostile.jsonl", JSON.stringify(rec))]);
    const html = htmlTable(callRows(trajectories[0]!));
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<a ");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("the CLI does not pass terminal escape sequences from traces through", () => {
    const rec = {
      messages: [
        { role: "user", content: "q" },
        { role: "tool", tool_call_id: "\u001b]0;pwned\u0007\u001b[2J", content: "x" },
      ],
    };
    const r = cli(["inspect", "--format", "openai-chat", tmpFile("esc.jsonl", JSON.stringify(rec))]);
    expect(r.stdout).toContain("tool_call_id \\u001b]0;pwned\\u0007\\u001b[2J");
    expect(r.stdout).not.toContain("\u001b");
  });
});
