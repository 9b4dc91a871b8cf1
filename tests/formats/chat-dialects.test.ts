/**
 * The shape-driven chat reader on the real files of each dialect (../shared/data), with the
 * counts computed here from the raw JSON, and on inputs built from the writers' schemas.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { SHARED_DATA, load, shared, tmpFile } from "../helpers.js";
import { detectFormat } from "../../lib/formats/detect.js";
import { inspectScore } from "../../lib/formats/inspect.js";

const HAVE_DATA = existsSync(join(SHARED_DATA, "PROVENANCE.md"));
if (!HAVE_DATA)
  console.log(`chat-dialects: real-file tests skipped: ${SHARED_DATA} is absent (a fresh clone has no ../shared)`);

// raw third-party JSON, walked as the writers laid it out
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;
type Msg = Record<string, Raw>;
const jsonl = (p: string): Raw[] =>
  readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const tally = (names: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
};

/** One member of a zip, found through the central directory (stored or deflate only). */
function zipMember(path: string, name: string): Buffer {
  const z = readFileSync(path);
  const eocd = z.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = z.readUInt32LE(eocd + 16);
  const n = z.readUInt16LE(eocd + 10);
  for (let i = 0; i < n; i++) {
    const method = z.readUInt16LE(p + 10);
    const csize = z.readUInt32LE(p + 20);
    const nl = z.readUInt16LE(p + 28);
    const el = z.readUInt16LE(p + 30);
    const cl = z.readUInt16LE(p + 32);
    const local = z.readUInt32LE(p + 42);
    if (z.toString("utf8", p + 46, p + 46 + nl) === name) {
      const start = local + 30 + z.readUInt16LE(local + 26) + z.readUInt16LE(local + 28);
      const data = z.subarray(start, start + csize);
      return method === 0 ? data : inflateRawSync(data);
    }
    p += 46 + nl + el + cl;
  }
  throw new Error(`${name} not in ${path}`);
}

describe.skipIf(!HAVE_DATA)("chat dialects on the real files (needs ../shared/data)", () => {
  for (const [file, expected] of [
    ["verifiers/browsecomp__gpt-5__results.jsonl", { rows: 15, calls: 150, replies: 135 }],
    ["verifiers/hle__gpt-5-mini__results.jsonl", { rows: 15, calls: 90, replies: 81 }],
  ] as const) {
    it(`verifiers ${file}: rollouts, calls by name, replies in order, unanswered last calls`, async () => {
      const path = shared(file);
      const raw = jsonl(path);
      const comp = raw.map((r) => r.completion as Msg[]);
      const names = comp.flatMap((c) =>
        c.flatMap((m) => (m.tool_calls ?? []).map((s: string) => JSON.parse(s).function.name)),
      );
      const replies = comp.reduce((n, c) => n + c.filter((m) => m.role === "tool").length, 0);
      const endOnCall = comp.filter((c) => (c[c.length - 1]!.tool_calls ?? []).length > 0).length;
      expect({ rows: raw.length, calls: names.length, replies }).toEqual(expected);
      if (raw[0].total_tool_calls !== undefined)
        expect(names.length).toBe(raw.reduce((n, r) => n + r.total_tool_calls, 0));

      const { trajectories, report } = await load(path);
      const fr = report.files[0]!;
      expect(fr.format).toBe("verifiers");
      expect(fr.errors).toBe(0);
      expect(trajectories).toHaveLength(raw.length);
      expect(tally(trajectories.flatMap((t) => t.calls.map((c) => c.name)))).toEqual(tally(names));
      expect(trajectories.flatMap((t) => t.calls).filter((c) => c.response !== null)).toHaveLength(replies);
      expect(trajectories.map((t) => t.calls.length)).toEqual(
        comp.map((c) => c.reduce((n, m) => n + (m.tool_calls ?? []).length, 0)),
      );
      expect(fr.truncated).toBe(endOnCall);
      expect(trajectories.map((t) => t.verdict)).toEqual(raw.map((r) => (r.reward === 1 ? "correct" : "incorrect")));
      expect(trajectories.map((t) => t.provenance.dataset)).toEqual(raw.map((r) => r.task));
      // the first reply of each row is the text of the first role:"tool" message
      trajectories.forEach((t, k) =>
        expect(t.calls[0]?.response).toBe(comp[k]!.find((m) => m.role === "tool")?.content),
      );
      // ids stay unique in the file; rollouts of one example share a group: `example_id`, or (these
      // files have only `id`, which counts rows in threes while the questions repeat every five) the
      // prompt's last user turn
      expect(new Set(trajectories.map((t) => t.id)).size).toBe(raw.length);
      const lastUser = (r: Raw) => JSON.stringify((r.prompt as Msg[]).filter((m) => m.role === "user").at(-1));
      const partition = (keys: string[]) => keys.map((k) => keys.indexOf(k));
      expect(partition(trajectories.map((t) => t.provenance.groupId!))).toEqual(
        partition(raw.map((r) => (r.example_id !== undefined ? String(r.example_id) : lastUser(r)))),
      );
      expect(new Set(trajectories.map((t) => t.provenance.groupId)).size).toBe(5);
    });
  }

  it("Inspect JSON log: its sample, replies with no call are one warning, 0 calls", async () => {
    const path = shared("inspect/log_tool_call_error.json");
    const raw = JSON.parse(readFileSync(path, "utf8"));
    const msgs: Msg[] = raw.samples.flatMap((s: Raw) => s.messages);
    const calls = msgs.reduce((n, m) => n + (m.tool_calls ?? []).length, 0);
    expect([raw.samples.length, calls, msgs.filter((m) => m.role === "tool").length]).toEqual([1, 0, 11]);
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("inspect");
    expect(trajectories).toHaveLength(raw.samples.length);
    expect(report.toolCalls).toBe(calls);
    expect(report.files[0]!.errors).toBe(0);
    expect(report.issues.map((i) => i.severity)).toEqual(["warning"]);
    expect(report.issues[0]!.reason).toBe("11 tool replies (tool_call_id bash_1, bash_2, bash_3, …) match no call");
    const s = raw.samples[0];
    expect(trajectories[0]!.id).toBe(`${s.id}/epoch-${s.epoch}`);
    expect(trajectories[0]!.provenance.groupId).toBe(String(s.id));
    expect(trajectories[0]!.provenance.model).toBe(raw.eval.model);
    expect(trajectories[0]!.provenance.dataset).toBe(raw.eval.dataset.name);
  });

  it("Inspect .eval sample object (a samples/*.json member): calls with function names, replies by id", async () => {
    const path = shared("inspect/log_message_deduplication.eval");
    const sample = JSON.parse(zipMember(path, "samples/0_epoch_1.json").toString("utf8"));
    const msgs: Msg[] = sample.messages;
    const names = msgs.flatMap((m) => (m.tool_calls ?? []).map((c: Raw) => c.function));
    const replies = msgs.filter((m) => m.role === "tool");
    expect([names.length, replies.length]).toEqual([5, 5]);
    const { trajectories, report } = await load(tmpFile("sample.json", JSON.stringify(sample)));
    expect(report.files[0]!.format).toBe("inspect");
    expect(report.issues).toEqual([]);
    const t = trajectories[0]!;
    expect(t.calls.map((c) => c.name)).toEqual(names);
    expect(t.calls.map((c) => c.parsedArguments)).toEqual(
      msgs.flatMap((m) => (m.tool_calls ?? []).map((c: Raw) => c.arguments)),
    );
    expect(t.calls.map((c) => c.response)).toEqual(replies.map((m) => m.content));
    expect(t.question).toBe(sample.input);
    expect(t.goldAnswers).toEqual([sample.target]);
    const first = Object.values(sample.scores)[0] as { value: number };
    expect(t.score).toBe(first.value);
    expect(t.verdict).toBe(first.value >= 0.5 ? "correct" : "incorrect");
    expect(t.provenance.model).toBe(sample.output.model);
  });

  it("SWE-agent function-calling .traj: tool_calls paired by tool_call_ids", async () => {
    const path = shared("swe_agent/marshmallow-1867__function_calling_replace.traj");
    const raw = JSON.parse(readFileSync(path, "utf8"));
    const h: Msg[] = raw.history.filter((m: Msg) => !m.is_demo);
    const names = h.flatMap((m) => (m.tool_calls ?? []).map((c: Raw) => c.function.name));
    const replyIds = h.filter((m) => m.role === "tool").flatMap((m) => m.tool_call_ids);
    expect([names.length, replyIds.length, raw.trajectory.length]).toEqual([11, 11, 11]);
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("swe-agent");
    expect(report.files[0]!.errors).toBe(0);
    const t = trajectories[0]!;
    expect(tally(t.calls.map((c) => c.name))).toEqual(tally(names));
    expect(t.calls.every((c) => c.response !== null)).toBe(true);
    expect(t.finalAnswer).toBe(raw.info.submission.trim());
    expect(t.calls[0]!.response).toBe(h.find((m) => m.role === "tool")!.content);
  });

  it("SWE-agent text-action .traj: one call per action named by its first word, the next user turn its reply", async () => {
    const path = shared("swe_agent/ctf_web__i_got_id_demo.traj");
    const raw = JSON.parse(readFileSync(path, "utf8"));
    const h: Msg[] = raw.history.filter((m: Msg) => !m.is_demo);
    const actions = h.filter((m) => m.role === "assistant" && typeof m.action === "string" && m.action.trim());
    const words = actions.map((m) => m.action.trim().split(/\s+/)[0]);
    const answered = h.filter((m, i) => m.role === "user" && i > 0 && h[i - 1]!.role === "assistant").length;
    expect([actions.length, raw.trajectory.length]).toEqual([21, 21]);
    expect(tally(words)).toEqual({ curl: 18, create: 1, edit: 1, submit: 1 });
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("swe-agent");
    const t = trajectories[0]!;
    expect(t.calls.map((c) => c.name)).toEqual(words);
    expect(t.calls.filter((c) => c.response !== null)).toHaveLength(answered);
    expect(
      t.calls.filter((c) => c.name === "curl").every((c) => c.urls.length > 0 && /^https?:\/\//.test(c.urls[0]!)),
    ).toBe(true);
    expect(t.finalAnswer).toBe(raw.info.submission.trim());
  });

  it("mini-swe-agent 2.x object: bash tool calls paired by id, the exit message ends the run", async () => {
    const path = shared("mini_swe_agent/deepseek-chat__sqlfluff__sqlfluff-2419.traj.json");
    const raw = JSON.parse(readFileSync(path, "utf8"));
    const m: Msg[] = raw.messages;
    const calls = m.flatMap((x) => x.tool_calls ?? []);
    const replies = m.filter((x) => x.role === "tool");
    expect([calls.length, replies.length, m[m.length - 1]!.role]).toEqual([48, 47, "exit"]);
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("mini-swe-agent");
    const t = trajectories[0]!;
    expect(t.calls).toHaveLength(calls.length);
    expect(t.calls.filter((c) => c.response !== null)).toHaveLength(replies.length);
    expect(t.calls.map((c) => c.parsedArguments?.command)).toEqual(
      calls.map((c) => JSON.parse(c.function.arguments).command),
    );
    expect(t.id).toBe(raw.instance_id);
    expect(t.finalAnswer).toBe(raw.info.submission.trim());
    expect(t.provenance.model).toBe(raw.info.config.model.model_name);
  });

  it("mini-swe-agent 1.x bare array: one record, fenced commands, outputs in user turns", async () => {
    const path = shared("mini_swe_agent/local.traj.json");
    const raw: Msg[] = JSON.parse(readFileSync(path, "utf8"));
    const blocks = raw
      .filter((x) => x.role === "assistant")
      .map((x) => x.content.split("```mswea_bash_command").length - 1);
    expect(blocks).toEqual([1, 1]);
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("mini-swe-agent");
    expect(trajectories).toHaveLength(1);
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.name, c.parsedArguments?.command])).toEqual([
      ["bash", "echo 'hello world'"],
      ["bash", "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"],
    ]);
    expect(t.calls[0]!.response).toBe(raw[3]!.content);
  });

  it("the loader picks these up from a directory (*.traj, *.jsonl)", async () => {
    const { report } = await load([shared("swe_agent"), shared("verifiers")]);
    expect(report.files.map((f) => [f.path.split("/").pop(), f.format])).toEqual([
      ["ctf_web__i_got_id_demo.traj", "swe-agent"],
      ["marshmallow-1867__function_calling_replace.traj", "swe-agent"],
      ["browsecomp__gpt-5__results.jsonl", "verifiers"],
      ["hle__gpt-5-mini__results.jsonl", "verifiers"],
    ]);
  });
});

describe("chat dialects on inputs built from the writers' schemas", () => {
  it("verifiers: tool calls as objects (nested or flat) paired by tool_call_id, or in order without ids", async () => {
    const row = (id: number, completion: Msg[]) => ({
      example_id: id,
      prompt: [{ role: "user", content: `q${id}` }],
      completion,
      reward: 1,
      info: {},
    });
    const rows = [
      row(0, [
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "a", type: "function", function: { name: "search", arguments: '{"query":"x"}' } },
            { id: "b", name: "open_url", arguments: '{"url":"http://u"}' },
          ],
        },
        { role: "tool", tool_call_id: "b", content: "page" },
        { role: "tool", tool_call_id: "a", content: "hits" },
        { role: "assistant", content: "done" },
      ]),
      row(0, [
        {
          role: "assistant",
          content: "",
          tool_calls: [JSON.stringify({ id: "c", function: { name: "search", arguments: '{"query":"y"}' } })],
        },
        { role: "tool", content: "r1", tool_calls: null },
        {
          role: "assistant",
          content: "",
          tool_calls: [JSON.stringify({ id: "d", function: { name: "search", arguments: "{not json" } })],
        },
      ]),
    ];
    const { trajectories, report } = await load(
      tmpFile("results.jsonl", rows.map((r) => JSON.stringify(r)).join("\n")),
    );
    expect(report.files[0]!.format).toBe("verifiers");
    const [a, b] = trajectories;
    expect(a!.calls.map((c) => [c.name, c.role, c.response])).toEqual([
      ["search", "search", "hits"],
      ["open_url", "page", "page"],
    ]);
    expect(a!.finalAnswer).toBe("done");
    expect(a!.truncated).toBe(false);
    expect(b!.calls.map((c) => [c.response, c.error])).toEqual([
      ["r1", false],
      [null, true],
    ]);
    expect(b!.calls[1]!.errorReason).toMatch(/not a JSON object/);
    expect(b!.truncated).toBe(true);
    expect([a!.id, b!.id, a!.provenance.groupId, b!.provenance.groupId]).toEqual(["0", "0#2", "0", "0"]);
  });

  it("verifiers: few-shot turns in the prompt are context, not steps; the question is the prompt's last user turn", async () => {
    const shot = {
      role: "assistant",
      content: "",
      tool_calls: [JSON.stringify({ id: "x", function: { name: "search", arguments: "{}" } })],
    };
    const row = {
      example_id: 3,
      prompt: [
        { role: "system", content: "sys" },
        { role: "user", content: "example q" },
        shot,
        { role: "user", content: "real q" },
      ],
      completion: [{ role: "assistant", content: "answer" }],
      reward: 0,
    };
    const { trajectories } = await load(tmpFile("fewshot.jsonl", JSON.stringify(row)));
    expect(trajectories[0]!.calls).toHaveLength(0);
    expect(trajectories[0]!.steps).toHaveLength(1);
    expect(trajectories[0]!.question).toBe("real q");
    expect(trajectories[0]!.finalAnswer).toBe("answer");
  });

  it("verifiers: completion-format rows (strings) and rows that raised (completion null) are rollouts too", async () => {
    // save_utils.state_to_output writes `completion` as given: a string for completion-format
    // environments, null when the rollout raised (then `error` holds the error's name and chain)
    const rows = [
      {
        example_id: 0,
        prompt: "Question: capital of Peru?\nAnswer:",
        completion: " Lima",
        answer: "Lima",
        reward: 1.0,
      },
      {
        example_id: 1,
        prompt: [{ role: "user", content: "q1" }],
        completion: null,
        reward: 0.0,
        error: { error: "OverlongPromptError", error_chain_repr: "x", error_chain_str: "x" },
      },
      {
        example_id: 2,
        prompt: [{ role: "user", content: "q2" }],
        completion: [
          {
            role: "assistant",
            content: null,
            tool_calls: [JSON.stringify({ id: "a", name: "search", arguments: JSON.stringify({ query: "q2" }) })],
          },
          { role: "tool", tool_call_id: "a", content: [{ type: "text", text: "[]" }] },
          { role: "assistant", content: "none" },
        ],
        reward: 0.0,
      },
    ];
    const { trajectories, report } = await load(tmpFile("vf.jsonl", rows.map((r) => JSON.stringify(r)).join("\n")));
    expect(report.files[0]!.format).toBe("verifiers");
    expect(trajectories.map((t) => [t.id, t.calls.length, t.verdict, t.finalAnswer])).toEqual([
      ["0", 0, "correct", "Lima"],
      ["1", 0, "incorrect", null],
      ["2", 1, "incorrect", "none"],
    ]);
    expect(report.issues.map((i) => [i.line, i.reason])).toEqual([
      [2, "no completion: the rollout raised (OverlongPromptError)"],
    ]);
    // an empty hit list `[]` is "no results", not a reply that could not be parsed
    expect(report.files[0]!.unparsedSearch).toBe(0);
  });

  it("Inspect JSON log: samples × epochs → trajectories grouped by sample id; scores → verdicts; attachments resolved", async () => {
    const sample = (id: string, epoch: number, value: unknown) => ({
      id,
      epoch,
      input: "attachment://q1",
      target: "Paris",
      messages: [
        { role: "user", content: "attachment://q1" },
        {
          role: "assistant",
          content: [
            { type: "reasoning", reasoning: "think" },
            { type: "text", text: "" },
          ],
          tool_calls: [{ id: "t1", function: "web_search", arguments: { query: "capital of France" } }],
        },
        {
          role: "tool",
          tool_call_id: "t1",
          function: "web_search",
          content: [{ type: "text", text: "attachment://r1" }],
        },
        { role: "assistant", content: "Paris" },
      ],
      scores: { match: { value, answer: "Paris" } },
      attachments: { q1: "What is the capital of France?", r1: "Paris is the capital." },
    });
    const log = {
      version: 2,
      status: "success",
      eval: { task: "geo", model: "openai/gpt-4o", dataset: { name: "capitals" } },
      samples: [sample("1", 1, "C"), sample("1", 2, "I"), sample("2", 1, 0.25), sample("2", 2, "CORRECT")],
    };
    const { trajectories, report } = await load(tmpFile("log.json", JSON.stringify(log, null, 2)));
    expect(report.files[0]!.format).toBe("inspect");
    expect(trajectories.map((t) => [t.id, t.provenance.groupId, t.verdict])).toEqual([
      ["1/epoch-1", "1", "correct"],
      ["1/epoch-2", "1", "incorrect"],
      ["2/epoch-1", "2", "incorrect"],
      ["2/epoch-2", "2", "correct"],
    ]);
    const t = trajectories[0]!;
    expect(t.question).toBe("What is the capital of France?");
    expect(t.calls[0]!.queries).toEqual(["capital of France"]);
    expect(t.calls[0]!.response).toBe("Paris is the capital.");
    expect(t.steps[0]!.reasoning).toBe("think");
    expect(t.provenance.model).toBe("openai/gpt-4o");
    expect(t.provenance.dataset).toBe("capitals");
    const header = await load(
      tmpFile("header.json", JSON.stringify({ version: 2, status: "success", eval: { task: "x", model: "m" } })),
    );
    expect(header.trajectories).toHaveLength(0);
    expect(header.report.issues[0]!.reason).toMatch(/without samples/);
    // logs from before `scores` hold one `score` per sample (Inspect migrates it on read)
    const { scores: _s, ...noScores } = sample("9", 1, "C");
    const old = { ...log, version: 1, samples: [{ ...noScores, score: { value: "C", answer: "Paris" } }] };
    const v1 = await load(tmpFile("v1.json", JSON.stringify(old, null, 2)));
    expect(v1.trajectories.map((t) => [t.id, t.verdict, t.finalAnswer])).toEqual([["9/epoch-1", "correct", "Paris"]]);
    const empty = await load(tmpFile("empty.json", JSON.stringify({ ...log, samples: [] }, null, 2)));
    expect(empty.trajectories).toHaveLength(0);
    expect(empty.report.issues[0]!.reason).toMatch(/without samples/);
    // a log far over the record limit reads sample by sample, the same rollouts as read whole
    const many = { ...log, samples: Array.from({ length: 40 }, (_, i) => sample(String(i), 1, i % 2 ? "C" : "I")) };
    const big = tmpFile("big.json", JSON.stringify(many, null, 2));
    // `samples` before `eval`: the header is not known yet, so the log is framed whole (the old path)
    const { samples: ss, ...rest } = many;
    const whole = await load(tmpFile("whole.json", JSON.stringify({ samples: ss, ...rest }, null, 2)));
    expect(whole.trajectories).toHaveLength(40);
    const small = await load(big, { maxRecordBytes: 4096 });
    expect(readFileSync(big).length).toBeGreaterThan(40 * 1024);
    expect(small.report.issues).toEqual([]);
    expect(small.trajectories).toHaveLength(40);
    const strip = (ts: typeof whole.trajectories) =>
      ts.map((t) => ({ ...t, provenance: { ...t.provenance, source: null } }));
    expect(strip(small.trajectories)).toEqual(strip(whole.trajectories));
    expect(small.trajectories.map((t) => [t.provenance.model, t.verdict])).toEqual(
      many.samples.map((_, i) => ["openai/gpt-4o", i % 2 ? "correct" : "incorrect"]),
    );
  });

  it("Inspect score values map as documented", () => {
    const v = (x: unknown) => inspectScore(x).verdict;
    expect(["C", "I", "P", "N", "CORRECT", "INCORRECT", true, false, 1, 0.5, 0.49, "0.75", {}].map(v)).toEqual([
      "correct",
      "incorrect",
      "unknown",
      "incorrect",
      "correct",
      "incorrect",
      "correct",
      "incorrect",
      "correct",
      "correct",
      "incorrect",
      "correct",
      "unknown",
    ]);
  });

  it("SWE-agent: demonstrations skipped, a trajectory-only file read step by step, RetryAgent attempts each a rollout", async () => {
    const demo = { role: "assistant", content: "demo", action: "ls", is_demo: true };
    const withDemo = {
      environment: "swe_main",
      history: [
        { role: "system", content: "sys" },
        { role: "user", content: "demo issue", is_demo: true },
        demo,
        { role: "user", content: "the issue" },
        { role: "assistant", content: "look", thought: "look", action: "find_file x.py\n" },
        { role: "user", content: "found" },
        { role: "assistant", content: "done", thought: "done", action: "submit" },
      ],
      trajectory: [],
      info: { exit_status: "submitted (exit_cost)", submission: "patch" },
    };
    const stepsOnly = {
      environment: "swe_main",
      trajectory: [
        { action: "open a.py", observation: "[File a.py]", response: "open it", thought: "open it" },
        { action: "edit 1:2\nx\nend_of_edit", observation: "edited", response: "edit", thought: "edit" },
      ],
      info: { exit_status: "submitted", submission: "diff" },
    };
    const retry = { attempts: [withDemo, stepsOnly], info: {} };
    for (const [v, names, n] of [
      [withDemo, ["find_file", "submit"], 1],
      [stepsOnly, ["open", "edit"], 1],
      [retry, ["find_file", "submit", "open", "edit"], 2],
    ] as const) {
      const { trajectories, report } = await load(tmpFile("x.traj", JSON.stringify(v, null, 2)));
      expect(report.files[0]!.format).toBe("swe-agent");
      expect(trajectories).toHaveLength(n);
      expect(trajectories.flatMap((t) => t.calls.map((c) => c.name))).toEqual(names);
    }
    const { trajectories } = await load(tmpFile("y.traj", JSON.stringify(withDemo, null, 2)));
    expect(trajectories[0]!.question).toBe("the issue");
    expect(trajectories[0]!.truncated).toBe(true);
    expect(trajectories[0]!.calls.map((c) => c.response)).toEqual(["found", null]);
  });

  it("mini-swe-agent 1.x object with ```bash fences: a turn with no or two blocks is a format error, not a call", async () => {
    const v = {
      info: { exit_status: "LimitsExceeded", submission: "", mini_version: "1.0.0" },
      trajectory_format: "mini-swe-agent-1",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "task" },
        { role: "assistant", content: "THOUGHT\n```bash\nls\n```" },
        { role: "user", content: "<returncode>0</returncode>\n<output>\na\n</output>" },
        { role: "assistant", content: "```bash\nls\n```\n```bash\npwd\n```" },
        { role: "user", content: "Please always provide EXACTLY ONE action" },
        { role: "assistant", content: "```bash\ncat a\n```" },
      ],
    };
    const { trajectories, report } = await load(tmpFile("t.traj.json", JSON.stringify(v, null, 2)));
    expect(report.files[0]!.format).toBe("mini-swe-agent");
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.parsedArguments?.command, c.response])).toEqual([
      ["ls", "<returncode>0</returncode>\n<output>\na\n</output>"],
      ["cat a", null],
    ]);
    expect(t.truncated).toBe(true);
  });

  it("mini-swe-agent 2.x text-based: commands from extra.actions, outputs in user turns; format errors are no call", async () => {
    const obs = (out: string) => ({ role: "user", content: `<returncode>0</returncode>\n<output>\n${out}\n</output>` });
    const v = {
      info: { mini_version: "2.1.0", exit_status: "Submitted", submission: "the patch" },
      trajectory_format: "mini-swe-agent-1.1",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "task" },
        { role: "assistant", content: "```mswea_bash_command\nls\n```", extra: { actions: [{ command: "ls" }] } },
        obs("a.py"),
        {
          role: "user",
          content: "Format error: expected exactly 1 action, found 2.",
          extra: { interrupt_type: "FormatError" },
        },
        {
          role: "assistant",
          content: "```mswea_bash_command\ncat a.py\n```",
          extra: { actions: [{ command: "cat a.py" }] },
        },
        obs("print(1)"),
        { role: "exit", content: "the patch", extra: { exit_status: "Submitted", submission: "the patch" } },
      ],
    };
    const { trajectories, report } = await load(tmpFile("t2.traj.json", JSON.stringify(v, null, 2)));
    expect(report.files[0]!.format).toBe("mini-swe-agent");
    const t = trajectories[0]!;
    expect(t.calls.map((c) => [c.parsedArguments?.command, c.response])).toEqual([
      ["ls", obs("a.py").content],
      ["cat a.py", obs("print(1)").content],
    ]);
    expect([t.finalAnswer, t.truncated]).toEqual(["the patch", false]);
  });

  it("Inspect: a tool reply's error marks its call failed with the error type and message", async () => {
    const sample = {
      id: 7,
      epoch: 1,
      input: "q",
      target: "a",
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: "",
          tool_calls: [{ id: "c", function: "web_browser_go", arguments: { url: "http://x" } }],
        },
        {
          role: "tool",
          tool_call_id: "c",
          function: "web_browser_go",
          content: "",
          error: { type: "timeout", message: "took 180s" },
        },
      ],
      scores: {},
    };
    const { trajectories } = await load(tmpFile("s.json", JSON.stringify(sample)));
    const c = trajectories[0]!.calls[0]!;
    expect([c.name, c.urls, c.error, c.errorReason]).toEqual([
      "web_browser_go",
      ["http://x"],
      true,
      "timeout: took 180s",
    ]);
  });

  it("a file of messages (JSON array or JSON Lines) is one rollout", async () => {
    const msgs = [
      { role: "user", content: "q" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "1", type: "function", function: { name: "search", arguments: '{"query":"q"}' } }],
      },
      { role: "tool", tool_call_id: "1", content: "r" },
      { role: "assistant", content: "\\boxed{a}" },
    ];
    for (const text of [JSON.stringify(msgs, null, 2), msgs.map((m) => JSON.stringify(m)).join("\n")]) {
      const { trajectories, report } = await load(tmpFile("m.json", text));
      expect(report.files[0]!.format).toBe("openai-chat");
      expect(trajectories).toHaveLength(1);
      expect(trajectories[0]!.calls.map((c) => c.response)).toEqual(["r"]);
      expect(trajectories[0]!.finalAnswer).toBe("a");
    }
  });

  it("detection tells the chat dialects apart without reshaping", () => {
    const cases: Array<[unknown, string]> = [
      [
        { prompt: [{ role: "user", content: "q" }], completion: [{ role: "assistant", content: "a" }], reward: 0 },
        "verifiers",
      ],
      [{ id: 1, epoch: 1, input: "q", target: "a", messages: [{ role: "user", content: "q" }] }, "inspect"],
      [{ history: [{ role: "assistant", content: "x", action: "ls" }], info: {} }, "swe-agent"],
      [
        { messages: [{ role: "user", content: "x" }], trajectory_format: "mini-swe-agent-1.1", info: {} },
        "mini-swe-agent",
      ],
      [[{ role: "assistant", content: "```mswea_bash_command\nls\n```" }], "mini-swe-agent"],
      [
        [
          { role: "assistant", content: null, tool_calls: [] },
          { role: "tool", content: "" },
        ],
        "openai-chat",
      ],
    ];
    for (const [v, f] of cases) expect([f, detectFormat([v]).format]).toEqual([f, f]);
  });
});
