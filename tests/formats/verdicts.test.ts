/** Verdicts from numeric rewards by the documented, overridable threshold, where no judge field exists. */
import { describe, expect, it } from "vitest";
import { searchR1Reader } from "../../lib/formats/search-r1.js";
import { qwenAgentReader } from "../../lib/formats/qwen-agent.js";
import { DEFAULT_VERDICT_THRESHOLD } from "../../lib/formats/record-fields.js";
import { toolRoles } from "../../lib/trajectory/tool-roles.js";

const ctx = (verdictThreshold?: number) => ({ file: "x.jsonl", line: 1, roles: toolRoles(), verdictThreshold });
const sr1 = (score: number) => ({
  question: "q?",
  golden_answers: ["a"],
  output: "<think>x</think><search> q </search><information>Doc 1(Title: T) t</information><answer> a </answer>",
  score,
});
const qwen = (reward: number) => ({
  messages: [
    { role: "user", content: "q?" },
    { role: "assistant", content: '<tool_call>{"name": "search", "arguments": {"query": ["q"]}}</tool_call>' },
    { role: "user", content: "<tool_response>\n1. [T](https://a.example)\nsnip\n</tool_response>" },
    { role: "assistant", content: "<answer>a</answer>" },
  ],
  answer: "a",
  reward,
});

describe("verdicts from numeric rewards", () => {
  it("uses score >= threshold (default 1) when the record has no judge field, and the caller's threshold when given", () => {
    expect(DEFAULT_VERDICT_THRESHOLD).toBe(1);
    expect([1, 0.5, 0].map((s) => searchR1Reader.read(sr1(s), ctx()).verdict)).toEqual([
      "correct",
      "incorrect",
      "incorrect",
    ]);
    expect([1, 0.5, 0].map((s) => searchR1Reader.read(sr1(s), ctx(0.5)).verdict)).toEqual([
      "correct",
      "correct",
      "incorrect",
    ]);
    expect([1, 0.2].map((r) => qwenAgentReader.read(qwen(r), ctx()).verdict)).toEqual(["correct", "incorrect"]);
    // a judge field wins over the score
    expect(searchR1Reader.read({ ...sr1(0), correct: true }, ctx()).verdict).toBe("correct");
  });
});
