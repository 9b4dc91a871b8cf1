/**
 * Render simulated rollouts byte for byte as the harnesses write them (domain.md §2.1–2.2):
 * Fathom/ReCall eval rows (ChatML transcript sent to SGLang `/generate`) and verl rollout
 * dump rows (the same conversation decoded with special tokens stripped).
 */
import type { Rollout } from "./simulate.js";

export const FATHOM_SYSTEM_PROMPT = `You are a helpful deep-research assistant. Answer the user's question by searching the web and reading pages. Think step by step inside <think></think>, call tools when you need information, and give the final answer inside \\boxed{}.

# Tools

You may call one or more functions to assist with the user query.

You are provided with function signatures within <tools></tools> XML tags:
<tools>
{"type": "function", "function": {"name": "search_urls", "description": "Search the web and return a ranked list of results (title, URL, snippet).", "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "top_k": {"type": "integer", "default": 10}}, "required": ["query"]}}}
{"type": "function", "function": {"name": "query_url", "description": "Read a web page and extract the information relevant to a goal.", "parameters": {"type": "object", "properties": {"url": {"type": "string"}, "goal": {"type": "string"}}, "required": ["url", "goal"]}}}
</tools>

For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
<tool_call>
{"name": <function-name>, "arguments": <args-json-object>}
</tool_call>`;

/** JSON with Python `json.dumps` spacing (`", "` and `": "`), as the model writes calls. */
export function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(v);
}

/** The raw JSON of a call exactly as the model writes it. */
export function callJson(c: Rollout["turns"][number]["calls"][number]): string {
  return pyJson({ name: c.name, arguments: c.arguments });
}

/** Assistant and tool turns after the user question, as [role, content, closed] triples. */
function dialogue(r: Rollout): Array<[string, string, boolean]> {
  const out: Array<[string, string, boolean]> = [];
  for (const t of r.turns) {
    const calls = t.calls.map((c) => `<tool_call>\n${callJson(c)}\n</tool_call>`).join("\n");
    out.push(["assistant", `<think>${t.reasoning}\n</think>\n${calls}`, true]);
    const responses = t.calls
      .map((c) => `<tool_response>${callJson(c)}\nresult: \n${c.result}\n</tool_response>\n`)
      .join("");
    out.push(["user", responses, true]);
  }
  if (r.truncated) out.push(["assistant", `<think>${r.cutTurn ?? ""}`, false]);
  else out.push(["assistant", `<think>${r.finalReasoning}\n</think>\nThe answer is \\boxed{${r.answer}}.`, true]);
  return out;
}

/** NFKD + lower-case, as the harness stores `model_answer`. */
function normaliseAnswer(s: string): string {
  return s.normalize("NFKD").toLowerCase();
}

export function fathomTranscript(r: Rollout): string {
  let s = `<|im_start|>system\n${FATHOM_SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\n${r.question.question}<|im_end|>\n`;
  for (const [role, content, closed] of dialogue(r))
    s += `<|im_start|>${role}\n${content}${closed ? "<|im_end|>\n" : ""}`;
  return s;
}

/** One Fathom/ReCall eval row. */
export function fathomRow(r: Rollout, agent: string): Record<string, unknown> {
  const transcript = fathomTranscript(r);
  return {
    id: r.question.id,
    question: r.question.question,
    answer_gt: r.question.answer,
    model_answer: r.answer !== null ? normaliseAnswer(r.answer) : normaliseAnswer(transcript.slice(-200)),
    judge: r.truncated ? "incorrect" : r.correct ? "correct" : "incorrect",
    tool_calls: r.turns.flatMap((t) => t.calls.map(callJson)),
    transcript,
    agent,
    dataset: r.question.dataset,
  };
}

/** One verl rollout-dump row (special tokens stripped from input and output). */
export function verlRow(r: Rollout, step: number, uid: string): Record<string, unknown> {
  const input = `system\n${FATHOM_SYSTEM_PROMPT}\nuser\n${r.question.question}\nassistant\n`;
  const parts = dialogue(r).map(([role, content], i) => (i === 0 ? content : `${role}\n${content}`));
  const output = parts.join("\n");
  const formatOk = !r.truncated;
  const acc = r.correct ? 1 : 0;
  return {
    input,
    output,
    gts: r.question.answer,
    score: Math.round((0.1 * (formatOk ? 1 : 0) + 0.9 * acc) * 1e6) / 1e6,
    step,
    uid,
    acc,
    data_source: r.question.dataset,
  };
}
