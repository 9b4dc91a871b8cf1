/**
 * ReCall's own files, built as its code writes them (Agent-RL/ReCall@aaf16b3): the trainer's
 * `ReCallRewardManagerWithSave` rows and FlashRAG's `intermediate_data.json` items, whose
 * ChatML text is assembled like `src/re_call/inference/re_call.py` (`init_prompt`,
 * `cat_assistant_response`, `cat_tool_results`). No third-party data: the content is made up here.
 */
import { describe, expect, it } from "vitest";
import { load, tmpDir } from "../helpers.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { recallTrainReader } from "../../lib/formats/recall-train.js";
import { toolRoles } from "../../lib/trajectory/tool-roles.js";

const SYSTEM =
  '<|im_start|>system\nUse tools. Example:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>';
const prompt = (q: string): string => `${SYSTEM}\n<|im_start|>user\n${q}<|im_end|>\n<|im_start|>assistant\n<think>`;
const callJson = (q: string): string => JSON.stringify({ name: "wikipedia_search", arguments: { query: q } });
const withCall = (p: string, q: string): string =>
  `${p}I search.</think>\n<tool_call>\n${callJson(q)}\n</tool_call><|im_end|>`;
const withResult = (p: string, q: string, result: string): string =>
  `${p}\n<|im_start|>user\n<tool_response>${callJson(q)}\n${result}\n</tool_response>\n<|im_end|>\n<|im_start|>assistant\n<think>`;
const passages = '"Paris"\nParis is the capital of France.\n\n"France"\nA country.';

describe("ReCall training saves (train_{step}.jsonl)", () => {
  it("reads calls, results, the boxed answer, step, group and F1 verdict; a row without the EOS token is truncated", async () => {
    let done = withResult(
      withCall(prompt("Capital of France?"), "capital France"),
      "capital France",
      `result: \n${passages}`,
    );
    done += "Found it.</think>\n\nThe answer is \\[ \\boxed{Paris} \\].<|im_end|>";
    const cut =
      withResult(withCall(prompt("Capital of France?"), "capital France"), "capital France", `result: \n${passages}`) +
      "Let me check the";
    const rows = [
      {
        data_source: "musique_re_call",
        sequences_str: done,
        ground_truth: ["Paris"],
        score: 1.0,
        reason: "correct answer, get f1 score: 1.0",
      },
      {
        data_source: "musique_re_call",
        sequences_str: cut,
        ground_truth: ["Paris"],
        score: 0,
        reason: "not end with eos token",
      },
      {
        data_source: "musique_re_call",
        sequences_str: done.replace("{Paris}", "{Lyon}"),
        ground_truth: ["Paris"],
        score: 0.1,
        reason: "wrong",
      },
    ];
    const file = join(tmpDir(), "train_12.jsonl");
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const { trajectories: ts, report } = await load(file);
    expect(report.files[0]!.format).toBe("recall-train");
    expect(ts.map((t) => [t.calls.length, t.finalAnswer, t.truncated, t.verdict])).toEqual([
      [1, "Paris", false, "correct"],
      [1, null, true, "incorrect"],
      [1, "Lyon", false, "incorrect"],
    ]);
    expect(ts[0]!.calls[0]!.results.map((r) => r.title)).toEqual(["Paris", "France"]);
    expect(ts[0]!.question).toBe("Capital of France?");
    expect(new Set(ts.map((t) => t.provenance.groupId)).size).toBe(1);
    expect(ts.map((t) => t.provenance.trainingStep)).toEqual([12, 12, 12]);
    // the reader's threshold (the load option verdictThreshold): at 0.1 the format reward counts as correct
    const ctx = { file, line: 3, roles: toolRoles(), verdictThreshold: 0.1 };
    expect([recallTrainReader.read(rows[2], ctx).verdict, recallTrainReader.read(rows[1], ctx).verdict]).toEqual([
      "correct",
      "incorrect",
    ]);
  });
});

describe("FlashRAG intermediate_data.json (ReCall eval)", () => {
  it("reads each item's final_response; the 5-round cap ends on an empty assistant prefix and is truncated", async () => {
    let capped = prompt("Who wrote Hamlet?");
    for (let k = 0; k < 5; k++)
      capped = withResult(withCall(capped, `hamlet ${k}`), `hamlet ${k}`, `result: \n${passages}`);
    const answered =
      withResult(withCall(prompt("Capital?"), "capital"), "capital", "invalid query") +
      "Done.</think>\n\\boxed{Paris}<|im_end|>";
    const items = [
      {
        id: "m-1",
        question: "Who wrote Hamlet?",
        golden_answers: ["Shakespeare"],
        output: { final_response: capped, pred: "", metric_score: { em: 0, f1: 0 } },
      },
      {
        id: "m-2",
        question: "Capital?",
        golden_answers: ["Paris"],
        output: { final_response: answered, pred: "Paris", metric_score: { em: 1.0, f1: 1.0 } },
      },
    ];
    const file = join(tmpDir(), "intermediate_data.json");
    writeFileSync(file, JSON.stringify(items, null, 4));
    const { trajectories: ts, report } = await load(file);
    expect(report.files[0]!.format).toBe("flashrag");
    expect(ts.map((t) => [t.provenance.recordId, t.calls.length, t.truncated, t.finalAnswer, t.verdict])).toEqual([
      ["m-1", 5, true, null, "incorrect"],
      ["m-2", 1, false, "Paris", "correct"],
    ]);
    expect(ts[1]!.calls[0]!.errorReason).toBe("invalid query");
    expect(ts[1]!.goldAnswers).toEqual(["Paris"]);
  });
});
