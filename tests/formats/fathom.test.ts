import { describe, expect, it } from "vitest";
import { im, load, tmpFile } from "../helpers.js";

const SYS = im(
  "system",
  'You are a deep research agent.\n<tools>\n{"name": "search_urls"}\n{"name": "query_url"}\n</tools>',
);
const search = (q: string) => `{"name": "search_urls", "arguments": {"query": "${q}", "top_k": 10}}`;
const visit = (u: string, g: string) => `{"name": "query_url", "arguments": {"url": "${u}", "goal": "${g}"}}`;
const hits = (pairs: Array<[string, string]>) =>
  pairs.map(([t, u], i) => `### ${i + 1}. ${t}\n**URL**: ${u}\n\n**Snippet**: about ${t}\n`).join("\n---\n\n");
const resp = (call: string, result: string) => `<tool_response>${call}\nresult: \n${result}\n</tool_response>\n`;

function row(over: Record<string, unknown>): string {
  return JSON.stringify({
    id: "q1",
    question: "What is the capital of France?",
    answer_gt: "Paris",
    model_answer: "paris",
    judge: "correct",
    agent: "fathom-search",
    dataset: "simpleqa",
    ...over,
  });
}

const c1 = search("capital of France");
const c2 = visit("https://en.wikipedia.org/wiki/Paris", "Find the capital of France");
const c3 = visit("https://www.britannica.com/place/Paris", "Verify the capital of France");
const fullTranscript =
  SYS +
  im("user", "What is the capital of France?") +
  im(
    "assistant",
    `<think>I will search and read.</think>\n<tool_call>\n${c1}\n</tool_call>\n<tool_call>\n${c2}\n</tool_call>`,
  ) +
  im(
    "user",
    resp(
      c1,
      hits([
        ["Paris - Wikipedia", "https://en.wikipedia.org/wiki/Paris"],
        ["Paris | Britannica", "https://www.britannica.com/place/Paris"],
      ]),
    ) +
      resp(
        c2,
        'The useful information in https://en.wikipedia.org/wiki/Paris for goal "Find the capital of France":\n\nRationale:\nx\n\nEvidence:\nParis is the capital.\n\nSummary:\nParis.',
      ),
  ) +
  im("assistant", `<think>Verify.</think>\n<tool_call>\n${c3}\n</tool_call>`) +
  im("user", resp(c3, "[failed to retrieve content from URL]")) +
  im("assistant", "<think>Enough.</think>\nThe capital is \\boxed{Paris}.");

describe("Fathom/ReCall eval rows", () => {
  it("pairs every <tool_call> with its <tool_response>, several calls per turn, in order", async () => {
    const f = tmpFile("eval.jsonl", row({ transcript: fullTranscript, tool_calls: [c1, c2, c3] }) + "\n");
    const { trajectories, report } = await load(f);
    expect(report.files[0]!.format).toBe("fathom");
    expect(report.issues).toEqual([]);
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.name, c.role, c.step])).toEqual([
      ["search_urls", "search", 0],
      ["query_url", "page", 0],
      ["query_url", "page", 1],
    ]);
    expect(t.steps.map((s) => s.calls)).toEqual([[0, 1], [2], []]);
    expect(t.calls[0]!.queries).toEqual(["capital of France"]);
    expect(t.calls[0]!.results).toEqual([
      { title: "Paris - Wikipedia", url: "https://en.wikipedia.org/wiki/Paris", snippet: "about Paris - Wikipedia" },
      {
        title: "Paris | Britannica",
        url: "https://www.britannica.com/place/Paris",
        snippet: "about Paris | Britannica",
      },
    ]);
    // the echoed call JSON and the executor's "result:" label are stripped
    expect(t.calls[1]!.response!.startsWith("The useful information in https://en.wikipedia.org/wiki/Paris")).toBe(
      true,
    );
    expect(t.calls[1]!.urls).toEqual(["https://en.wikipedia.org/wiki/Paris"]);
    expect(t.calls[1]!.goal).toBe("Find the capital of France");
    expect(t.calls[1]!.error).toBe(false);
    expect(t.calls[2]!.error).toBe(true);
    expect(t.calls[2]!.errorReason).toBe("failed to retrieve content from URL");
    expect(t.finalAnswer).toBe("Paris");
    expect(t.goldAnswers).toEqual(["Paris"]);
    expect(t.verdict).toBe("correct");
    expect(t.truncated).toBe(false);
    expect(t.steps[0]!.reasoning).toBe("I will search and read.");
    expect(t.provenance).toMatchObject({
      format: "fathom",
      model: "fathom-search",
      dataset: "simpleqa",
      recordId: "q1",
      source: { file: f, line: 1 },
    });
    expect(t.id).toBe("q1");
    expect(t.extra.model_answer).toBe("paris");
  });

  it("treats an unbalanced final turn as a normal truncation: no calls from it, trajectory kept", async () => {
    const tr =
      SYS +
      im("user", "Q?") +
      im("assistant", `<think>a</think>\n<tool_call>\n${c1}\n</tool_call>`) +
      im("user", resp(c1, hits([["A", "https://a.example/"]]))) +
      im("assistant", `<think>b</think>\n<tool_call>\n{"name": "search_urls", "arguments": {"query": "cut`, false);
    const f = tmpFile("trunc.jsonl", row({ transcript: tr, judge: "incorrect" }) + "\n");
    const { trajectories, report } = await load(f);
    const t = trajectories[0]!;
    expect(t.calls).toHaveLength(1);
    expect(t.steps).toHaveLength(2);
    expect(t.truncated).toBe(true);
    expect(t.finalAnswer).toBeNull();
    expect(report.files[0]!.errors).toBe(0);
    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]).toMatchObject({ severity: "warning", line: 1 });
    expect(report.issues[0]!.reason).toMatch(/1 <tool_call> but 0 <\/tool_call>.*truncated final turn/);
  });

  it('reports {"score": 0} placeholder rows and rows with nothing to read as bad records, keeping the rest', async () => {
    const good = row({ transcript: fullTranscript });
    const f = tmpFile(
      "mixed.jsonl",
      [good, '{"score": 0}', JSON.stringify({ id: "q9", question: "x" }), good].join("\n") + "\n",
    );
    const { trajectories, report } = await load(f);
    expect(trajectories.map((t) => t.provenance.source.line)).toEqual([1, 4]);
    expect(trajectories.map((t) => t.id)).toEqual(["q1", "q1#2"]);
    const errs = report.issues.filter((i) => i.severity === "error");
    expect(errs.map((e) => e.line)).toEqual([2, 3]);
    expect(errs[0]!.reason).toMatch(/harness placeholder \{"score": 0\}/);
    expect(errs[0]!.excerpt).toBe('{"score":0}');
    expect(errs[1]!.reason).toMatch(/no "transcript"/);
  });

  it("keeps a call whose JSON does not parse, flagged, named by what it attempted", async () => {
    const bad = `{"name": "query_url", "arguments": {"url": "https://x.example/a", "goal": "g"`; // missing braces
    const tr =
      SYS +
      im("user", "Q?") +
      im("assistant", `<think>t</think>\n<tool_call>\n${bad}\n</tool_call>`) +
      im("user", `<tool_response>${bad}\nParse tool call failed: Expecting ',' delimiter\n</tool_response>\n`) +
      im("assistant", "<think>t</think>\n\\boxed{x}");
    const f = tmpFile("badcall.jsonl", row({ transcript: tr }) + "\n");
    const { trajectories } = await load(f);
    const c = trajectories[0]!.calls[0]!;
    expect(c.name).toBe("query_url");
    expect(c.role).toBe("page");
    expect(c.urls).toEqual(["https://x.example/a"]);
    expect(c.goal).toBe("g");
    expect(c.parsedArguments).toBeNull();
    expect(c.error).toBe(true);
    expect(c.errorReason).toMatch(/not valid JSON/);
  });

  it("reads calls from tool_calls when the transcript is missing, and flags mismatched response counts", async () => {
    const f = tmpFile(
      "partial.jsonl",
      [
        row({ tool_calls: [c1, c2] }),
        row({
          id: "q2",
          transcript:
            SYS +
            im("user", "Q?") +
            im("assistant", `<tool_call>\n${c1}\n</tool_call>`) +
            im("user", resp(c1, "r1") + resp(c1, "r2")) +
            im("assistant", "\\boxed{y}"),
        }),
      ].join("\n"),
    );
    const { trajectories, report } = await load(f);
    expect(trajectories[0]!.calls.map((c) => c.name)).toEqual(["search_urls", "query_url"]);
    expect(trajectories[0]!.calls.every((c) => c.response === null && c.errorReason === "no response recorded")).toBe(
      true,
    );
    expect(trajectories[1]!.calls).toHaveLength(1);
    expect(trajectories[1]!.calls[0]!.response).toBe("r1");
    expect(report.issues.map((i) => i.line)).toEqual([1, 2]);
    expect(report.issues[1]!.reason).toMatch(/2 tool responses for 1 calls/);
  });

  it("recognises executor timeouts and tool errors as failed calls", async () => {
    const tr =
      SYS +
      im("user", "Q?") +
      im("assistant", `<tool_call>\n${c1}\n</tool_call>\n<tool_call>\n${c2}\n</tool_call>`) +
      im("user", resp(c1, "\nerror: \nerror: execution timed out") + resp(c2, "[tool-error] upstream 503")) +
      im("assistant", "\\boxed{z}");
    const { trajectories } = await load(tmpFile("errs.jsonl", row({ transcript: tr })));
    expect(trajectories[0]!.calls.map((c) => c.errorReason)).toEqual(["execution timed out", "tool error"]);
  });

  it("maps legacy tool names (web_search, web_visit) and honours a user tool-role map", async () => {
    const ws = `{"name": "web_search", "arguments": {"query": "q"}}`;
    const wv = `{"name": "web_visit", "arguments": {"url": "https://a.example"}}`;
    // an argument that says neither query nor URL: an unknown name stays "other" (no inference)
    const my = `{"name": "my_lookup", "arguments": {"term": "q2"}}`;
    const tr =
      SYS +
      im("user", "Q?") +
      im(
        "assistant",
        `<tool_call>\n${ws}\n</tool_call>\n<tool_call>\n${wv}\n</tool_call>\n<tool_call>\n${my}\n</tool_call>`,
      ) +
      im("user", resp(ws, "a") + resp(wv, "b") + resp(my, "c")) +
      im("assistant", "\\boxed{1}");
    const f = tmpFile("legacy.jsonl", row({ transcript: tr, agent: "ii-search" }));
    expect((await load(f)).trajectories[0]!.calls.map((c) => c.role)).toEqual(["search", "page", "other"]);
    expect(
      (await load(f, { toolRoles: { my_lookup: "search", web_visit: "other" } })).trajectories[0]!.calls.map(
        (c) => c.role,
      ),
    ).toEqual(["search", "other", "search"]);
  });
});
