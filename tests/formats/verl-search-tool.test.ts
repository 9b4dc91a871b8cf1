/**
 * A verl multi-turn dump with verl's own Search-R1-like `search` tool, built the way the pieces
 * are written: the tool schema takes `query_list` (volcengine/verl
 * `examples/sglang_multiturn/config/tool_config/search_tool_config.yaml`), results come back as
 * `{"result": "Doc 1 (Title: …)\ntext\n\n…"}` (`verl/tools/utils/search_r1_like_utils.py`), and the
 * dump decodes with special tokens stripped, so role names survive as bare lines.
 */
import { describe, expect, it } from "vitest";
import { load, tmpFile } from "../helpers.js";

const docs = (hits: Array<[string, string]>): string =>
  JSON.stringify({ result: hits.map(([t, x], i) => `Doc ${i + 1} (Title: ${t})\n${x}\n\n`).join("") });
const call = (qs: string[]): string =>
  `<tool_call>\n${JSON.stringify({ name: "search", arguments: { query_list: qs } })}\n</tool_call>`;

describe("verl dump with verl's search tool", () => {
  it("reads query_list queries, the JSON-wrapped Doc results and the failure texts", async () => {
    const output =
      `<think>find</think>\n${call(["capital of France", "France capital city"])}\nuser\n<tool_response>\n` +
      `${docs([
        ["Paris", "Paris is the capital of France."],
        ["France", "A country in Europe."],
      ])}\n</tool_response>\nassistant\n` +
      `<think>again</think>\n${call(["Paris population"])}\nuser\n<tool_response>\n` +
      `${JSON.stringify({ result: "Search request failed or timed out after retries." })}\n</tool_response>\nassistant\n` +
      `<think>done</think>\n<answer>Paris</answer> \\boxed{Paris}`;
    const row = {
      input: "system\nYou search.\nuser\nWhat is the capital of France?\nassistant\n",
      output,
      gts: ["Paris"],
      score: 1,
      step: 7,
    };
    const { trajectories: ts, report } = await load(tmpFile("7.jsonl", JSON.stringify(row) + "\n"));
    expect(report.files[0]!.format).toBe("verl");
    const t = ts[0]!;
    expect(t.calls.map((c) => [c.role, c.queries])).toEqual([
      ["search", ["capital of France", "France capital city"]],
      ["search", ["Paris population"]],
    ]);
    expect(t.calls[0]!.results.map((r) => r.title)).toEqual(["Paris", "France"]);
    expect([t.calls[1]!.error, t.calls[1]!.errorReason]).toEqual([true, "search error"]);
    expect([t.finalAnswer, t.truncated, t.verdict, t.question]).toEqual([
      "Paris",
      false,
      "correct",
      "What is the capital of France?",
    ]);
  });
});
