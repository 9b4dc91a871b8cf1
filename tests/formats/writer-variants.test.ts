/**
 * Layout variants the writers of each dialect have produced over their history (older and newer
 * versions of the code that writes the file), each built here in the writer's layout with this
 * project's own questions and URLs, and read with no flags: exact trajectory and tool-call counts
 * (computed here from the raw objects), calls paired with their replies, search / page roles.
 * Where each variant was seen is in the reader's doc comment.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { load, tmpDir, tmpFile } from "../helpers.js";
import { expandPaths } from "../../lib/index.js";
import type { Trajectory } from "../../lib/index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** Calls of every trajectory as `name:role`, and how many got a reply. */
function callSummary(ts: readonly Trajectory[]): { names: string[][]; answered: number } {
  return {
    names: ts.map((t) => t.calls.map((c) => `${c.name}:${c.role}`)),
    answered: ts.reduce((n, t) => n + t.calls.filter((c) => c.response !== null).length, 0),
  };
}

const INFERRED = /^tool "([^"]+)" taken as (\w+) \(/;

/**
 * The file loaded with no warnings or errors, in `format`. The only notes allowed are the roles
 * inferred for tool names the map does not know, one per tool, each with its `--tool-roles` line:
 * `inferred` lists them as `name:role`.
 */
async function loadClean(name: string, text: string, format: string, inferred: string[] = []): Promise<Trajectory[]> {
  const { trajectories, report } = await load(tmpFile(name, text));
  const fr = report.files[0]!;
  const notes = report.issues.filter((i) => INFERRED.test(i.reason));
  expect(report.issues.filter((i) => !notes.includes(i)).map((i) => i.reason)).toEqual([]);
  expect(notes.map((i) => INFERRED.exec(i.reason)!.slice(1, 3).join(":"))).toEqual(inferred);
  for (const n of notes) expect(n.reason).toMatch(/--tool-roles FILE with \{"[^"]+":"\w+"\}/);
  expect(fr.format).toBe(format);
  expect(fr.unreadable).toBe(false);
  return trajectories;
}

// ---------------------------------------------------------------------------------------------
// verifiers v1: message-graph traces, episodes, and the first turn-list traces
// ---------------------------------------------------------------------------------------------

/** One v1 tool-using conversation: a question, `n` search/open rounds, an answer. */
function v1Conversation(q: string, n: number): Raw[] {
  const msgs: Raw[] = [
    { role: "system", content: "Answer with evidence." },
    { role: "user", content: q },
  ];
  for (let k = 0; k < n; k++) {
    const search = { id: `s${k}`, name: "web_search", arguments: JSON.stringify({ query: `${q} part ${k}` }) };
    const open = {
      id: `o${k}`,
      name: "open_page",
      arguments: JSON.stringify({ url: `https://notes.example.org/${k}` }),
    };
    msgs.push({ role: "assistant", content: null, tool_calls: k % 2 ? [search, open] : [search] });
    msgs.push({ role: "tool", tool_call_id: `s${k}`, content: `1. https://notes.example.org/${k} — a note` });
    if (k % 2) msgs.push({ role: "tool", tool_call_id: `o${k}`, content: "page text" });
  }
  msgs.push({ role: "assistant", content: "It is \\boxed{7}." });
  return msgs;
}

/** A v1 trace with a message graph: prompt nodes unsampled, the model's turns sampled. */
function graphTrace(id: string, q: string, n: number, extra: Raw = {}): Raw {
  const msgs = v1Conversation(q, n);
  return {
    version: 1,
    id,
    task: { type: "QATask", data: { idx: Number(id.replace(/\D/g, "")) || 0, prompt: q, answer: "7" }, key: `k-${q}` },
    agent: { config: { model: "small-model" }, name: "solver" },
    nodes: msgs.map((message, k) => ({
      parent: k === 0 ? null : k - 1,
      message,
      sampled: message.role === "assistant",
      token_ids: [],
      mask: [],
    })),
    calls: msgs.flatMap((m, k) =>
      m.role === "assistant" ? [{ node: k, model: "small-model", finish_reason: "stop" }] : [],
    ),
    rewards: { correct: { score: 1, weight: 1 } },
    metrics: {},
    is_completed: true,
    ok: true,
    stop_condition: "no_tools_called",
    errors: [],
    ...extra,
  };
}

const expectedCalls = (n: number): string[] => {
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    out.push("web_search:search");
    if (k % 2) out.push("open_page:page");
  }
  return out;
};

describe("verifiers v1 traces (verifiers/v1 trace.py, graph.py, episode.py)", () => {
  it("results.jsonl of message-graph traces: one rollout a line, calls paired by id, reward from {score, weight}", async () => {
    const rounds = [0, 1, 2, 5];
    const rows = rounds.map((n, i) => graphTrace(`t${i}`, `how many moons does planet ${i} have`, n));
    const ts = await loadClean("results.jsonl", jsonl(rows), "verifiers");
    expect(ts).toHaveLength(rows.length);
    const { names, answered } = callSummary(ts);
    expect(names).toEqual(rounds.map(expectedCalls));
    const raw = rows.flatMap((r) => r.nodes.filter((x: Raw) => x.message.role === "tool"));
    expect(answered).toBe(raw.length);
    expect(ts.map((t) => [t.provenance.recordId, t.provenance.groupId, t.score, t.verdict])).toEqual(
      rows.map((r) => [r.id, r.task.key, 1, "correct"]),
    );
    expect(ts.every((t) => t.finalAnswer === "7" && !t.truncated && t.question.startsWith("how many moons"))).toBe(
      true,
    );
    expect(ts[0]!.provenance.model).toBe("small-model");
  });

  it("prompt-supplied assistant turns (sampled: false) are context; a turn cap or a length finish is truncation", async () => {
    const base = graphTrace("t9", "which river is longest", 2);
    // a few-shot exchange fabricated in the prompt, never generated by the model
    base.nodes.splice(1, 0, {
      parent: 0,
      message: {
        role: "assistant",
        content: "",
        tool_calls: [{ id: "demo", name: "web_search", arguments: '{"query":"demo"}' }],
      },
      sampled: false,
    });
    const capped = graphTrace("t10", "which lake is deepest", 3, { stop_condition: "max_turns" });
    capped.nodes = capped.nodes.slice(0, -1); // the final answer never came
    const cut = graphTrace("t11", "which desert is driest", 1);
    cut.calls[cut.calls.length - 1].finish_reason = "length";
    const ts = await loadClean("results.jsonl", jsonl([base, capped, cut]), "verifiers");
    expect(callSummary(ts).names).toEqual([expectedCalls(2), expectedCalls(3), expectedCalls(1)]);
    expect(ts.map((t) => t.truncated)).toEqual([false, true, true]);
  });

  it("traces.jsonl of episodes: each trace of an episode is a rollout, env id as dataset", async () => {
    const ep = (id: string, traces: Raw[]): Raw => ({
      id,
      env: { id: "wiki-qa" },
      task: traces[0]?.task ?? { type: "QATask", data: { prompt: "none" } },
      ok: true,
      errors: [],
      traces,
    });
    const rows = [
      ep("e0", [graphTrace("a", "first question about tides", 2)]),
      ep("e1", [graphTrace("b", "second question about dunes", 1), graphTrace("c", "second question about dunes", 4)]),
    ];
    const ts = await loadClean("traces.jsonl", jsonl(rows), "verifiers");
    expect(ts.map((t) => t.provenance.recordId)).toEqual(["a", "b", "c"]);
    expect(callSummary(ts).names).toEqual([2, 1, 4].map(expectedCalls));
    expect(new Set(ts.map((t) => t.provenance.dataset))).toEqual(new Set(["wiki-qa"]));
  });

  it("a trace that raised before its first message is a rollout without calls, its error reported", async () => {
    const failed = {
      ...graphTrace("t12", "unused", 0),
      nodes: [],
      calls: [],
      rewards: { correct: null },
      ok: false,
      stop_condition: "error",
      errors: [{ type: "SandboxError", message: "the sandbox did not start" }],
    };
    const rows = [graphTrace("t13", "which cliff is tallest", 1), failed];
    const { trajectories, report } = await load(tmpFile("results.jsonl", jsonl(rows)));
    expect(report.files[0]!.format).toBe("verifiers");
    expect(trajectories.map((t) => t.calls.length)).toEqual([1, 0]);
    expect(report.issues.map((i) => [i.line, i.reason])).toEqual([
      [2, "the rollout raised: SandboxError: the sandbox did not start"],
    ]);
  });

  it("an episode whose task failed before any rollout is reported, not silently empty", async () => {
    const rows = [{ id: "e0", env: { id: "x" }, task: { type: "T", data: {} }, ok: false, errors: [], traces: [] }];
    const { trajectories, report } = await load(tmpFile("traces.jsonl", jsonl(rows)));
    expect(trajectories).toHaveLength(0);
    expect(report.issues.map((i) => i.reason)).toEqual([expect.stringMatching(/episode without traces/)]);
  });

  it("the first v1 traces (trajectory of {prompt, response} turns, float rewards) read the same", async () => {
    const trace = (id: string, q: string, n: number): Raw => {
      const msgs = v1Conversation(q, n);
      const turns: Raw[] = [];
      msgs.forEach((m, k) => {
        if (m.role !== "assistant") return;
        const { role: _role, ...message } = m;
        turns.push({
          prompt: msgs.slice(0, k),
          response: { id: `r${k}`, created: 0, model: "m", message, finish_reason: "stop" },
        });
      });
      return {
        id,
        task: { idx: 0, instruction: q, answer: "7" },
        trajectory: turns,
        rewards: { exact: 1 },
        is_completed: true,
      };
    };
    const rows = [trace("u0", "what is the tallest tree", 3), trace("u1", "what is the oldest bridge", 0)];
    const ts = await loadClean("results.jsonl", jsonl(rows), "verifiers");
    expect(callSummary(ts).names).toEqual([expectedCalls(3), []]);
    expect(callSummary(ts).answered).toBe(4);
    expect(ts.map((t) => [t.verdict, t.finalAnswer])).toEqual([
      ["correct", "7"],
      ["correct", "7"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// ATIF v1.7: copied context, embedded sub-agent trajectories, list references
// ---------------------------------------------------------------------------------------------

/** An ATIF agent step with one call per name, and its results (optionally pointing at sub-agents). */
function atifStep(id: number, calls: Array<[string, Raw, string | null, Raw?]>, extra: Raw = {}): Raw {
  return {
    step_id: id,
    source: "agent",
    message: "",
    tool_calls: calls.map(([name, args], k) => ({ tool_call_id: `c${id}-${k}`, function_name: name, arguments: args })),
    observation: {
      results: calls.map(([, , content, ref], k) => ({
        source_call_id: `c${id}-${k}`,
        ...(content !== null ? { content } : {}),
        ...(ref ? { subagent_trajectory_ref: ref } : {}),
      })),
    },
    ...extra,
  };
}

describe("ATIF trajectories as v1.7 writers lay them out", () => {
  it("copied-context steps are not this run's; embedded sub-agents' calls nest after the call that spawned them", async () => {
    const child = (tid: string, queries: string[]): Raw => ({
      trajectory_id: tid,
      agent: { name: "researcher" },
      steps: [
        { step_id: 1, source: "user", message: "look this up" },
        ...queries.map((q, k) => atifStep(k + 2, [["web_search", { query: q }, "1. https://atlas.example.net/a"]])),
        { step_id: 9, source: "agent", message: "found it" },
      ],
    });
    const doc = {
      schema_version: "ATIF-v1.7",
      session_id: "run-1",
      trajectory_id: "root",
      agent: { name: "lead", version: "1", model_name: "m" },
      steps: [
        { step_id: 1, source: "user", message: "an earlier request", is_copied_context: true },
        { ...atifStep(2, [["bash", { cmd: "ls" }, "a b"]]), is_copied_context: true },
        { step_id: 3, source: "user", message: "which harbour is oldest" },
        atifStep(4, [
          ["delegate", { task: "find harbours" }, "summary", [{ trajectory_id: "kid-a", session_id: "s-a" }]],
          ["fetch_url", { url: "https://atlas.example.net/h" }, "page"],
        ]),
        // a step whose only result points at a sub-agent (no call, no content)
        {
          step_id: 5,
          source: "agent",
          message: "",
          observation: { results: [{ subagent_trajectory_ref: [{ trajectory_id: "kid-b" }] }] },
        },
        { step_id: 6, source: "agent", message: "The oldest is the north harbour." },
      ],
      subagent_trajectories: [
        child("kid-a", ["old harbours", "harbour founding dates"]),
        child("kid-b", ["port records"]),
      ],
    };
    const [t] = await loadClean("trajectory.json", JSON.stringify(doc, null, 2), "atif");
    expect(t!.calls.map((c) => `${c.name}:${c.role}`)).toEqual([
      "delegate:other",
      "fetch_url:page",
      "web_search:search",
      "web_search:search",
      "web_search:search",
    ]);
    expect(t!.calls.every((c) => c.response !== null)).toBe(true);
    expect(t!.question).toBe("which harbour is oldest");
    expect(t!.finalAnswer).toBe("The oldest is the north harbour.");
    expect(t!.extra.subAgents).toEqual([
      { trajectory: "kid-a", parent: 0, calls: [2, 3] },
      { trajectory: "kid-b", parent: -1, calls: [4] },
    ]);
  });

  it("a single reference object (before v1.7) to a child kept in its own file: the call stays, nothing is flagged", async () => {
    const doc = {
      schema_version: "ATIF-v1.5",
      session_id: "run-2",
      agent: { name: "lead", version: "1" },
      steps: [
        { step_id: 1, source: "user", message: "summarise the tide tables" },
        atifStep(2, [
          ["summarize", { text: "x" }, "ok", { session_id: "sub-1", trajectory_path: "trajectory.sub-1.json" }],
        ]),
        { step_id: 3, source: "agent", message: "done" },
      ],
    };
    const [t] = await loadClean("trajectory.json", JSON.stringify(doc), "atif");
    expect(t!.calls.map((c) => [c.name, c.response])).toEqual([["summarize", "ok"]]);
  });

  it("an embedded sub-agent no result references is reported", async () => {
    const doc = {
      schema_version: "ATIF-v1.7",
      session_id: "run-3",
      agent: { name: "lead", version: "1" },
      steps: [
        { step_id: 1, source: "user", message: "q" },
        { step_id: 2, source: "agent", message: "a" },
      ],
      subagent_trajectories: [{ trajectory_id: "lost", agent: { name: "x" }, steps: [] }],
    };
    const { report } = await load(tmpFile("trajectory.json", JSON.stringify(doc)));
    expect(report.issues.map((i) => i.reason)).toEqual([
      expect.stringMatching(/1 embedded sub-agent trajectory referenced by no call/),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Inspect AI: provider-run tools in content, and the first logs' tool_error
// ---------------------------------------------------------------------------------------------

/** An Inspect JSON log around `samples`. */
function inspectLog(samples: Raw[], version = 2): Raw {
  return {
    version,
    status: "success",
    eval: { task: "reef_qa", model: "openai/small", dataset: { name: "reefs" } },
    plan: { steps: [] },
    results: { scores: [] },
    stats: {},
    samples,
  };
}

describe("Inspect AI samples as older and newer writers lay them out", () => {
  it("server-side tool uses (ContentToolUse) in assistant content are calls with their result; the same turn's text is the answer", async () => {
    const toolUse = (id: string, name: string, args: Raw, result: string, error?: string): Raw => ({
      type: "tool_use",
      tool_type: "web_search",
      id,
      name,
      arguments: JSON.stringify(args),
      result,
      ...(error ? { error } : {}),
    });
    const sample = {
      id: "reef-1",
      epoch: 1,
      input: "how long is the longest reef",
      target: "2300 km",
      messages: [
        { role: "user", content: "how long is the longest reef" },
        {
          role: "assistant",
          content: [
            { type: "reasoning", reasoning: "look it up" },
            toolUse("ws_1", "search", { type: "search", query: "longest reef length" }, ""),
            toolUse("ws_2", "open_page", { type: "open_page", url: "https://reefs.example.com/big" }, ""),
            toolUse("ws_3", "web_search", { query: "reef length km" }, "", "failed"),
            { type: "text", text: "About 2300 km." },
          ],
        },
      ],
      scores: { match: { value: "C", answer: "About 2300 km." } },
    };
    const [t] = await loadClean("log.json", JSON.stringify(inspectLog([sample])), "inspect");
    expect(t!.calls.map((c) => `${c.name}:${c.role}`)).toEqual([
      "search:search",
      "open_page:page",
      "web_search:search",
    ]);
    expect(t!.calls.map((c) => [c.response !== null, c.error])).toEqual([
      [true, false],
      [true, false],
      [true, true],
    ]);
    expect(t!.finalAnswer).toBe("About 2300 km.");
    expect(t!.verdict).toBe("correct");
  });

  it("version-1 logs: a single score, tool replies with the string tool_error", async () => {
    const sample = {
      id: 3,
      epoch: 1,
      input: [{ role: "user", content: "which gulf is saltiest" }],
      target: ["the red one"],
      messages: [
        { role: "user", content: "which gulf is saltiest", source: "input" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "t1", function: "web_search", arguments: { query: "saltiest gulf" }, type: "function" },
            { id: "t2", function: "web_browser_go", arguments: { url: "https://seas.example.org/" }, type: "function" },
          ],
        },
        {
          role: "tool",
          tool_call_id: "t1",
          content: "Title: Gulfs\nURL: https://seas.example.org/gulfs\nSnippet: salty",
        },
        { role: "tool", tool_call_id: "t2", content: "", tool_error: "timed out" },
        { role: "assistant", content: "The red one." },
      ],
      score: { value: 1, answer: "The red one." },
    };
    const [t] = await loadClean("log.json", JSON.stringify(inspectLog([sample], 1)), "inspect");
    expect(t!.calls.map((c) => [c.name, c.role, c.error, c.errorReason])).toEqual([
      ["web_search", "search", false, null],
      ["web_browser_go", "page", true, "timed out"],
    ]);
    expect(t!.verdict).toBe("correct");
  });
});

// ---------------------------------------------------------------------------------------------
// mini-swe-agent before trajectory_format; OpenHands V1 (agent-sdk) events and MCP actions
// ---------------------------------------------------------------------------------------------

describe("mini-swe-agent trajectories saved before the format was versioned", () => {
  it("{info{exit_status, submission, model_stats}, messages} with ```bash fences: one bash call per fenced turn", async () => {
    const fence = (cmd: string) => "I will look.\n```bash\n" + cmd + "\n```";
    const messages = [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "Find which file defines the tide constant." },
      { role: "assistant", content: fence("grep -rn TIDE src") },
      { role: "user", content: "src/consts.py:3:TIDE = 12" },
      { role: "assistant", content: "Two at once:\n```bash\nls\n```\n```bash\npwd\n```" }, // a format error
      { role: "user", content: "Please always provide EXACTLY ONE action." },
      { role: "assistant", content: fence("curl -s https://docs.example.org/tides | head") },
      { role: "user", content: "<html>tides</html>" },
      { role: "assistant", content: fence("echo MINI_SWE_AGENT_FINAL_OUTPUT && git diff") },
    ];
    const doc = {
      info: {
        exit_status: "Submitted",
        submission: "diff --git a/x b/x",
        model_stats: { instance_cost: 0.1, api_calls: 5 },
      },
      messages,
    };
    const [t] = await loadClean("run.traj.json", JSON.stringify(doc, null, 2), "mini-swe-agent");
    expect(t!.calls.map((c) => [c.name, (c.parsedArguments as Raw).command])).toEqual([
      ["bash", "grep -rn TIDE src"],
      ["bash", "curl -s https://docs.example.org/tides | head"],
      ["bash", "echo MINI_SWE_AGENT_FINAL_OUTPUT && git diff"],
    ]);
    expect(t!.finalAnswer).toBe("diff --git a/x b/x");
  });
});

/** OpenHands V1 events for one conversation: `n` search + fetch rounds and a finish. */
function v1Events(n: number): Raw[] {
  const ev: Raw[] = [
    {
      kind: "SystemPromptEvent",
      id: "sys",
      timestamp: "t",
      source: "agent",
      system_prompt: { type: "text", text: "be brief" },
      tools: [],
    },
    {
      kind: "MessageEvent",
      id: "m0",
      timestamp: "t",
      source: "user",
      llm_message: { role: "user", content: [{ type: "text", text: "when did the lighthouse open" }] },
      activated_microagents: [],
      extended_content: [],
    },
  ];
  const act = (id: string, resp: string, tool: string, args: Raw, kind: string): Raw => ({
    kind: "ActionEvent",
    id,
    timestamp: "t",
    source: "agent",
    thought: [{ type: "text", text: `using ${tool}` }],
    thinking_blocks: [],
    action: { kind, ...args },
    tool_name: tool,
    tool_call_id: `call-${id}`,
    tool_call: { id: `call-${id}`, type: "function", function: { name: tool, arguments: JSON.stringify(args) } },
    llm_response_id: resp,
    security_risk: "LOW",
  });
  const obs = (id: string, action: Raw, text: string, error = false): Raw => ({
    kind: "ObservationEvent",
    id,
    timestamp: "t",
    source: "environment",
    tool_name: action.tool_name,
    tool_call_id: action.tool_call_id,
    observation: { kind: "MCPToolObservation", content: [{ type: "text", text }], is_error: error },
    action_id: action.id,
  });
  for (let k = 0; k < n; k++) {
    // two calls of one model response: one step, two calls
    const a = act(`a${k}`, `r${k}`, "tavily_search", { query: `lighthouse opening year ${k}` }, "MCPToolAction");
    const b = act(`b${k}`, `r${k}`, "fetch", { url: `https://coast.example.org/${k}` }, "MCPToolAction");
    ev.push(a, b, obs(`oa${k}`, a, `1. https://coast.example.org/${k} lighthouse`), obs(`ob${k}`, b, "page", k === 1));
    ev.push({
      kind: "ConversationStateUpdateEvent",
      id: `s${k}`,
      timestamp: "t",
      source: "environment",
      key: "stats",
      value: {},
    });
  }
  const bad = act("z", "rz", "fetch", { url: "not a url" }, "MCPToolAction");
  ev.push(bad, {
    kind: "AgentErrorEvent",
    id: "ze",
    timestamp: "t",
    source: "agent",
    tool_name: "fetch",
    tool_call_id: bad.tool_call_id,
    error: "invalid url",
  });
  const fin = act("f", "rf", "finish", { message: "It opened in 1871." }, "FinishAction");
  ev.push(fin, obs("of", fin, "It opened in 1871."));
  return ev;
}

describe("OpenHands V1 (agent-sdk) event streams", () => {
  it("a JSON array of V1 events: calls by tool_name, replies by action_id, errors, one step per llm_response_id", async () => {
    const events = v1Events(3);
    const [t] = await loadClean("events.json", JSON.stringify(events, null, 2), "openhands");
    const actions = events.filter((e) => e.kind === "ActionEvent");
    expect(t!.calls.map((c) => c.name)).toEqual(actions.map((a) => a.tool_name));
    expect(t!.calls.map((c) => c.role)).toEqual(
      actions.map((a) => (a.tool_name === "tavily_search" ? "search" : a.tool_name === "fetch" ? "page" : "answer")),
    );
    expect(t!.calls.every((c) => c.response !== null)).toBe(true);
    expect(t!.calls.filter((c) => c.error).map((c) => c.index)).toEqual([3, 6]);
    expect(new Set(t!.calls.slice(0, 2).map((c) => c.step)).size).toBe(1);
    expect(t!.question).toBe("when did the lighthouse open");
    expect(t!.finalAnswer).toBe("It opened in 1871.");
  });

  it("JSON Lines of V1 events are one rollout; an evaluation row's history of V1 events too", async () => {
    const events = v1Events(2);
    const a = await loadClean("events.jsonl", jsonl(events), "openhands");
    const b = await loadClean(
      "output.jsonl",
      jsonl([{ instance_id: "lh-1", instruction: "when did the lighthouse open", history: events }]),
      "openhands",
    );
    const calls = events.filter((e) => e.kind === "ActionEvent").length;
    expect([a.length, a[0]!.calls.length, b.length, b[0]!.calls.length]).toEqual([1, calls, 1, calls]);
    expect(b[0]!.provenance.recordId).toBe("lh-1");
  });

  it("V0 MCP actions without tool-call metadata are named by the MCP tool", async () => {
    const history = [
      { id: 1, source: "user", action: "message", args: { content: "find the pier length" } },
      {
        id: 2,
        source: "agent",
        action: "call_tool_mcp",
        args: { name: "brave_search", arguments: { query: "pier length" }, thought: "" },
      },
      {
        id: 3,
        cause: 2,
        source: "environment",
        observation: "mcp",
        content: "1. https://pier.example.org",
        extras: {},
      },
      {
        id: 4,
        source: "agent",
        action: "browse_interactive",
        args: { browser_actions: 'goto("https://pier.example.org")' },
      },
      { id: 5, cause: 4, source: "environment", observation: "browse", content: "the pier is 2 km", extras: {} },
    ];
    const [t] = await loadClean("trajectory.json", JSON.stringify(history), "openhands");
    expect(t!.calls.map((c) => [c.name, c.role, c.response !== null])).toEqual([
      ["brave_search", "search", true],
      ["browse_interactive", "page", true],
    ]);
    expect(t!.calls[0]!.queries).toEqual(["pier length"]);
  });
});

// ---------------------------------------------------------------------------------------------
// ToolBench: ToolEval's converted answers (answer_details graphs)
// ---------------------------------------------------------------------------------------------

describe("ToolEval converted answers (ToolBench tooleval)", () => {
  /** A converted answer: a chain of assistant / tool nodes under blanked system and user nodes. */
  function converted(query: string, tools: Array<[string, Raw, string]>): Raw {
    let tail: Raw[] = [];
    for (let k = tools.length - 1; k >= 0; k--) {
      const [name, args, response] = tools[k]!;
      const tool = { role: "tool", message: { name, arguments: JSON.stringify(args), response }, next: tail };
      tail = [{ role: "assistant", message: `step ${k}: call ${name}`, next: [tool] }];
    }
    const finalAnswer = JSON.stringify({ return_type: "give_answer", final_answer: `answer to ${query}` });
    return {
      query,
      available_tools: [{ name: "search_recipes_for_cookbook", description: "find recipes" }],
      answer: {
        method: "DFS_woFilter_w2",
        total_steps: tools.length * 2 + 2,
        final_answer: finalAnswer,
        answer_details: [{ role: "system", message: "", next: [{ role: "user", message: "", next: tail }] }],
      },
    };
  }

  it("a file keyed by query id: each answer a rollout, every tool node a call, Finish gives the answer", async () => {
    const doc = {
      "101": converted("a soup with lentils", [
        [
          "search_recipes_for_cookbook",
          { query: "lentil soup" },
          '{"error": "", "response": "[{\\"title\\": \\"Red lentil\\"}]"}',
        ],
        ["Finish", { return_type: "give_answer", final_answer: "Red lentil soup" }, ""],
      ]),
      "102": converted("a bread without yeast", [
        ["search_recipes_for_cookbook", { query: "soda bread" }, "{}"],
        ["get_recipe_details_for_cookbook", { id: 7 }, '{"title": "Soda bread"}'],
        ["Finish", { return_type: "give_up_and_restart" }, ""],
      ]),
    };
    const ts = await loadClean("converted_answers.json", JSON.stringify(doc), "toolbench", [
      "search_recipes_for_cookbook:search",
    ]);
    expect(ts.map((t) => t.provenance.recordId)).toEqual(["101", "102"]);
    expect(ts.map((t) => t.calls.map((c) => c.name))).toEqual([
      ["search_recipes_for_cookbook", "Finish"],
      ["search_recipes_for_cookbook", "get_recipe_details_for_cookbook", "Finish"],
    ]);
    expect(ts.map((t) => t.calls.filter((c) => c.response !== null).length)).toEqual([1, 2]);
    expect(ts[0]!.finalAnswer).toBe("Red lentil soup");
    expect(ts[1]!.question).toBe("a bread without yeast");
  });
});

// ---------------------------------------------------------------------------------------------
// ReCall's predecessor ReSearch: the same train_{step}.jsonl rows, <search> / <result> rollouts
// ---------------------------------------------------------------------------------------------

describe("ReSearch rollouts saved as ReCall train_{step}.jsonl rows", () => {
  it("only the response's <search> tags are calls (the system prompt names them too); <result> blocks their replies", async () => {
    const system =
      "You are a helpful assistant. Think in <think> </think>, query with <search> </search>, read <result> </result>, answer in <answer> </answer>.";
    const row = (q: string, queries: string[], answer: string, closed = true): Raw => {
      let response = "";
      for (const [k, s] of queries.entries())
        response += `<think> step ${k} </think> <search> ${s} </search> <result>\n(1) a passage about ${s}\n</result> `;
      response += `<answer> The final answer is \\boxed{${answer}} </answer>`;
      const text = `<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n${q}<|im_end|>\n<|im_start|>assistant\n${response}${closed ? "<|im_end|>" : ""}`;
      return {
        data_source: "musique",
        sequences_str: text,
        ground_truth: [answer],
        score: closed ? 1 : 0,
        reason: closed ? "" : "not end with eos token",
      };
    };
    const rows = [
      row("which canal is the longest", ["longest canal", "grand canal length"], "Grand Canal"),
      row("who built the first lock", ["first canal lock"], "unknown"),
    ];
    const ts = await loadClean("train_4.jsonl", jsonl(rows), "recall-train");
    expect(ts.map((t) => t.calls.map((c) => c.queries[0]))).toEqual([
      ["longest canal", "grand canal length"],
      ["first canal lock"],
    ]);
    expect(
      ts.every((t) => t.calls.every((c) => c.role === "search" && c.response!.startsWith("(1) a passage about"))),
    ).toBe(true);
    expect(ts.map((t) => [t.question, t.finalAnswer, t.provenance.trainingStep, t.truncated])).toEqual([
      ["which canal is the longest", "Grand Canal", 4, false],
      ["who built the first lock", "unknown", 4, false],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// FireAct's fine-tuning data: the same ReAct turns in gpt_format messages and alpaca_format rows
// ---------------------------------------------------------------------------------------------

describe("FireAct fine-tuning data (data/finetune gpt_format, alpaca_format)", () => {
  const turns = (q: string, actions: string[]): Raw[] => {
    const out: Raw[] = [{ role: "user", content: q }];
    for (const a of actions) {
      out.push({ role: "assistant", content: `Thought: next I do ${a}.\nAction: ${a}` });
      out.push({
        role: "user",
        content: a.startsWith("finish") ? "Observation: Episode finished, reward = 1" : `Observation: text for ${a}`,
      });
    }
    return out;
  };
  const runs: Array<[string, string[]]> = [
    [
      "Question: Which glacier feeds the fjord?",
      ["search[fjord glacier]", "lookup[feeds]", "finish[the north glacier]"],
    ],
    ["Where does the ferry dock?", ["search[ferry dock]", "finish[the east pier]"]],
    ["How deep is the channel?", ["search[channel depth]", "search[channel depth metres]"]], // hit the step cap
  ];
  const expected = runs.map(([, a]) => a.filter((x) => !x.startsWith("finish")).map((x) => x.split("[")[0]));

  it("gpt_format JSON Lines of {messages}: ReAct actions in assistant text are calls, the question the first user turn", async () => {
    const ts = await loadClean("hotpotqa.jsonl", jsonl(runs.map(([q, a]) => ({ messages: turns(q, a) }))), "react");
    expect(ts.map((t) => t.calls.map((c) => c.name))).toEqual(expected);
    expect(ts.flatMap((t) => t.calls).every((c) => c.response !== null)).toBe(true);
    expect(ts.map((t) => [t.question, t.finalAnswer, t.truncated])).toEqual([
      ["Which glacier feeds the fjord?", "the north glacier", false],
      ["Where does the ferry dock?", "the east pier", false],
      ["How deep is the channel?", null, true],
    ]);
  });

  it("alpaca_format array of {instruction, input, output}: the instruction is the question", async () => {
    const rows = runs.map(([q, a]) => ({
      instruction: q,
      input: "",
      output: turns(q, a)
        .slice(1)
        .map((m) => m.content)
        .join("\n"),
    }));
    const ts = await loadClean("hotpotqa.json", JSON.stringify(rows, null, 4), "react");
    expect(ts.map((t) => t.calls.map((c) => c.name))).toEqual(expected);
    expect(ts.map((t) => t.question)).toEqual(runs.map(([q]) => q));
  });
});

// ---------------------------------------------------------------------------------------------
// Search and page tool names of these harnesses' example configs, and inferred roles reported once
// ---------------------------------------------------------------------------------------------

describe("tool names these harnesses ship", () => {
  /** A verifiers row calling each named tool once, in the OpenAI layout. */
  const row = (id: number, calls: Array<[string, Raw]>): Raw => ({
    example_id: id,
    prompt: [{ role: "user", content: `question ${id}` }],
    completion: [
      {
        role: "assistant",
        content: "",
        tool_calls: calls.map(([name, args], k) =>
          JSON.stringify({ id: `c${k}`, type: "function", function: { name, arguments: JSON.stringify(args) } }),
        ),
      },
      ...calls.map(() => ({ role: "tool", content: "ok" })),
      { role: "assistant", content: "done" },
    ],
    reward: 0,
  });

  it("search and page names get their role without inference; an unknown name is inferred once per tool with its override line", async () => {
    const known: Array<[string, string]> = [
      ["web_search", "search"],
      ["search", "search"],
      ["google_search", "search"],
      ["exa_search", "search"],
      ["wikipedia_search", "search"],
      ["sogou_search", "search"],
      ["search_pages", "search"],
      ["browse", "page"],
      ["visit", "page"],
      ["fetch_webpage", "page"],
      ["scrape", "page"],
      ["scrape_website", "page"],
      ["scrape_and_extract_info", "page"],
      ["view_sections", "page"],
      ["read_section", "page"],
      ["web_browser_go", "page"],
    ];
    const unknown: Array<[string, Raw, string]> = [
      ["lookup_encyclopedia", { query: "tidal range" }, "search"],
      ["grab_document", { url: "https://tides.example.org/a" }, "page"],
    ];
    const rows = [0, 1, 2].map((i) =>
      row(i, [
        ...known.map(([n]): [string, Raw] => [n, { query: `q${i}` }]),
        ...unknown.map(([n, a]): [string, Raw] => [n, a]),
      ]),
    );
    const ts = await loadClean(
      "results.jsonl",
      jsonl(rows),
      "verifiers",
      unknown.map(([n, , r]) => `${n}:${r}`),
    );
    const want = [...known.map(([n, r]) => `${n}:${r}`), ...unknown.map(([n, , r]) => `${n}:${r}`)];
    expect(callSummary(ts).names).toEqual([want, want, want]);
  });
});

// ---------------------------------------------------------------------------------------------
// Run directories as the harnesses leave them: the files beside the traces are not traces
// ---------------------------------------------------------------------------------------------

describe("run directories with the harnesses' own files beside the traces", () => {
  it("metadata.json, preds.json, logs.json and a Harbor trial's result.json / config.json are skipped; the traces load clean", async () => {
    const root = tmpDir();
    const put = (rel: string, text: string): void => {
      mkdirSync(join(root, rel, ".."), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    // verifiers eval output
    put("vf/results.jsonl", jsonl([graphTrace("v0", "which cape is windiest", 1)]));
    put(
      "vf/metadata.json",
      JSON.stringify({ env: "wiki-qa", model: "m", num_examples: 1, rollouts_per_example: 1, avg_reward: 1 }),
    );
    // mini-swe-agent batch output
    put(
      "mini/preds.json",
      JSON.stringify({ repo__1: { model_name_or_path: "m", instance_id: "repo__1", model_patch: "diff" } }),
    );
    put(
      "mini/repo__1/repo__1.traj.json",
      JSON.stringify({
        info: { exit_status: "Submitted", submission: "diff", mini_version: "1.9.0" },
        messages: [
          { role: "user", content: "fix it" },
          { role: "assistant", content: "```bash\nls\n```" },
          { role: "user", content: "<returncode>0</returncode>" },
        ],
        trajectory_format: "mini-swe-agent-1",
      }),
    );
    // a Harbor trial
    put("harbor/trial-1/trial.log", "started\n");
    put(
      "harbor/trial-1/result.json",
      JSON.stringify({ task_name: "t", trial_name: "trial-1", verifier_result: { rewards: { reward: 1 } } }),
    );
    put("harbor/trial-1/config.json", JSON.stringify({ agent: { name: "lead" } }));
    put(
      "harbor/trial-1/agent/trajectory.json",
      JSON.stringify({
        schema_version: "ATIF-v1.6",
        session_id: "s",
        agent: { name: "lead", version: "1" },
        steps: [
          { step_id: 1, source: "user", message: "q" },
          atifStep(2, [["web_search", { query: "q" }, "r"]]),
          { step_id: 3, source: "agent", message: "a" },
        ],
      }),
    );
    // Inspect's log listing
    put("inspect/logs.json", JSON.stringify({ "a.eval": { eval_id: "x" } }));
    const files = (await expandPaths([root])).map((p) => p.slice(root.length + 1));
    expect(files).toEqual([
      "harbor/trial-1/agent/trajectory.json",
      "mini/repo__1/repo__1.traj.json",
      "vf/results.jsonl",
    ]);
    const { trajectories, report } = await load(root);
    expect(report.issues.map((i) => i.reason)).toEqual([]);
    expect(report.files.map((f) => f.format)).toEqual(["atif", "mini-swe-agent", "verifiers"]);
    expect(trajectories.map((t) => t.calls.length)).toEqual([1, 1, 1]);
    // a file named so, given by path, is still read
    expect((await expandPaths([join(root, "vf/metadata.json")])).length).toBe(1);
  });
});

describe("MiroThinker task logs of a task that failed before the main agent ran", () => {
  it("main_agent_message_history left at its [] default is a rollout without calls, not an unreadable record", async () => {
    const log = {
      status: "failed",
      task_id: "t-9",
      input: { task_description: "which strait is narrowest" },
      ground_truth: "the narrow one",
      final_boxed_answer: "",
      final_judge_result: "",
      error: "the model endpoint refused the connection",
      main_agent_message_history: [],
      sub_agent_message_history_sessions: {},
      step_logs: [],
    };
    const [t] = await loadClean("task_t-9.json", JSON.stringify(log, null, 2), "miroflow");
    expect([t!.provenance.recordId, t!.calls.length, t!.question, t!.finalAnswer]).toEqual([
      "t-9",
      0,
      "which strait is narrowest",
      null,
    ]);
  });
});
