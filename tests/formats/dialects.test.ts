/**
 * Dialects with no public sample in ../shared/data: fixtures built from the shapes in
 * domain.md §2.2, plus detection across every dialect and gzip.
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectFormat, trajectoryKey } from "../../lib/index.js";
import { load, tmpDir, tmpFile } from "../helpers.js";

const searchR1 = {
  question: "Who wrote Hamlet?",
  golden_answers: ["William Shakespeare", "Shakespeare"],
  output:
    '<think>I need the author.</think>\n<search> author of Hamlet </search>\n\n<information>Doc 1(Title: "Hamlet") Hamlet is a tragedy by William Shakespeare.\nDoc 2(Title: "Shakespeare") English playwright.</information>\n\n<think>Check the date too.</think>\n<search> Hamlet written year </search>\n<information>Doc 1(Title: "Hamlet") written around 1600.</information>\n<answer> William Shakespeare </answer>',
  correct: true,
};

const searchO1 = {
  Question: "What is the capital of Australia?",
  answer: "Canberra",
  Output:
    "Let me check.\n<|begin_search_query|>capital of Australia<|end_search_query|>\n\n<|begin_of_document|>\nCanberra is the capital city of Australia.\n<|end_of_document|>\n\nIt is Canberra. Another check:\n<|begin_search_query|>Canberra capital since<|end_search_query|>\n<|begin_search_result|>Since 1913.<|end_search_result|>\nSo the answer is \\boxed{Canberra}.",
  Metrics: { em: 1, acc: 1, f1: 1 },
};

const fireact = {
  question: "Which magazine was started first, Arthur's Magazine or First for Women?",
  answer: "Arthur's Magazine",
  trajectory:
    "Thought 1: I need to search both.\nAction 1: Search[Arthur's Magazine]\nObservation 1: Arthur's Magazine (1844–1846) was an American literary periodical.\nThought 2: Now the other.\nAction 2: Search[First for Women]\nObservation 2: First for Women is a woman's magazine started in 1989.\nThought 3: Need a detail.\nAction 3: Lookup[1989]\nObservation 3: (Result 1 / 1) started in 1989.\nThought 4: Arthur's was first.\nAction 4: Finish[Arthur's Magazine]",
  em: 1,
};

const langchain = {
  question: "Weather in Paris?",
  output:
    "Thought: I should search.\nAction: search\nAction Input: Paris weather today\nObservation: Sunny, 21C.\nThought: I know the answer.\nFinal Answer: Sunny and 21C",
};

function verlRow(step: number | undefined, uid: string, acc: number, out: string) {
  return {
    input: "system\nYou are a helpful assistant.\nuser\nWho founded Alexandria?\nassistant\n",
    output: out,
    gts: "Alexander the Great",
    score: acc ? 1.0 : 0.1,
    ...(step === undefined ? {} : { step }),
    uid,
    acc,
    reward_spec: "sha256:abc",
  };
}
const verlOut =
  '<think>search it</think>\n<tool_call>\n{"name": "search_urls", "arguments": {"query": "Alexandria founder"}}\n</tool_call>\nuser\n<tool_response>\n{"name": "search_urls", "arguments": {"query": "Alexandria founder"}}\nresult: \n### 1. Alexandria\n**URL**: https://en.wikipedia.org/wiki/Alexandria\n\n**Snippet**: founded by Alexander\n</tool_response>\nassistant\n<think>done</think>\n\\boxed{Alexander the Great}';

describe("Search-R1 / ZeroSearch", () => {
  it("reads <search> queries, <information> documents and <answer>", async () => {
    const { trajectories, report } = await load(tmpFile("sr1.jsonl", JSON.stringify(searchR1) + "\n"));
    expect(report.files[0]!.format).toBe("search-r1");
    const t = trajectories[0]!;
    expect(t.calls.map((c) => c.queries[0])).toEqual(["author of Hamlet", "Hamlet written year"]);
    expect(t.calls[0]!.response).toMatch(/^Doc 1\(Title: "Hamlet"\)/);
    expect(t.calls[0]!.results.map((r) => r.title)).toEqual(['"Hamlet"', '"Shakespeare"']);
    expect(t.finalAnswer).toBe("William Shakespeare");
    expect(t.goldAnswers).toEqual(["William Shakespeare", "Shakespeare"]);
    expect(t.verdict).toBe("correct");
    expect(t.steps).toHaveLength(3);
  });

  it("marks an unclosed query as a truncation", async () => {
    const cut = {
      ...searchR1,
      output: "<think>x</think>\n<search> first </search><information>d</information>\n<search> second que",
    };
    const { trajectories, report } = await load(tmpFile("sr1cut.jsonl", JSON.stringify(cut)));
    expect(trajectories[0]!.calls).toHaveLength(1);
    expect(trajectories[0]!.truncated).toBe(true);
    expect(report.issues[0]!.reason).toMatch(/never closed/);
  });
});

describe("Search-o1", () => {
  it("reads both document markers (harness begin_of_document, prompt begin_search_result) and \\boxed{}", async () => {
    const text = JSON.stringify([searchO1, searchO1], null, 2);
    const { trajectories, report } = await load(tmpFile("so1.json", text));
    expect(report.files[0]!.format).toBe("search-o1");
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.queries[0], c.response])).toEqual([
      ["capital of Australia", "Canberra is the capital city of Australia."],
      ["Canberra capital since", "Since 1913."],
    ]);
    expect(t.finalAnswer).toBe("Canberra");
    expect(t.question).toBe("What is the capital of Australia?");
    expect(t.verdict).toBe("correct");
    const starts = text.split("\n").flatMap((l, i) => (l === "  {" ? [i + 1] : []));
    expect(starts).toHaveLength(2);
    expect(trajectories.map((x) => x.provenance.source.line)).toEqual(starts);
  });
});

describe("ReAct text", () => {
  it("reads FireAct numbered turns: search and lookup are calls, finish is the answer", async () => {
    const { trajectories, report } = await load(tmpFile("fireact.jsonl", JSON.stringify(fireact)));
    expect(report.files[0]!.format).toBe("react");
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.name, c.role])).toEqual([
      ["Search", "search"],
      ["Search", "search"],
      ["Lookup", "page"],
    ]);
    expect(t.calls[1]!.queries).toEqual(["First for Women"]);
    expect(t.calls[1]!.response).toBe("First for Women is a woman's magazine started in 1989.");
    expect(t.finalAnswer).toBe("Arthur's Magazine");
    expect(t.verdict).toBe("correct");
    expect(t.steps[0]!.reasoning).toBe("I need to search both.");
  });

  it("reads LangChain Action / Action Input / Final Answer", async () => {
    const { trajectories } = await load(tmpFile("lc.jsonl", JSON.stringify(langchain)));
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.name, c.queries, c.response])).toEqual([
      ["search", ["Paris weather today"], "Sunny, 21C."],
    ]);
    expect(t.finalAnswer).toBe("Sunny and 21C");
  });
});

describe("verl rollout dumps", () => {
  it("reads special-token-stripped rollouts, the step from the row or the file name, groups by prompt, extra reward keys kept", async () => {
    const dir = tmpDir();
    const rows = [
      verlRow(undefined, "u1", 1, verlOut),
      verlRow(undefined, "u1", 0, verlOut.replace("\\boxed{Alexander the Great}", "\\boxed{Ptolemy}")),
      verlRow(7, "u2", 1, verlOut),
    ];
    writeFileSync(join(dir, "120.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const { trajectories, report } = await load(join(dir, "120.jsonl"));
    expect(report.files[0]!.format).toBe("verl");
    expect(report.issues).toEqual([]);
    expect(trajectories.map((t) => t.provenance.trainingStep)).toEqual([120, 120, 7]);
    expect(trajectories.map((t) => t.provenance.groupId)).toEqual(["s120:u1", "s120:u1", "s7:u2"]);
    expect(trajectories.map((t) => t.verdict)).toEqual(["correct", "incorrect", "correct"]);
    expect(trajectories.map((t) => t.finalAnswer)).toEqual(["Alexander the Great", "Ptolemy", "Alexander the Great"]);
    const t = trajectories[0]!;
    expect(t.question).toBe("Who founded Alexandria?");
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]!.results).toEqual([
      { title: "Alexandria", url: "https://en.wikipedia.org/wiki/Alexandria", snippet: "founded by Alexander" },
    ]);
    expect(t.extra.reward_spec).toBe("sha256:abc");
    expect(t.score).toBe(1);
    // derived ids: content hash, unique within the file
    expect(trajectories[0]!.id).toMatch(/^h[0-9a-f]{12}$/);
    expect(trajectories[2]!.id).toBe(`${trajectories[0]!.id}#2`);
  });

  it("groups by a hash of the prompt when rows carry no uid, and reads Search-R1-style outputs", async () => {
    const dir = tmpDir();
    const a = {
      input: "user\nQ one?\nassistant\n",
      output: "<search> q1 </search><information>Doc 1(Title: A) a</information><answer> x </answer>",
      gts: "x",
      score: 1,
      acc: 1,
    };
    const b = { ...a, input: "user\nQ two?\nassistant\n" };
    writeFileSync(join(dir, "global_step_5.jsonl"), [a, a, b].map((r) => JSON.stringify(r)).join("\n"));
    const { trajectories } = await load(join(dir, "global_step_5.jsonl"));
    const g = trajectories.map((t) => t.provenance.groupId!);
    expect(g[0]).toBe(g[1]);
    expect(g[0]).not.toBe(g[2]);
    expect(g[0]!.startsWith("s5:")).toBe(true);
    expect(trajectories[0]!.calls[0]!.queries).toEqual(["q1"]);
    expect(trajectories[2]!.question).toBe("Q two?");
  });
});

describe("OpenAI Responses with history in input", () => {
  it("reads earlier function calls carried in input before the output items", async () => {
    const rec = {
      input: [
        { role: "user", content: "Who?" },
        { type: "function_call", call_id: "c1", name: "search", arguments: '{"query":"who"}' },
        {
          type: "function_call_output",
          call_id: "c1",
          output: '{"items":[{"link":"https://a.example","title":"A","snippet":"s"}]}',
        },
      ],
      output: [
        { type: "function_call", call_id: "c2", name: "browse", arguments: '{"url":"https://a.example"}' },
        { type: "function_call_output", call_id: "c2", output: "page text" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "It is \\boxed{A}" }] },
      ],
    };
    const { trajectories, report } = await load(tmpFile("resp.jsonl", JSON.stringify(rec)));
    expect(report.files[0]!.format).toBe("openai-responses");
    const t = trajectories[0]!;
    expect(t.question).toBe("Who?");
    expect(t.calls.map((c) => [c.role, c.results.length, c.response])).toEqual([
      ["search", 1, '{"items":[{"link":"https://a.example","title":"A","snippet":"s"}]}'],
      ["page", 0, "page text"],
    ]);
    expect(t.finalAnswer).toBe("A");
  });
});

describe("ReCall / ReSearch result tags in verl dumps", () => {
  it("pairs <tool_call> with <result> blocks, and <search> with <result> documents", async () => {
    const recall = {
      input: "user\nQ?\nassistant\n",
      output:
        '<think>a</think>\n<tool_call>\n{"name": "search_urls", "arguments": {"query": "one"}}\n</tool_call>\n<tool_call>\n{"name": "query_url", "arguments": {"url": "https://x.example", "goal": "g"}}\n</tool_call>\nuser\n<result>\nhits\n</result>\n<result>\npage\n</result>\nassistant\n<think>b</think>\n\\boxed{A}',
      gts: "A",
      score: 1,
    };
    const research = {
      input: "user\nQ?\nassistant\n",
      output: "<search> q1 </search>\n<result>\ndocs\n</result>\n<answer> A </answer>",
      gts: "A",
      score: 1,
    };
    const dir = tmpDir();
    writeFileSync(join(dir, "3.jsonl"), [recall, research].map((r) => JSON.stringify(r)).join("\n"));
    const { trajectories, report } = await load(join(dir, "3.jsonl"));
    expect(report.issues).toEqual([]);
    expect(trajectories[0]!.calls.map((c) => [c.role, c.response])).toEqual([
      ["search", "hits"],
      ["page", "page"],
    ]);
    expect(trajectories[0]!.finalAnswer).toBe("A");
    expect(trajectories[1]!.calls.map((c) => [c.queries[0], c.response])).toEqual([["q1", "docs"]]);
  });
});

describe("Qwen-agent native function calls and OpenAI chat pairing", () => {
  it("reads function_call / role function messages", async () => {
    const rec = {
      messages: [
        { role: "user", content: "Find X" },
        {
          role: "assistant",
          content: "",
          function_call: { name: "search", arguments: '{"query": ["x one", "x two"]}' },
        },
        { role: "function", name: "search", content: "1. [X](https://x.example/)\n\nabout x\n" },
        { role: "assistant", content: "X is 1." },
      ],
    };
    const { trajectories, report } = await load(tmpFile("qa.jsonl", JSON.stringify(rec)));
    expect(report.files[0]!.format).toBe("qwen-agent");
    expect(trajectories[0]!.calls.map((c) => [c.name, c.queries, c.results.length])).toEqual([
      ["search", ["x one", "x two"], 1],
    ]);
    expect(trajectories[0]!.finalAnswer).toBe("X is 1.");
  });

  it("pairs tool replies by tool_call_id even out of order", async () => {
    const rec = {
      messages: [
        { role: "user", content: "Q" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "a", type: "function", function: { name: "web_search", arguments: '{"query":"one"}' } },
            { id: "b", type: "function", function: { name: "open_url", arguments: '{"url":"https://b.example"}' } },
          ],
        },
        { role: "tool", tool_call_id: "b", content: "page B" },
        { role: "tool", tool_call_id: "a", content: "results A" },
        { role: "tool", tool_call_id: "zzz", content: "orphan" },
        { role: "assistant", content: "Final: \\boxed{42}" },
      ],
    };
    const { trajectories, report } = await load(tmpFile("chat.jsonl", JSON.stringify(rec)));
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.role, c.response])).toEqual([
      ["search", "results A"],
      ["page", "page B"],
    ]);
    expect(t.finalAnswer).toBe("42");
    expect(report.issues[0]!.reason).toMatch(/tool_call_id zzz/);
  });
});

describe("detection and containers", () => {
  it("detects each dialect from its records", () => {
    const cases: Array<[unknown, string]> = [
      [searchR1, "search-r1"],
      [searchO1, "search-o1"],
      [fireact, "react"],
      [langchain, "react"],
      [verlRow(1, "u", 1, verlOut), "verl"],
      [{ gen_text_store: "a <|begin_of_query|> q <|end_of_query|>", question: "q" }, "r1-searcher"],
      [
        { response: { output: [{ type: "function_call", name: "search", arguments: "{}", call_id: "c" }] } },
        "openai-responses",
      ],
      [
        {
          messages: [
            { role: "assistant", content: null, tool_calls: [] },
            { role: "tool", content: "" },
          ],
        },
        "openai-chat",
      ],
      [{ messages: [{ role: "assistant", content: "<tool_call>{}</tool_call>" }] }, "qwen-agent"],
      [{ id: "1", transcript: "<|im_start|>user\nq<|im_end|>", judge: "correct" }, "fathom"],
    ];
    for (const [v, f] of cases) expect([f, detectFormat([v]).format]).toEqual([f, f]);
    expect(detectFormat([{ foo: 1 }]).format).toBeNull();
  });

  it("reads gzip by its magic bytes, whatever the file name, and honours --format", async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, "sub"));
    const p = join(dir, "sub", "rollouts.jsonl.gz");
    writeFileSync(p, gzipSync(Buffer.from([searchR1, searchR1].map((r) => JSON.stringify(r)).join("\n"))));
    const odd = join(dir, "no-extension");
    writeFileSync(odd, gzipSync(Buffer.from(JSON.stringify(searchR1))));
    const { trajectories, report } = await load([dir, odd]);
    expect(report.files.map((f) => [f.format, f.trajectories])).toEqual([
      ["search-r1", 2],
      ["search-r1", 1],
    ]);
    expect(trajectories).toHaveLength(3);
    const forced = await load(tmpFile("x.jsonl", JSON.stringify(searchR1)), { format: "r1-searcher" });
    expect(forced.report.files[0]!.format).toBe("r1-searcher");
    expect(forced.trajectories[0]!.calls).toHaveLength(0);
  });

  it("keeps per-file ids whatever else is loaded; trajectoryKey tells same ids in different files apart", async () => {
    const a = tmpFile(
      "a.jsonl",
      JSON.stringify({ ...searchR1, id: "same" }) + "\n" + JSON.stringify({ ...searchR1, id: "only-a" }),
    );
    const b = tmpFile("b.jsonl", JSON.stringify({ ...searchR1, id: "same" }));
    const both = await load([a, b]);
    expect(both.trajectories.map((t) => t.id)).toEqual(["same", "only-a", "same"]);
    expect(both.report.duplicateIds).toBe(1);
    expect(both.trajectories.map(trajectoryKey)).toEqual([`${a}::same`, `${a}::only-a`, `${b}::same`]);
    expect((await load(a)).trajectories.map((t) => t.id)).toEqual(["same", "only-a"]);
  });
});
