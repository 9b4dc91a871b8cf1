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
    const rec = {
      question: hostile,
      output: `<search> ${hostile} </search><information>${hostile}</information><answer> x </answer>`,
    };
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

describe("trajectory viewer", () => {
  it("shows steps, calls with label colours and utility, collapsible responses; hostile text stays text", async () => {
    const { trajectoryHtml, LABEL_COLOURS, HeuristicLabeller, labelSync } = await import("../../lib/index.js");
    const evil = `<script>alert(1)</script><img src=x onerror="alert(2)">`;
    const rec = {
      id: "evil-1",
      question: `Q ${evil}`,
      answer_gt: "A",
      judge: "correct",
      transcript:
        "<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n" +
        `<|im_start|>assistant\n<think>thinking ${evil}</think>\n<tool_call>\n{"name": "search_urls", "arguments": {"query": "q ${evil.replace(/"/g, '\\"')}"}}\n</tool_call>\n<tool_call>\n{"name": "query_url", "arguments": {"url": "javascript:alert(3)", "goal": "g"}}\n</tool_call>\n<tool_call>\n{"name": "query_url", "arguments": {"url": "https://ok.example/p?a=1&b=<x>", "goal": "Find it"}}\n</tool_call><|im_end|>\n` +
        `<|im_start|>user\n<tool_response>{}\nresult: \n### 1. T ${evil}\n**URL**: https://a.example/\n\n**Snippet**: ${evil}\n</tool_response>\n<tool_response>{}\nresult: \nx\n</tool_response>\n<tool_response>{}\nresult: \ny\n</tool_response>\n<|im_end|>\n` +
        "<|im_start|>assistant\n<think>done</think>\n\\boxed{A}<|im_end|>\n",
    };
    const { trajectories } = await loadTrajectories([tmpFile("evil.jsonl", JSON.stringify(rec))]);
    const t = trajectories[0]!;
    const html = trajectoryHtml(t, labelSync(new HeuristicLabeller(), t));
    expect(html).not.toMatch(/<script|<img|onerror="|href="javascript:/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain(`<code>javascript:alert(3)</code>`);
    expect(html).toContain(
      `<a href="https://ok.example/p?a=1&amp;b=&lt;x&gt;" target="_blank" rel="noopener noreferrer nofollow">`,
    );
    expect(html).toContain(LABEL_COLOURS.UNIQUESEARCH);
    expect(html).toContain(LABEL_COLOURS.EXPLORATION);
    expect(html).toMatch(/<details><summary>reasoning/);
    expect(html).toMatch(/<details><summary>response \(\d+ characters, 1 results\)/);
    expect(html).toMatch(/<b style="color:#2b8a3e">correct<\/b>/);
  });
});
