/**
 * ToolBench DFSDT / CoT answer files: `{win, tree, forward_args, compare_candidates,
 * answer_generation}` (OpenBMB/ToolBench@d56fdd8, `data_example/answer/G1_answer/…json`).
 *
 * - `answer_generation.train_messages` is a list of growing prefixes of one conversation; the
 *   LAST prefix is the full chain and is what is read. Calls are legacy OpenAI
 *   `function_call{name, arguments (a JSON string)}` on assistant turns (`content: null`);
 *   replies are `role: "function"` messages with the tool's `name` and no id, paired in order
 *   (first unanswered call of that name, else the first unanswered call). The chain ends with
 *   a `Finish` call (`return_type` give_answer / give_up, `final_answer`), which gets no reply.
 * - Failed runs have no `train_messages` (`valid_data: false`); the calls are then the DFS
 *   tree `tree.tree`, whose `Action` nodes (`description` = the tool) are the calls, in
 *   depth-first order; the argument text and the observation sit on the Action's
 *   `Action Input` child, the reasoning on `Thought` nodes.
 * - Failed single-chain (CoT) runs have `train_messages: []` and no tree; their calls are in
 *   `trys[k].chain`, the path of each try as flat nodes of the same types (an `Action` followed by
 *   its `Action Input`), all tries in order (`toolbench/inference/Algorithms/single_chain.py`,
 *   `Tree/Tree.py` `get_chain_result_from_this_node`, OpenBMB/ToolBench@b2384c2).
 * - Verdict: `win`; the question is `answer_generation.query`.
 * - ToolEval's converted answers (OpenBMB/ToolBench@d56fdd8 `toolbench/tooleval/convert_to_answer_format.py`,
 *   `evaluation/dataclass.py` `ExecutionGraph.convert_to_dict`; README "Evaluate New Method"): a JSON
 *   object keyed by query id of `{query, available_tools, answer{method, total_steps, final_answer,
 *   answer_details[]}}` (or, per the README, a list of such answers); `answer_details` is a graph of
 *   `{role: system | user | assistant | tool, message, next[]}` nodes (the system and user messages
 *   blanked, reduced to one path by the converter), a `tool` node's message `{name, arguments (JSON
 *   text), response}` one call (`Finish` has response `""`). Every `tool` node, depth-first, is a call.
 * - ToolLLaMA training instances made from those answers (OpenBMB/ToolBench@083286e
 *   `preprocess/preprocess_toolllama_data.py`): a JSON array of `{id: "Step k: <query>",
 *   conversations[{from: system | user | assistant | function, value}]}`, one instance per
 *   prefix. An assistant `value` is ReAct text, `\nThought: …\nAction: <tool>\nAction Input:
 *   <JSON>`: one call; the next `function` turn is its reply. No verdict.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { ToolCall, Trajectory } from "../trajectory/schema.js";
import { parseArgumentsObject } from "../trajectory/call-arguments.js";
import { attachResponse } from "./attach-response.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { extraFields, isObject, pickNumber, pickString, verdictOf, type Json } from "./record-fields.js";

const KNOWN = new Set(["win", "tree", "answer_generation"]);

function generationOf(v: unknown): Json | null {
  return isObject(v) && isObject(v.answer_generation) ? v.answer_generation : null;
}

function lastPrefix(ag: Json): unknown[] | null {
  const tm = ag.train_messages;
  if (!Array.isArray(tm) || tm.length === 0) return null;
  const last = tm[tm.length - 1];
  return Array.isArray(last) && last.length ? last : null;
}

function treeRoot(o: Json): Json | null {
  const t = o.tree;
  if (!isObject(t)) return null;
  return isObject(t.tree) ? t.tree : typeof t.node_type === "string" ? t : null;
}

function finalAnswerOf(argText: string): string | null {
  const a = parseArgumentsObject(argText);
  const fa = a ? a.final_answer : null;
  return typeof fa === "string" && fa.trim() ? fa.trim() : null;
}

function readMessages(b: TrajectoryBuilder, msgs: unknown[]): void {
  const pending: ToolCall[] = [];
  for (const m of msgs) {
    if (!isObject(m) || typeof m.role !== "string") {
      b.anomalies.push("a message without a string role was skipped");
      continue;
    }
    const content = typeof m.content === "string" ? m.content : "";
    if (m.role === "user" && !b.question) b.question = content.trim();
    if (m.role === "assistant") {
      b.step(content);
      const fc = m.function_call;
      if (!isObject(fc)) continue;
      const name = typeof fc.name === "string" ? fc.name : "";
      const argText = typeof fc.arguments === "string" ? fc.arguments : JSON.stringify(fc.arguments ?? {});
      const parsed = parseArgumentsObject(argText);
      const malformed = !name ? "function_call has no name" : parsed ? null : "arguments are not a JSON object";
      const call = b.call({ name, arguments: argText, parsedArguments: parsed, malformed });
      pending.push(call);
      if (name.toLowerCase() === "finish") b.finalAnswer = finalAnswerOf(argText);
    } else if (m.role === "function" || m.role === "tool") {
      const name = typeof m.name === "string" ? m.name : null;
      const k = pending.findIndex((c) => c.name === name);
      const at = k >= 0 ? k : pending.length ? 0 : -1;
      if (at < 0) {
        b.anomalies.push(`a function reply${name ? ` (${name})` : ""} matches no call`);
        continue;
      }
      const [call] = pending.splice(at, 1);
      attachResponse(b, call!, content);
    }
  }
}

function readTree(b: TrajectoryBuilder, root: Json): void {
  const walk = (n: Json, thought: string): void => {
    const type = n.node_type;
    const desc = typeof n.description === "string" ? n.description : "";
    const kids = Array.isArray(n.children) ? n.children.filter(isObject) : [];
    if (type === "Action") {
      const input = kids.find((k) => k.node_type === "Action Input");
      const argText = input && typeof input.description === "string" ? input.description : "";
      const parsed = parseArgumentsObject(argText);
      b.step(thought, thought);
      const call = b.call({
        name: desc,
        arguments: argText,
        parsedArguments: parsed,
        malformed: !desc ? "Action node has no tool name" : input && !parsed ? "arguments are not a JSON object" : null,
      });
      if (input && typeof input.observation === "string" && input.observation !== "")
        attachResponse(b, call, input.observation);
      if (desc.toLowerCase() === "finish") b.finalAnswer = finalAnswerOf(argText);
    }
    const next = type === "Thought" ? desc : type === "Action" ? "" : thought;
    for (const k of kids) walk(k, next);
  };
  walk(root, "");
}

/** The flat node paths of a single-chain run's tries, or null. */
function chainsOf(o: Json): Json[][] | null {
  if (!Array.isArray(o.trys)) return null;
  const chains = o.trys.flatMap((t: unknown) =>
    isObject(t) && Array.isArray(t.chain) ? [t.chain.filter(isObject)] : [],
  );
  return chains.length ? chains : null;
}

function readChains(b: TrajectoryBuilder, chains: Json[][]): void {
  for (const chain of chains) {
    let thought = "";
    chain.forEach((n, k) => {
      const desc = typeof n.description === "string" ? n.description : "";
      if (n.node_type === "Thought") thought = desc;
      if (n.node_type !== "Action") return;
      const next = chain[k + 1];
      const input = next && next.node_type === "Action Input" ? next : null;
      const argText = input && typeof input.description === "string" ? input.description : "";
      const parsed = parseArgumentsObject(argText);
      b.step(thought, thought);
      thought = "";
      const call = b.call({
        name: desc,
        arguments: argText,
        parsedArguments: parsed,
        malformed: !desc ? "Action node has no tool name" : input && !parsed ? "arguments are not a JSON object" : null,
      });
      const obs = input ? input.observation : undefined;
      if (typeof obs === "string" && obs !== "") attachResponse(b, call, obs);
      if (desc.toLowerCase() === "finish") b.finalAnswer = finalAnswerOf(argText);
    });
  }
}

/** ToolLLaMA `conversations` (ShareGPT `from` / `value` turns), or null. */
function conversationsOf(v: unknown): Json[] | null {
  if (!isObject(v) || !Array.isArray(v.conversations)) return null;
  const turns = v.conversations.filter((t): t is Json => isObject(t) && typeof t.from === "string");
  if (turns.length === 0 || turns.length < v.conversations.length) return null;
  const react = turns.some(
    (t) => t.from === "assistant" && typeof t.value === "string" && t.value.includes("\nAction:"),
  );
  return react || turns.some((t) => t.from === "function") ? turns : null;
}

const REACT_ACTION = /\nAction:[ \t]*([^\n]*)(?:\nAction Input:[ \t]*([\s\S]*))?$/;

/** ToolLLaMA turns as train_messages-style messages: an assistant's Action / Action Input is its function_call. */
function conversationMessages(turns: readonly Json[]): Json[] {
  return turns.map((t) => {
    const value = typeof t.value === "string" ? t.value : "";
    if (t.from !== "assistant") return { role: t.from, content: value };
    const m = REACT_ACTION.exec(value);
    if (!m) return { role: "assistant", content: value };
    const thought = value
      .slice(0, m.index)
      .replace(/^\s*Thought:[ \t]*/, "")
      .trim();
    return {
      role: "assistant",
      content: thought,
      function_call: { name: m[1]!.trim(), arguments: (m[2] ?? "").trim() },
    };
  });
}

/** The ToolEval answer of a record: `{answer_details, …}` itself or under `answer`, or null. */
function toolEvalAnswer(v: unknown): Json | null {
  if (!isObject(v)) return null;
  const a = isObject(v.answer) ? v.answer : v;
  return Array.isArray(a.answer_details) ? a : null;
}

/** The `answer_details` graph: every `tool` node a call (depth-first), `assistant` nodes the reasoning. */
function readDetails(b: TrajectoryBuilder, roots: readonly unknown[]): void {
  let thought = "";
  const walk = (n: unknown): void => {
    if (!isObject(n)) return;
    const msg = n.message;
    if (n.role === "assistant") thought = typeof msg === "string" ? msg : "";
    else if (n.role === "tool" && isObject(msg)) {
      const name = typeof msg.name === "string" ? msg.name : "";
      const argText = typeof msg.arguments === "string" ? msg.arguments : JSON.stringify(msg.arguments ?? {});
      const parsed = parseArgumentsObject(argText);
      b.step(thought, thought);
      thought = "";
      const call = b.call({
        name,
        arguments: argText,
        parsedArguments: parsed,
        malformed: !name ? "tool node has no name" : parsed ? null : "arguments are not a JSON object",
      });
      if (typeof msg.response === "string" && msg.response !== "") attachResponse(b, call, msg.response);
      if (name.toLowerCase() === "finish") b.finalAnswer = finalAnswerOf(argText);
    }
    if (Array.isArray(n.next)) for (const k of n.next) walk(k);
  };
  for (const r of roots) walk(r);
}

export const toolbenchReader: FormatReader = {
  name: "toolbench",
  description: "ToolBench DFSDT/CoT answer files (answer_generation.train_messages, or the DFS tree of failed runs)",

  detect(value) {
    if (conversationsOf(value)) return 0.9;
    if (toolEvalAnswer(value)) return 0.95;
    const ag = generationOf(value);
    if (!ag) return 0;
    const o = isObject(value) ? value : {};
    return lastPrefix(ag) || treeRoot(o) || chainsOf(o) || "query" in ag ? 0.97 : 0.5;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const conv = conversationsOf(value);
    if (conv) {
      const b = new TrajectoryBuilder({ format: "toolbench", file: ctx.file, line: ctx.line }, ctx.roles);
      const o = value as Json;
      b.recordId = pickString(o, "id");
      b.extra = extraFields(o, new Set(["id", "conversations"]));
      readMessages(b, conversationMessages(conv));
      return b.build();
    }
    const te = generationOf(value) ? null : toolEvalAnswer(value);
    if (te) {
      const b = new TrajectoryBuilder({ format: "toolbench", file: ctx.file, line: ctx.line }, ctx.roles);
      const o = value as Json;
      b.extra = {
        ...extraFields(o, new Set(["answer", "query", "available_tools"])),
        ...extraFields(te, new Set(["answer_details", "final_answer"])),
      };
      readDetails(b, te.answer_details as unknown[]);
      b.question = pickString(o, "query") ?? "";
      if (b.finalAnswer === null && typeof te.final_answer === "string")
        b.finalAnswer = finalAnswerOf(te.final_answer) ?? (te.final_answer.trim() || null);
      return b.build();
    }
    const ag = generationOf(value);
    if (!ag) throw new RecordError('no "answer_generation" object');
    const o = isObject(value) ? value : {};
    const b = new TrajectoryBuilder({ format: "toolbench", file: ctx.file, line: ctx.line }, ctx.roles);
    b.verdict = verdictOf(o.win);
    b.extra = {
      ...extraFields(o, KNOWN),
      ...extraFields(ag, new Set(["train_messages", "query", "final_answer", "function"])),
    };
    const msgs = lastPrefix(ag);
    const root = treeRoot(o);
    const chains = chainsOf(o);
    if (msgs) readMessages(b, msgs);
    else if (root) readTree(b, root);
    else if (chains) readChains(b, chains);
    else throw new RecordError("neither answer_generation.train_messages, a DFS tree nor trys[].chain holds the calls");
    b.question = pickString(ag, "query") ?? b.question;
    if (b.finalAnswer === null && typeof ag.final_answer === "string") b.finalAnswer = finalAnswerOf(ag.final_answer);
    const count = pickNumber(ag, "query_count");
    if (!msgs && root && count !== null && count !== b.calls.length) {
      b.anomalies.push(`the search record has ${b.calls.length} Action nodes but query_count is ${count}`);
    }
    return b.build();
  },
};
