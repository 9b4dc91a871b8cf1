/**
 * Event-style and agent-framework dialects: OpenHands event histories, ATIF trajectories,
 * ToolBench answer files and MiroFlow task logs. Real samples from ../shared/data where they
 * exist (counts computed here from the raw JSON, a second way), and inputs built from the
 * writers' schemas where no sample exists (ATIF, MiroFlow), including property tests.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { z } from "zod";
import { openhandsReader } from "../../lib/formats/openhands.js";
import { atifReader } from "../../lib/formats/atif.js";
import { toolbenchReader } from "../../lib/formats/toolbench.js";
import { miroflowReader } from "../../lib/formats/miroflow.js";
import { detectFormat } from "../../lib/formats/detect.js";
import { toolRoles } from "../../lib/trajectory/tool-roles.js";
import type { FormatReader } from "../../lib/formats/format-reader.js";
import { SHARED_DATA, load, shared, tmpFile } from "../helpers.js";

const HAVE_SHARED = existsSync(SHARED_DATA);
const ctx = { file: "t.json", line: 1, roles: toolRoles() };
const readWith = (r: FormatReader, v: unknown) => r.read(v, ctx);
/** The fields of the raw files the tests count by, parsed with zod (the rest passes through). */
const OhEvent = z.looseObject({
  id: z.number(),
  source: z.string().optional(),
  action: z.string().optional(),
  observation: z.string().optional(),
  cause: z.number().optional(),
  args: z.looseObject({ content: z.string().optional() }).optional(),
  tool_call_metadata: z.looseObject({ tool_call_id: z.string(), function_name: z.string() }).optional(),
});
const ohEvents = (path: string) => z.array(OhEvent).parse(JSON.parse(readFileSync(path, "utf8")));
const TbMessage = z.looseObject({
  role: z.string(),
  content: z.string().nullable().optional(),
  function_call: z.object({ name: z.string(), arguments: z.string() }).optional(),
});
interface TbNode {
  node_type: string;
  description: string;
  children: TbNode[];
}
const TbNodeSchema: z.ZodType<TbNode> = z.lazy(() =>
  z.looseObject({ node_type: z.string(), description: z.string(), children: z.array(TbNodeSchema) }),
);
const TbFile = z.looseObject({
  win: z.boolean(),
  tree: z.looseObject({ tree: TbNodeSchema }),
  answer_generation: z.looseObject({
    query: z.string(),
    query_count: z.number(),
    train_messages: z.array(z.array(TbMessage)).optional(),
  }),
});
const tbFile = (path: string) => TbFile.parse(JSON.parse(readFileSync(path, "utf8")));
const tally = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

describe.skipIf(!HAVE_SHARED)(
  "OpenHands event histories, real files (needs ../shared/data beside the repository)",
  () => {
    for (const [file, want] of [
      ["openhands/basic_gui_mode.json", { calls: 4, paired: 4, actions: { run: 2, edit: 2 } }],
      ["openhands/wrong_initial_state.json", { calls: 4, paired: 3, actions: { read: 2, run: 1, finish: 1 } }],
    ] as const) {
      it(`${file}: ${want.calls} calls, ${want.paired} paired observations`, async () => {
        const events = ohEvents(shared(file));
        // independent count: distinct tool_call_ids on action events, and observations caused by those actions
        const acts = events.flatMap((e) =>
          e.action && e.tool_call_metadata ? [{ ...e, meta: e.tool_call_metadata }] : [],
        );
        const ids = new Set(acts.map((e) => e.meta.tool_call_id));
        const actIds = new Set(acts.map((e) => e.id));
        const paired = events.filter(
          (e) => e.observation !== undefined && e.cause !== undefined && actIds.has(e.cause),
        ).length;
        expect([ids.size, paired, tally(acts.map((e) => e.action ?? ""))]).toEqual([
          want.calls,
          want.paired,
          want.actions,
        ]);

        expect(detectFormat([events]).format).toBe("openhands");
        const t = readWith(openhandsReader, events);
        expect(t.calls).toHaveLength(ids.size);
        expect(t.calls.map((c) => c.name)).toEqual(acts.map((e) => e.meta.function_name));
        expect(t.calls.filter((c) => c.response !== null)).toHaveLength(paired);
        const user = events.find((e) => e.source === "user" && e.action === "message")!;
        expect(t.question).toBe(user.args?.content?.trim());
        for (const c of t.calls) expect(c.parsedArguments).not.toBeNull();
        if (file.includes("wrong_initial")) {
          expect(t.calls.at(-1)).toMatchObject({ name: "finish", role: "answer", response: null });
          expect(t.finalAnswer).toMatch(/renamed/);
        }
      });
    }

    it("an evaluation output.jsonl row whose history is the event list loads through the loader, old [action, obs] pairs too", async () => {
      const events = ohEvents(shared("openhands/wrong_initial_state.json"));
      const acts = events.filter((e) => e.action !== undefined);
      const pairs = acts.map((a) => [a, events.find((o) => o.observation !== undefined && o.cause === a.id) ?? {}]);
      const rows = [
        { instance_id: "django__django-1", instruction: "rename it", history: events, test_result: { resolved: true } },
        { instance_id: "django__django-2", instruction: "rename it", history: pairs, test_result: { resolved: false } },
      ];
      const f = tmpFile("output.jsonl", rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      const { trajectories, report } = await load(f);
      expect(report.files[0]!.format).toBe("openhands");
      expect(trajectories.map((t) => [t.provenance.recordId, t.calls.length, t.verdict])).toEqual([
        ["django__django-1", 4, "correct"],
        ["django__django-2", 4, "incorrect"],
      ]);
      expect(trajectories[0]!.calls.map((c) => c.response)).toEqual(trajectories[1]!.calls.map((c) => c.response));
    });
  },
);

describe("OpenHands events built from the writer's schema", () => {
  it("parallel calls of one completion are one step; an error observation is a failure; a stray observation is reported", () => {
    const meta = (id: string, fn: string, resp: string, args: object) => ({
      tool_call_id: id,
      function_name: fn,
      model_response: {
        id: resp,
        choices: [{ message: { tool_calls: [{ id, function: { name: fn, arguments: JSON.stringify(args) } }] } }],
      },
    });
    const events = [
      { id: 1, source: "user", action: "message", args: { content: "Who founded X?" } },
      {
        id: 2,
        source: "agent",
        action: "search",
        args: { query: "X founder", thought: "look" },
        tool_call_metadata: meta("a", "web_search", "r1", { query: "X founder" }),
      },
      {
        id: 3,
        source: "agent",
        action: "browse",
        args: { url: "https://x.example" },
        tool_call_metadata: meta("b", "web_read", "r1", { url: "https://x.example" }),
      },
      { id: 4, source: "agent", cause: 2, observation: "search", content: "1. X — https://x.example", extras: {} },
      { id: 5, source: "agent", cause: 3, observation: "error", content: "Timeout fetching page", extras: {} },
      { id: 6, source: "agent", observation: "run", content: "?", tool_call_metadata: { tool_call_id: "zzz" } },
      {
        id: 7,
        source: "environment",
        observation: "agent_state_changed",
        content: "",
        extras: { agent_state: "finished" },
      },
      { id: 8, source: "agent", action: "message", args: { content: "Ann founded X." } },
    ];
    const t = readWith(openhandsReader, events);
    expect(t.steps.map((s) => s.calls)).toEqual([[0, 1], []]);
    expect(t.calls.map((c) => [c.name, c.role, c.queries, c.urls, c.error])).toEqual([
      ["web_search", "search", ["X founder"], [], false],
      ["web_read", "page", [], ["https://x.example"], true],
    ]);
    expect(t.calls[1]!.errorReason).toBe("Timeout fetching page");
    expect(t.anomalies).toEqual(["an observation (tool_call_id zzz) matches no call"]);
    expect([t.question, t.finalAnswer]).toEqual(["Who founded X?", "Ann founded X."]);
  });

  it("a chat-only history that ends in finish (no observation events at all) is one call, the finish", () => {
    const events = [
      { id: 0, source: "user", action: "message", message: "what is 2+2?", args: { content: "what is 2+2?" } },
      { id: 3, source: "agent", action: "message", message: "4.", args: { content: "4.", wait_for_response: true } },
      { id: 6, source: "user", action: "message", message: "Finish please", args: { content: "Finish please" } },
      {
        id: 9,
        source: "agent",
        action: "finish",
        message: "Done.",
        args: { outputs: {}, thought: "" },
        tool_call_metadata: { function_name: "finish", tool_call_id: "call_1", total_calls_in_response: 1 },
      },
    ];
    expect(detectFormat([events]).format).toBe("openhands");
    const t = readWith(openhandsReader, events);
    expect(t.calls.map((c) => [c.name, c.role, c.arguments])).toEqual([
      ["finish", "answer", '{"outputs":{},"thought":""}'],
    ]);
    expect([t.question, t.finalAnswer, t.steps.length]).toEqual(["what is 2+2?", "Done.", 2]);
  });

  it("an evaluation row of [action, observation] pairs without ids: each pair's observation is its action's reply", () => {
    // compatibility_for_eval_history_pairs: an action without an observation is paired with a
    // NullObservation, which carries no cause
    const pair = (action: object, observation: object) => [action, observation];
    const none = { observation: "null", content: "", extras: {}, message: "No observation" };
    const row = {
      instance_id: "q-7",
      instruction: "Who founded X?",
      history: [
        pair({ action: "message", source: "user", args: { content: "Who founded X?" } }, none),
        pair(
          { action: "run", source: "agent", args: { command: "curl -s x.example", thought: "look" } },
          { observation: "run", content: "<html>Ann</html>", extras: { exit_code: 0 } },
        ),
        pair(
          { action: "browse", source: "agent", args: { url: "https://x.example/about" } },
          { observation: "error", content: "Timeout", extras: {} },
        ),
        pair({ action: "finish", source: "agent", args: { outputs: {}, thought: "" }, message: "Ann" }, none),
      ],
      test_result: { correct: true },
    };
    const t = readWith(openhandsReader, row);
    expect(t.calls.map((c) => [c.name, c.role, c.response, c.response !== null && c.error])).toEqual([
      ["run", "other", "<html>Ann</html>", false],
      ["browse", "page", "Timeout", true],
      ["finish", "answer", null, false],
    ]);
    expect([t.provenance.recordId, t.verdict, t.finalAnswer]).toEqual(["q-7", "correct", "Ann"]);
  });

  it("is not fooled by SWE-agent history (chat messages with a text action)", () => {
    const swe = {
      history: [
        { role: "assistant", content: "x", action: "ls", thought: "t" },
        { role: "user", content: "out" },
      ],
    };
    expect(openhandsReader.detect(swe)).toBe(0);
  });
});

describe.skipIf(!HAVE_SHARED)("ToolBench answer files, real (needs ../shared/data beside the repository)", () => {
  it("G1 (train_messages): the last prefix, 5 calls including Finish, 4 replies paired in order, win = correct", async () => {
    const path = shared("toolbench/G1_59_ChatGPT_DFS_woFilter_w2.json");
    const raw = tbFile(path);
    const last = raw.answer_generation.train_messages?.at(-1) ?? [];
    const calls = last.flatMap((m) => (m.function_call ? [m.function_call.name] : []));
    const replies = last.filter((m) => m.role === "function");
    expect([calls.length, replies.length]).toEqual([5, 4]);

    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("toolbench");
    expect(report.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(trajectories).toHaveLength(1);
    const t = trajectories[0]!;
    expect(t.calls.map((c) => c.name)).toEqual(calls);
    expect(t.calls.filter((c) => c.response !== null).map((c) => c.response)).toEqual(replies.map((m) => m.content));
    expect(t.calls.at(-1)).toMatchObject({ name: "Finish", role: "answer" });
    expect(t.verdict).toBe(raw.win ? "correct" : "incorrect");
    expect(t.question).toBe(raw.answer_generation.query);
    expect(t.finalAnswer).toBe(JSON.parse(last.at(-1)?.function_call?.arguments ?? "{}").final_answer);
    expect(t.calls[0]!.queries).toEqual(["technology and business"]);
  });

  it("G3 (no train_messages): the DFS tree's 43 Action nodes are the calls, equal to query_count", async () => {
    const path = shared("toolbench/G3_8_ChatGPT_DFS_woFilter_w2.json");
    const raw = tbFile(path);
    expect(raw.answer_generation.train_messages).toBeUndefined();
    const names: string[] = [];
    const stack: TbNode[] = [raw.tree.tree];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.node_type === "Action") names.push(n.description);
      stack.push(...[...n.children].reverse());
    }
    expect(names.length).toBe(raw.answer_generation.query_count);
    expect(tally(names)).toEqual({
      search_basic_free_for_streaming_availability: 25,
      search_shows_q_query_for_tvmaze: 15,
      search_people_q_query_for_tvmaze: 2,
      get_ultra_for_streaming_availability: 1,
    });
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("toolbench");
    const t = trajectories[0]!;
    expect(t.calls.map((c) => c.name)).toEqual(names);
    expect(t.verdict).toBe("incorrect");
    expect(t.anomalies).toEqual([]);
  });
});

describe("ToolBench single-chain (CoT) answers built from the writer's code", () => {
  it("a failed run (train_messages: []) takes its calls from every try's chain", () => {
    const node = (node_type: string, description: string, observation?: string) => ({
      is_terminal: false,
      pruned: false,
      node_type,
      description,
      ...(observation !== undefined ? { observation } : {}),
    });
    const tries = [
      [
        node("Thought", "look it up"),
        node("Action", "search_for_api"),
        node("Action Input", '{"query": "a"}', '{"error": "", "response": "r1"}'),
        node("Action", "get_for_api"),
        node("Action Input", '{"id": 1}', '{"error": "timeout", "response": ""}'),
      ],
      [node("Action", "search_for_api"), node("Action Input", '{"query": "b"}', '{"error": "", "response": "r2"}')],
    ];
    const v = {
      win: false,
      try_count: 2,
      trys: tries.map((chain) => ({ chain, win: false })),
      compare_candidates: [],
      forward_args: {},
      answer_generation: {
        valid_data: false,
        final_answer: "",
        query_count: 3,
        train_messages: [],
        chain: [],
        query: "Q",
      },
    };
    expect(detectFormat([v]).format).toBe("toolbench");
    const t = readWith(toolbenchReader, v);
    expect(t.calls.map((c) => [c.name, c.queries, c.response])).toEqual([
      ["search_for_api", ["a"], '{"error": "", "response": "r1"}'],
      ["get_for_api", [], '{"error": "timeout", "response": ""}'],
      ["search_for_api", ["b"], '{"error": "", "response": "r2"}'],
    ]);
    expect([t.question, t.verdict, t.steps[0]!.reasoning]).toEqual(["Q", "incorrect", "look it up"]);
  });
});

describe("ToolLLaMA training instances built from ToolBench's preprocessing code", () => {
  it("each instance is a rollout: Action / Action Input turns are calls, function turns their replies", async () => {
    const reply = (text: string) => JSON.stringify({ error: "", response: text });
    const conv = (k: number) => [
      { from: "system", value: "You are AutoGPT, you can use many tools (functions) to do the following task." },
      { from: "user", value: "\nWhat ranks example.com?\nBegin!\n" },
      {
        from: "assistant",
        value: '\nThought: look it up\nAction: search_for_seo_api\nAction Input: {\n  "query": "example.com"\n}',
      },
      { from: "function", value: reply("[{'title': 'Rank', 'url': 'https://rank.example/1'}]") },
      ...(k > 1
        ? [
            {
              from: "assistant",
              value:
                '\nThought: \nAction: Finish\nAction Input: {\n  "return_type": "give_answer",\n  "final_answer": "Top 10"\n}',
            },
          ]
        : []),
    ];
    const rows = [1, 2].map((k) => ({ id: `Step ${k}: What ranks example.com?`, conversations: conv(k) }));
    const { trajectories, report } = await load(tmpFile("toolllama.json", JSON.stringify(rows, null, 4)));
    expect(report.files[0]!.format).toBe("toolbench");
    expect(trajectories.map((t) => [t.id, t.calls.map((c) => [c.name, c.role]), t.finalAnswer])).toEqual([
      ["Step 1: What ranks example.com?", [["search_for_seo_api", "search"]], null],
      [
        "Step 2: What ranks example.com?",
        [
          ["search_for_seo_api", "search"],
          ["Finish", "answer"],
        ],
        "Top 10",
      ],
    ]);
    const c = trajectories[0]!.calls[0]!;
    expect([c.queries, c.results.map((r) => r.url), trajectories[0]!.steps[0]!.text]).toEqual([
      ["example.com"],
      ["https://rank.example/1"],
      "look it up",
    ]);
    expect(report.files[0]!.unparsedSearch).toBe(0);
  });
});

// ---------------------------------------------------------------- ATIF (no sample in ../shared)

function atif(version: string, steps: object[]): Record<string, unknown> {
  return {
    schema_version: version,
    session_id: "s-1",
    agent: { name: "terminus-2", version: "2.0.0", model_name: "qwen3-4b" },
    steps,
  };
}

describe("ATIF trajectories built from the RFC's schema", () => {
  it("reads v1.0 … v1.7: calls, results by source_call_id, ContentPart results, reasoning, final message", () => {
    for (let minor = 0; minor <= 7; minor++) {
      const v = atif(`ATIF-v1.${minor}`, [
        { step_id: 1, source: "system", message: "You are an agent." },
        { step_id: 2, source: "user", message: "Capital of Peru?" },
        {
          step_id: 3,
          source: "agent",
          message: "Searching.",
          reasoning_content: "need a search",
          tool_calls: [
            { tool_call_id: "c1", function_name: "web_search", arguments: { query: "capital of Peru" } },
            { tool_call_id: "c2", function_name: "fetch_url", arguments: { url: "https://peru.example" } },
          ],
          observation: {
            results: [
              {
                source_call_id: "c2",
                content: [
                  { type: "text", text: "Lima is the capital." },
                  { type: "image", source: {} },
                ],
              },
              { source_call_id: "c1", content: "1. Lima - https://lima.example" },
            ],
          },
        },
        { step_id: 4, source: "agent", message: "Lima" },
      ]);
      expect(atifReader.detect(v)).toBe(1);
      expect(detectFormat([v]).format).toBe("atif");
      const t = readWith(atifReader, v);
      expect(t.calls.map((c) => [c.name, c.role, c.response, c.queries, c.urls])).toEqual([
        ["web_search", "search", "1. Lima - https://lima.example", ["capital of Peru"], []],
        ["fetch_url", "page", "Lima is the capital.", [], ["https://peru.example"]],
      ]);
      expect(t.steps.map((s) => [s.reasoning, s.calls])).toEqual([
        ["need a search", [0, 1]],
        ["", []],
      ]);
      expect([t.question, t.finalAnswer, t.provenance.model, t.provenance.recordId]).toEqual([
        "Capital of Peru?",
        "Lima",
        "qwen3-4b",
        "s-1",
      ]);
      expect(t.anomalies).toEqual([]);
    }
  });

  it("any number of calls per step, results in any order, some without ids: each result lands on its call", () => {
    const step = fc.record({
      n: fc.integer({ min: 0, max: 4 }),
      order: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      withId: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 6 }), (steps) => {
        let k = 0;
        const built = steps.map((s, i) => {
          const ids = Array.from({ length: s.n }, () => `call_${k++}`);
          const calls = ids.map((id) => ({
            tool_call_id: id,
            function_name: "search",
            arguments: { query: `q ${id}` },
          }));
          // id-bearing results in a shuffled order, then id-less ones in call order
          const keyed = ids
            .filter((_, j) => s.withId[j])
            .sort((a, b) => s.order[ids.indexOf(a)]! - s.order[ids.indexOf(b)]!);
          const bare = ids.filter((_, j) => !s.withId[j]);
          const results = [
            ...keyed.map((id) => ({ source_call_id: id, content: `r ${id}` })),
            ...bare.map((id) => ({ content: `r ${id}` })),
          ];
          return { step_id: i + 1, source: "agent", message: "", tool_calls: calls, observation: { results } };
        });
        const t = readWith(atifReader, atif("ATIF-v1.5", built));
        expect(t.calls).toHaveLength(k);
        // an id-less result pairs with the step's first unanswered call:
        // exact when every id-less call comes after the keyed ones
        for (const c of t.calls) expect(c.response).not.toBeNull();
        const exact = steps.every((s) => {
          const flags = s.withId.slice(0, s.n);
          return flags.every((f, j) => f || flags.slice(j).every((g) => !g));
        });
        if (exact) expect(t.calls.map((c) => c.response)).toEqual(t.calls.map((c) => `r ${c.queries[0]!.slice(2)}`));
      }),
      { seed: 16, numRuns: 200 },
    );
  });

  it("a result with an unknown source_call_id and a non-ATIF version are reported, not dropped silently", () => {
    const t = readWith(
      atifReader,
      atif("ATIF-v2.0", [
        {
          step_id: 1,
          source: "agent",
          message: "",
          tool_calls: [{ tool_call_id: "a", function_name: "search", arguments: { query: "x" } }],
          observation: { results: [{ source_call_id: "zz", content: "?" }] },
        },
      ]),
    );
    expect(t.anomalies).toEqual([
      'schema_version "ATIF-v2.0" is not ATIF-v1.x; read as v1',
      "an observation result (source_call_id zz) matches no call",
    ]);
    expect(t.calls[0]).toMatchObject({ error: true, errorReason: "no response recorded" });
  });

  it("a trajectory.json file loads through the loader", async () => {
    const v = atif("ATIF-v1.6", [
      { step_id: 1, source: "user", message: "Q?" },
      {
        step_id: 2,
        source: "agent",
        message: "",
        tool_calls: [{ tool_call_id: "a", function_name: "web_search", arguments: { query: "q" } }],
        observation: { results: [{ source_call_id: "a", content: "hit" }] },
      },
      { step_id: 3, source: "agent", message: "A" },
    ]);
    const { trajectories, report } = await load(tmpFile("trajectory.json", JSON.stringify(v, null, 2)));
    expect(report.files[0]!.format).toBe("atif");
    expect(trajectories.map((t) => [t.calls.length, t.finalAnswer])).toEqual([[1, "A"]]);
  });
});

// ---------------------------------------------------------------- MiroFlow (no sample in ../shared)

const mcp = (server: string, tool: string, args: object) =>
  `<use_mcp_tool>\n<server_name>${server}</server_name>\n<tool_name>${tool}</tool_name>\n<arguments>\n${JSON.stringify(args, null, 1)}\n</arguments>\n</use_mcp_tool>`;
const msg = (role: string, text: string, parts = true) => ({ role, content: parts ? [{ type: "text", text }] : text });

interface MiroHistory {
  system_prompt: string;
  message_history: object[];
}
interface MiroLog {
  [k: string]: unknown;
  main_agent_message_history: MiroHistory;
  sub_agent_message_history_sessions: Record<string, MiroHistory>;
}
function miroLog(): MiroLog {
  return {
    status: "completed",
    task_id: "task-7",
    task_name: "",
    ground_truth: "Lima",
    input: { task_description: "What is the capital of Peru?", task_file_name: "", metadata: {} },
    final_boxed_answer: "Lima",
    judge_result: "CORRECT",
    main_agent_message_history: {
      system_prompt: "…",
      message_history: [
        msg("user", "[msg_a1] What is the capital of Peru?"),
        msg(
          "assistant",
          "[msg_a2] Let me search.\n\n" + mcp("tool-google-search", "google_search", { q: "capital of Peru" }),
        ),
        msg("user", "[msg_a3] 1. Lima - https://lima.example"),
        msg(
          "assistant",
          "Two at once.\n" +
            mcp("tool-google-search", "google_search", { q: "Peru" }) +
            mcp("tool-reading", "scrape_website", { url: "https://peru.example" }),
        ),
        msg(
          "user",
          "I have processed 2 valid tool calls in this turn.\n\nValid tool call 1 result:\nhits A\n\nValid tool call 2 result:\npage B",
        ),
        msg(
          "assistant",
          "Delegate.\n" + mcp("agent-browsing", "search_and_browse", { subtask: "confirm the capital" }),
        ),
        msg("user", "The browsing agent says: Lima.", false),
        msg("assistant", "Final: \\boxed{Lima}"),
      ],
    },
    sub_agent_message_history_sessions: {
      "agent-browsing_1": {
        system_prompt: "…",
        message_history: [
          msg("user", "confirm the capital"),
          msg("assistant", mcp("tool-google-search", "google_search", { q: "Peru capital city" })),
          msg("user", "Lima (official)"),
          msg("assistant", "Lima."),
        ],
      },
    },
    step_logs: [],
  };
}

describe("MiroFlow task logs built from the writer's code", () => {
  it("main-agent calls, multi-call results split by section, and a browsing sub-agent's calls nested after their parent", () => {
    const log = miroLog();
    expect(detectFormat([log]).format).toBe("miroflow");
    const t = readWith(miroflowReader, log);
    expect(t.calls.map((c) => [c.name, c.role, c.response])).toEqual([
      ["google_search", "search", "1. Lima - https://lima.example"],
      ["google_search", "search", "hits A"],
      ["scrape_website", "page", "page B"],
      ["search_and_browse", "other", "The browsing agent says: Lima."],
      ["google_search", "search", "Lima (official)"],
    ]);
    expect(t.calls.map((c) => c.queries)).toEqual([["capital of Peru"], ["Peru"], [], [], ["Peru capital city"]]);
    expect(t.extra.subAgents).toEqual([{ session: "agent-browsing_1", parent: 3, calls: [4] }]);
    expect(t.extra.servers).toMatchObject({ google_search: "tool-google-search", search_and_browse: "agent-browsing" });
    expect([t.question, t.finalAnswer, t.goldAnswers, t.verdict, t.provenance.recordId]).toEqual([
      "What is the capital of Peru?",
      "Lima",
      ["Lima"],
      "correct",
      "task-7",
    ]);
    expect(t.steps[0]!.text.startsWith("Let me search.")).toBe(true);
    expect(t.anomalies).toEqual([]);
  });

  it("native tool_calls (the DeepSeek client), named server-tool, pair with the user message of results", () => {
    const tc = (id: string, name: string, args: object) => ({
      id,
      type: "function",
      function: { name, arguments: JSON.stringify(args) },
    });
    const log = {
      main_agent_message_history: {
        message_history: [
          msg("user", "Q?"),
          {
            role: "assistant",
            content: "Using tool tool-google-search-google_search with arguments: …",
            tool_calls: [
              tc("a", "tool-google-search-google_search", { q: "x" }),
              tc("b", "tool-reading-scrape", { url: "u" }),
            ],
          },
          msg(
            "user",
            "I have processed 2 valid tool calls in this turn.\n\nValid tool call 1 result:\nA\n\nValid tool call 2 result:\nB",
          ),
          msg("assistant", "\\boxed{x}"),
        ],
      },
    };
    const t = readWith(miroflowReader, log);
    expect(t.calls.map((c) => [c.name, c.queries, c.urls, c.response])).toEqual([
      ["google_search", ["x"], [], "A"],
      ["scrape", [], ["u"], "B"],
    ]);
    expect(t.extra.servers).toEqual({ google_search: "tool-google-search", scrape: "tool-reading" });
    expect(t.finalAnswer).toBe("x");
  });

  it("MiroThinker's TaskLog: final_judge_result, no input, older browser_agent_* session names matched in order", () => {
    const log = miroLog();
    const { input: _input, judge_result: _judge, sub_agent_message_history_sessions: sessions, ...rest } = log;
    const old = {
      ...rest,
      final_judge_result: "INCORRECT",
      browser_agent_message_history_sessions: { browser_agent_1: sessions["agent-browsing_1"] },
    };
    const t = readWith(miroflowReader, old);
    expect(t.calls).toHaveLength(5);
    expect(t.extra.subAgents).toEqual([{ session: "browser_agent_1", parent: 3, calls: [4] }]);
    expect([t.question, t.verdict]).toEqual(["What is the capital of Peru?", "incorrect"]);
    expect(t.anomalies).toEqual([]);
  });

  it("a sub-agent call whose session is missing, and an unclosed block, are reported", () => {
    const log = miroLog();
    log.sub_agent_message_history_sessions = {};
    log.main_agent_message_history.message_history.push(
      msg("assistant", "<use_mcp_tool>\n<server_name>x</server_name>"),
    );
    const t = readWith(miroflowReader, log);
    expect(t.calls).toHaveLength(4);
    expect(t.anomalies).toEqual([
      'sub-agent call 3 (agent-browsing): no session "agent-browsing_1" in the log',
      "step 4: 1 <use_mcp_tool> block(s) not parsed",
    ]);
  });

  it("any number of calls per turn: every call found, every result on its call", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }), fc.boolean(), (turns, parts) => {
        let k = 0;
        const history: object[] = [msg("user", "task", parts)];
        for (const n of turns) {
          const ids = Array.from({ length: n }, () => k++);
          history.push(
            msg("assistant", `turn\n${ids.map((i) => mcp("tool-s", "google_search", { q: `q${i}` })).join("")}`, parts),
          );
          if (n === 1) history.push(msg("user", `res ${ids[0]}`, parts));
          if (n > 1) {
            const secs = ids.map((i, j) => `Valid tool call ${j + 1} result:\nres ${i}`);
            history.push(
              msg("user", [`I have processed ${n} valid tool calls in this turn.`, ...secs].join("\n\n"), parts),
            );
          }
        }
        const t = readWith(miroflowReader, { main_agent_message_history: { message_history: history } });
        expect(t.calls.map((c) => c.queries[0])).toEqual(Array.from({ length: k }, (_, i) => `q${i}`));
        expect(t.calls.map((c) => c.response)).toEqual(Array.from({ length: k }, (_, i) => `res ${i}`));
      }),
      { seed: 16, numRuns: 150 },
    );
  });
});

describe("detection among the new dialects", () => {
  it("each reader claims its own shape and no other's", () => {
    const shapes: Array<[string, unknown]> = [
      [
        "openhands",
        [
          { id: 1, source: "agent", action: "run", args: {} },
          { id: 2, cause: 1, observation: "run", content: "" },
        ],
      ],
      ["atif", atif("ATIF-v1.2", [])],
      [
        "toolbench",
        { win: false, answer_generation: { query: "q", train_messages: [[{ role: "user", content: "q" }]] } },
      ],
      ["miroflow", miroLog()],
    ];
    const readers = [openhandsReader, atifReader, toolbenchReader, miroflowReader];
    for (const [name, v] of shapes) {
      expect(readers.filter((r) => r.detect(v) > 0).map((r) => r.name)).toEqual([name]);
      expect(detectFormat([v]).format).toBe(name);
    }
  });
});
