// Generated benchmark rows in the writers' layouts (no third-party data): verifiers results.jsonl
// rows, Inspect samples, SWE-agent / mini-swe-agent trajectories, ATIF trajectories, MiroFlow task
// logs, SkyRL eval dumps, Search-R1 and Search-o1 outputs. Each takes a seeded `r` (lib.mjs `rng`)
// and the row's index: the same seed gives the same bytes.
import { pyHits as hits, words } from "./lib.mjs";

export function verifiersRow(r, i) {
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

export function inspectSample(r, i) {
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

export function sweTraj(r, i) {
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

export function miniTraj(r, i) {
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

/** A Harbor ATIF trajectory (schema ATIF-v1.5): 12 agent steps, one search or fetch call each. */
export function atifTraj(r, i) {
  return {
    schema_version: "ATIF-v1.5",
    session_id: `s-${i}`,
    agent: { name: "terminus-2", version: "2.0.0", model_name: "qwen3-4b" },
    steps: [
      { step_id: 1, source: "user", message: `Question ${i}? ${words(r, 20)}` },
      ...Array.from({ length: 12 }, (_, k) => ({
        step_id: k + 2,
        source: "agent",
        message: `step ${k}`,
        reasoning_content: words(r, 120),
        tool_calls: [
          {
            tool_call_id: `c${k}`,
            function_name: k % 2 ? "fetch_url" : "web_search",
            arguments: k % 2 ? { url: `https://x.example/${i}/${k}` } : { query: words(r, 6) },
          },
        ],
        observation: {
          results: [
            {
              source_call_id: `c${k}`,
              content: Array.from(
                { length: 8 },
                (_, h) => `${h + 1}. [${words(r, 4)}](https://x${h}.example/${i}/${k})\n${words(r, 40)}`,
              ).join("\n"),
            },
          ],
        },
      })),
      { step_id: 14, source: "agent", message: "final answer" },
    ],
  };
}

/** A MiroFlow task log: ten `<use_mcp_tool>` google_search calls with Serper-style replies. */
export function miroflowLog(r, i) {
  const call = (server, tool, args) =>
    `<use_mcp_tool>\n<server_name>${server}</server_name>\n<tool_name>${tool}</tool_name>\n<arguments>\n${JSON.stringify(args)}\n</arguments>\n</use_mcp_tool>`;
  const text = (t) => [{ type: "text", text: t }];
  const hits = (k) =>
    JSON.stringify({
      organic: Array.from({ length: 10 }, (_, h) => ({
        title: words(r, 6),
        link: `https://site${h}.example/page/${i}/${k}`,
        snippet: words(r, 45),
        position: h + 1,
      })),
    });
  return {
    status: "completed",
    task_id: `task-${i}`,
    ground_truth: "Lima",
    input: { task_description: `Question ${i}?`, task_file_name: "", metadata: {} },
    final_boxed_answer: "Lima",
    judge_result: i % 2 ? "CORRECT" : "INCORRECT",
    main_agent_message_history: {
      system_prompt: words(r, 100),
      message_history: [
        { role: "user", content: text(`Question ${i}?`) },
        ...Array.from({ length: 10 }, (_, k) => [
          {
            role: "assistant",
            content: text(words(r, 150) + call("tool-google-search", "google_search", { q: words(r, 6) })),
          },
          { role: "user", content: text(hits(k)) },
        ]).flat(),
        { role: "assistant", content: text("\\boxed{Lima}") },
      ],
    },
    sub_agent_message_history_sessions: {},
    step_logs: [],
  };
}

/** Search-R1 style passages: three `Doc N(Title: …)` entries. */
function passages(r) {
  return [1, 2, 3].map((d) => `Doc ${d}(Title: "${words(r, 4)}") ${words(r, 90)}`).join("\n");
}

/** A SkyRL search-env dump row (skyrl/train/utils/trainer_utils.py): three searches, then an answer. */
export function skyrlRow(r, i) {
  let out = "";
  for (let k = 0; k < 3; k++) {
    out += `<think>${words(r, 30)}</think>\n<search> ${words(r, 6)} </search><|im_end|>\n<|im_start|>user\n`;
    out += `\n<information>${JSON.stringify({ result: passages(r) })}</information>\n<|im_end|>\n<|im_start|>assistant\n`;
  }
  out += `<think>Done.</think>\n<answer> answer ${i} </answer><|im_end|>`;
  return {
    input_prompt: `<|im_start|>user\nAnswer the question. Question: q${i}?\n<|im_end|>\n<|im_start|>assistant\n`,
    output_response: out,
    score: i % 2,
    stop_reason: "stop",
    env_class: "search",
    env_extras: {
      reward_spec: { method: "rule", ground_truth: { target: [`answer ${i}`] } },
      extra_info: { question: `q${i}?` },
    },
    data_source: "searchR1_nq",
  };
}

/** A Search-R1 / ZeroSearch output row: four searches with injected passages, then an answer. */
export function searchR1Row(r, i) {
  let output = "";
  for (let k = 0; k < 4; k++)
    output += `<think>${words(r, 30)}</think>\n<search> ${words(r, 6)} </search>\n\n<information>${passages(r)}</information>\n\n`;
  output += `<think>${words(r, 10)}</think>\n<answer> ${words(r, 2)} </answer>`;
  return { id: `q${i}`, question: `${words(r, 12)}?`, golden_answers: [words(r, 2)], output, em: i % 2 };
}

/** A Search-o1 output row: four searches with their documents, then a boxed answer. */
export function searchO1Row(r, i) {
  let Output = "";
  for (let k = 0; k < 4; k++)
    Output +=
      `${words(r, 30)}\n<|begin_search_query|>${words(r, 6)}<|end_search_query|>\n\n` +
      `<|begin_search_result|>${passages(r)}<|end_search_result|>\n\n`;
  Output += `${words(r, 10)} \\boxed{${words(r, 2)}}`;
  return { id: i, Question: `${words(r, 12)}?`, "Correct Answer": words(r, 2), Output, Metrics: { em: i % 2 } };
}
