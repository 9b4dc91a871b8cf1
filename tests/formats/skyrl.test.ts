/**
 * SkyRL eval dumps, built the way `dump_per_dataset_eval_results` writes them
 * (NovaSky-AI/SkyRL `skyrl/train/utils/trainer_utils.py`): `tokenizer.decode` keeps the special
 * tokens, the search environment (`skyrl_gym/envs/search/env.py`) answers `<search>` with
 * `\n<information>{"result": "Doc 1: …"}</information>\n` (`skyrl_gym/tools/search.py`).
 */
import { describe, expect, it } from "vitest";
import { load, tmpFile } from "../helpers.js";

const PROMPT =
  "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nAnswer the given question. " +
  "You must conduct reasoning inside <think> and </think> first every time you get new information. " +
  "You can call a search engine by <search> query </search> and it will return the top searched results between " +
  "<information> and </information>. Provide the answer inside <answer> and </answer>. Question: who wrote hamlet?\n" +
  "<|im_end|>\n<|im_start|>assistant\n";

/** The observation the search tool group returns, as the env wraps it. */
function information(docs: Array<[string, string]>): string {
  const text = docs.map(([t, b], i) => `Doc ${i + 1}: "${t}"\n${b}\n`).join("");
  return `\n<information>${JSON.stringify({ result: text })}</information>\n`;
}
const turn = (s: string): string => `${s}<|im_end|>\n<|im_start|>user\n`;
const next = (obs: string): string => `${obs}<|im_end|>\n<|im_start|>assistant\n`;

function row(output: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    input_prompt: PROMPT,
    output_response: output,
    score: 1.0,
    stop_reason: "stop",
    env_class: "search",
    env_extras: {
      reward_spec: { method: "rule", ground_truth: { target: ["William Shakespeare", "Shakespeare"] } },
      extra_info: { index: 3, need_tools_kwargs: true, question: "who wrote hamlet?", split: "test" },
      max_turns: 4,
    },
    data_source: "searchR1_nq",
    ...extra,
  };
}

describe("SkyRL dumped evals", () => {
  it("reads <search> calls, the JSON-wrapped Doc passages, the answer, gold and verdict", async () => {
    const out =
      turn("<think>I need the author.</think>\n<search> author of Hamlet </search>") +
      next(
        information([
          ["Hamlet", "Hamlet is a tragedy by William Shakespeare."],
          ["Shakespeare", "English playwright."],
        ]),
      ) +
      turn("<think>Check.</think>\n<search> Hamlet playwright </search>") +
      next(information([["Hamlet (play)", "Written around 1600."]])) +
      "<think>Enough.</think>\n<answer> William Shakespeare </answer><|im_end|>";
    // token-level rewards (a list, nonzero on the last token) score their sum
    const lines = [row(out), row(out, { score: 0.0 }), row(out, { score: [0, 0, 0, 1.0] }), row(out, { score: [0, 0] })]
      .map((r) => JSON.stringify(r))
      .join("\n");
    const { trajectories: ts, report } = await load(tmpFile("searchR1_nq.jsonl", lines + "\n"));
    expect(report.files[0]!.format).toBe("skyrl");
    const t = ts[0]!;
    expect(t.question).toBe("who wrote hamlet?");
    expect(t.calls.map((c) => [c.name, c.role, c.queries[0]])).toEqual([
      ["search", "search", "author of Hamlet"],
      ["search", "search", "Hamlet playwright"],
    ]);
    expect(t.calls[0]!.results).toEqual([
      { url: "", title: "Hamlet", snippet: "Hamlet is a tragedy by William Shakespeare." },
      { url: "", title: "Shakespeare", snippet: "English playwright." },
    ]);
    expect([t.finalAnswer, t.truncated, t.provenance.dataset]).toEqual(["William Shakespeare", false, "searchR1_nq"]);
    expect(t.goldAnswers).toEqual(["William Shakespeare", "Shakespeare"]);
    expect(ts.map((x) => [x.verdict, x.score])).toEqual([
      ["correct", 1],
      ["incorrect", 0],
      ["correct", 1],
      ["incorrect", 0],
    ]);
  });

  it('marks stop_reason "length" and a turn-cap ending on documents as truncated; rejects the metrics row', async () => {
    const cut =
      turn("<think>Search.</think>\n<search> author of Hamlet </search>") +
      next(information([["Hamlet", "A play."]])) +
      "<think>Hmm, the";
    const capped =
      turn("<think>Search.</think>\n<search> author of Hamlet </search>") + information([["Hamlet", "A play."]]);
    const rows = [
      row(cut, { stop_reason: "length", score: 0 }),
      row(capped, { score: 0 }),
      { "eval/all/avg_score": 0.5 },
    ];
    const { trajectories: ts, report } = await load(
      tmpFile("mix.jsonl", rows.map((r) => JSON.stringify(r)).join("\n") + "\n"),
      {
        format: "skyrl",
      },
    );
    expect(ts.map((t) => [t.truncated, t.calls.length, t.finalAnswer])).toEqual([
      [true, 1, null],
      [true, 1, null],
    ]);
    expect(report.issues.filter((i) => i.severity === "error").map((i) => [i.line, i.reason])).toEqual([
      [3, "SkyRL dump row: no input_prompt/output_response (a metrics row?)"],
    ]);
  });

  it("reads environments that use <tool_call> tags as tagged turns", async () => {
    const call = `{"name": "search", "arguments": {"query": "hamlet author"}}`;
    const out =
      turn(`<think>go</think>\n<tool_call>\n${call}\n</tool_call>`) +
      next(
        `<tool_response>\n${JSON.stringify([{ title: "Hamlet", url: "https://en.wikipedia.org/wiki/Hamlet", snippet: "by Shakespeare" }])}\n</tool_response>`,
      ) +
      "<think>done</think> \\boxed{William Shakespeare}<|im_end|>";
    const { trajectories: ts } = await load(
      tmpFile("tc.jsonl", JSON.stringify(row(out, { env_class: "tool_env" })) + "\n"),
    );
    const t = ts[0]!;
    expect(t.calls.map((c) => [c.name, c.queries, c.results.map((r) => r.url)])).toEqual([
      ["search", ["hamlet author"], ["https://en.wikipedia.org/wiki/Hamlet"]],
    ]);
    expect([t.finalAnswer, t.truncated]).toEqual(["William Shakespeare", false]);
  });
});
