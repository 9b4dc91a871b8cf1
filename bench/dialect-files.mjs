// Generated benchmark inputs in the chat dialects' layouts (no third-party data): a verifiers
// results.jsonl, an Inspect JSON log, and SWE-agent / mini-swe-agent trajectories one a line.
// Seeded: the same size gives the same bytes. Files are written once under bench/out.
import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const WORDS =
  "the river city council museum founded author novel election bridge century painter orbit protein coast".split(" ");
function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out.join(" ");
}
function hits(r) {
  const xs = [];
  for (let k = 0; k < 5; k++)
    xs.push(
      `{'title': '${words(r, 5)}', 'url': 'https://example.org/${k}/${Math.floor(r() * 1e6)}', 'highlights': '${words(r, 60)}'}`,
    );
  return `[${xs.join(", ")}]`;
}

function verifiersRow(r, i) {
  const completion = [];
  for (let c = 0; c < 10; c++) {
    const call = {
      id: `call_${i}_${c}`,
      type: "function",
      function: {
        name: c % 4 === 3 ? "ask_about_webpage" : "exa_search",
        arguments: JSON.stringify({ query: words(r, 8), num_results: 5 }),
      },
    };
    completion.push({ content: "", role: "assistant", tool_calls: [JSON.stringify(call)] });
    completion.push({ content: hits(r), role: "tool", tool_calls: null });
  }
  completion.push({
    content: `Explanation: ${words(r, 40)}\nExact Answer: ${words(r, 2)}`,
    role: "assistant",
    tool_calls: null,
  });
  return {
    id: i % 50,
    prompt: [{ content: words(r, 60), role: "user" }],
    completion,
    task: "bench",
    info: { oai_tools: [] },
    answer: words(r, 2),
    reward: r() < 0.3 ? 1 : 0,
  };
}

function inspectSample(r, i) {
  const messages = [{ id: `m${i}`, role: "user", content: words(r, 50), source: "input" }];
  const events = [];
  for (let c = 0; c < 8; c++) {
    const args = { query: words(r, 8) };
    messages.push({
      id: `a${i}_${c}`,
      role: "assistant",
      content: words(r, 20),
      tool_calls: [{ id: `t${i}_${c}`, function: "web_search", arguments: args, view: null }],
    });
    const result = hits(r);
    messages.push({
      id: `r${i}_${c}`,
      role: "tool",
      content: result,
      tool_call_id: `t${i}_${c}`,
      function: "web_search",
    });
    events.push({ event: "tool", type: "function", id: `t${i}_${c}`, function: "web_search", arguments: args, result });
  }
  messages.push({ id: `f${i}`, role: "assistant", content: words(r, 30) });
  return {
    id: i % 100,
    epoch: Math.floor(i / 100) + 1,
    input: messages[0].content,
    target: words(r, 2),
    messages,
    output: { model: "bench/model", completion: "x" },
    scores: { match: { value: r() < 0.5 ? "C" : "I", answer: "x" } },
    metadata: {},
    events,
  };
}

function sweTraj(r, i) {
  const history = [
    { role: "system", content: words(r, 200), agent: "main", message_type: "system_prompt" },
    { role: "user", content: words(r, 150), agent: "main", message_type: "observation" },
  ];
  const trajectory = [];
  for (let c = 0; c < 12; c++) {
    const cmd = c % 3 === 0 ? "open" : c % 3 === 1 ? "edit" : "bash";
    const args = JSON.stringify({ command: words(r, 6) });
    const thought = words(r, 30);
    history.push({
      role: "assistant",
      content: thought,
      thought,
      action: `${cmd} ${words(r, 3)}`,
      agent: "main",
      tool_calls: [{ id: `c${i}_${c}`, type: "function", function: { name: cmd, arguments: args } }],
      message_type: "action",
    });
    const obs = words(r, 200);
    history.push({
      role: "tool",
      content: obs,
      agent: "main",
      message_type: "observation",
      tool_call_ids: [`c${i}_${c}`],
    });
    trajectory.push({
      action: `${cmd} ${words(r, 3)}`,
      observation: obs,
      response: thought,
      thought,
      execution_time: 0.1,
      state: { open_file: "a.py" },
    });
  }
  return {
    environment: "swe_main",
    trajectory,
    history,
    info: { exit_status: "submitted", submission: words(r, 40) },
    replay_config: "{}",
  };
}

function miniTraj(r, i) {
  const messages = [
    { role: "system", content: words(r, 100) },
    { role: "user", content: words(r, 150) },
  ];
  for (let c = 0; c < 15; c++) {
    const command = words(r, 6);
    messages.push({
      role: "assistant",
      content: words(r, 30),
      tool_calls: [
        {
          index: 0,
          id: `c${i}_${c}`,
          type: "function",
          function: { name: "bash", arguments: JSON.stringify({ command }) },
        },
      ],
      extra: { actions: [{ command, tool_call_id: `c${i}_${c}` }] },
    });
    messages.push({
      role: "tool",
      tool_call_id: `c${i}_${c}`,
      content: `<returncode>0</returncode>\n<output>\n${words(r, 150)}\n</output>`,
    });
  }
  messages.push({ role: "exit", content: "patch", extra: { exit_status: "Submitted", submission: "patch" } });
  return {
    info: {
      mini_version: "2.2.7",
      exit_status: "Submitted",
      submission: "patch",
      config: { model: { model_name: "bench/model" } },
    },
    messages,
    trajectory_format: "mini-swe-agent-1.1",
    instance_id: `bench-${i}`,
  };
}

function writeLines(file, mb, make) {
  const r = rng(42);
  const parts = [];
  let bytes = 0;
  for (let i = 0; bytes < mb * 1048576; i++) {
    const line = JSON.stringify(make(r, i));
    parts.push(line);
    bytes += line.length + 1;
  }
  writeFileSync(file, parts.join("\n") + "\n");
}

/** Paths of the dialect files of about `mb` MB each (generated when missing or smaller). */
export function dialectFiles(dir, mb) {
  const files = {
    verifiers: join(dir, `verifiers-${mb}mb.jsonl`),
    inspect: join(dir, `inspect-log-${Math.min(mb, 24)}mb.json`),
    "swe-agent": join(dir, `swe-agent-${mb}mb.jsonl`),
    "mini-swe-agent": join(dir, `mini-swe-agent-${mb}mb.jsonl`),
  };
  const fresh = (f) => existsSync(f) && statSync(f).size >= mb * 1048576 * 0.95;
  if (!fresh(files.verifiers)) writeLines(files.verifiers, mb, verifiersRow);
  if (!fresh(files["swe-agent"])) writeLines(files["swe-agent"], mb, sweTraj);
  if (!fresh(files["mini-swe-agent"])) writeLines(files["mini-swe-agent"], mb, miniTraj);
  if (!(existsSync(files.inspect) && statSync(files.inspect).size >= Math.min(mb, 24) * 1048576 * 0.95)) {
    const r = rng(42);
    const samples = [];
    let bytes = 0;
    // one JSON document is one framed record: stay under the 32 MiB default record limit
    for (let i = 0; bytes < Math.min(mb, 24) * 1048576; i++) {
      const s = inspectSample(r, i);
      bytes += JSON.stringify(s).length;
      samples.push(s);
    }
    const log = {
      version: 2,
      status: "success",
      eval: { task: "bench", model: "bench/model", dataset: { name: "bench" } },
      plan: {},
      results: {},
      stats: {},
      samples,
    };
    writeFileSync(files.inspect, JSON.stringify(log, null, 2) + "\n");
  }
  return files;
}
