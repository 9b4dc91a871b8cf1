/**
 * verl rollout dumps (`trainer.rollout_data_dir/{global_step}.jsonl`): rows
 * `{input, output, gts, score, step, …extra reward keys}` decoded with special tokens
 * stripped, so `<|im_start|>` markers are gone but plain-text tags survive. The output is
 * read by its tags: `<tool_call>` with `<tool_response>` (Fathom, Qwen templates) or `<result>`
 * (ReCall) responses, `<search>` with `<information>` (Search-R1) or `<result>` (ReSearch)
 * documents, or `<|begin_of_query|>` (R1-Searcher).
 *
 * Training step: the row's `step`, else the file name's number (`120.jsonl` → 120).
 * Group: rollouts of one prompt within one step share `groupId` = `s{step}:` + the row's
 * `uid` when present, else a hash of the prompt text.
 * Verdict: an `acc` / `correct` / `is_correct` key when the reward function returned one, else
 * `score >= verdictThreshold` (default `DEFAULT_VERDICT_THRESHOLD`, 1: a full reward).
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { Trajectory } from "../trajectory/schema.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import {
  asRecord,
  extraFields,
  goldList,
  isObject,
  pickNumber,
  pickString,
  verdictFromScore,
  verdictOf,
} from "./record-fields.js";
import { readInlineSearch, R1_MARKERS, SEARCH_R1_MARKERS } from "./inline-search.js";
import { readTaggedTurns, type Turn } from "./tagged-dialogue.js";
import { questionFromPrompt } from "./qwen-agent.js";
import { isSpace } from "./text-scan.js";

const KNOWN = new Set([
  "input",
  "output",
  "gts",
  "score",
  "step",
  "uid",
  "acc",
  "correct",
  "is_correct",
  "data_source",
  "id",
]);

/** Training step from a verl dump file name: `120.jsonl`, `step_120.jsonl.gz`, `global_step120.jsonl`. */
export function stepFromFileName(file: string): number | null {
  const m = /(\d+)\.jsonl?(?:\.gz)?$/.exec(basename(file));
  return m ? Number(m[1]) : null;
}

/**
 * `s.replace(/\n[ \t]*(user|tool)[ \t]*\n?\s*$/, "\n")`: a trailing role line cut off, checked from
 * the end (the regex was tried at every newline of the turn).
 */
function trimRoleLine(s: string): string {
  let e = s.length;
  while (e > 0 && isSpace(s.charCodeAt(e - 1))) e--;
  if (e < 4) return s;
  const word = s.slice(e - 4, e);
  if (word !== "user" && word !== "tool") return s;
  let k = e - 4;
  while (k > 0 && (s.charCodeAt(k - 1) === 32 || s.charCodeAt(k - 1) === 9)) k--;
  return k > 0 && s.charCodeAt(k - 1) === 10 ? s.slice(0, k - 1) + "\n" : s;
}

/**
 * Split special-token-stripped ChatML back into turns. Role names survive as bare lines
 * (`user`, `assistant`), which web text can imitate, so turns are cut at the tool-response
 * groups instead: text before a run of `<tool_response>` blocks is an assistant turn, the run
 * itself is a tool turn. Leftover role lines at the cut points are trimmed.
 */
export function strippedTurns(text: string, responseTag = "tool_response"): Turn[] {
  const turns: Turn[] = [];
  const OPEN = `<${responseTag}>`;
  const CLOSE = `</${responseTag}>`;
  let pos = 0;
  for (;;) {
    const r = text.indexOf(OPEN, pos);
    const head = text.slice(pos, r === -1 ? text.length : r);
    turns.push({ role: "assistant", content: trimRoleLine(head.replace(/^\s*assistant[ \t]*\n/, "")) });
    if (r === -1) break;
    let end = r;
    for (;;) {
      const e = text.indexOf(CLOSE, end);
      if (e === -1) {
        end = text.length;
        break;
      }
      end = e + CLOSE.length;
      let k = end;
      while (k < text.length && isSpace(text.charCodeAt(k))) k++;
      if (!text.startsWith(OPEN, k)) break;
      end = k;
    }
    turns.push({ role: "tool", content: text.slice(r, end) });
    pos = end;
  }
  return turns;
}

/** The question of a special-token-stripped ChatML prompt: its last user turn. */
export function promptQuestion(input: string): string {
  const m = /(?:^|\n)user[ \t]*\n([\s\S]*?)\n?[ \t]*assistant[ \t]*\n?\s*$/.exec(input);
  return questionFromPrompt(m ? m[1]! : input);
}

/**
 * Prompt → (question, hash) for the rollouts of one group, which share their prompt text
 * verbatim (GRPO samples n responses per prompt): hashing and scanning a multi-kB prompt once
 * per group instead of once per rollout. Bounded; cleared when full.
 */
const promptMemo = new Map<string, { question: string; key: string }>();
function promptFacts(input: string): { question: string; key: string } {
  let f = promptMemo.get(input);
  if (!f) {
    if (promptMemo.size >= 512) promptMemo.clear();
    f = { question: promptQuestion(input), key: createHash("sha1").update(input).digest("hex").slice(0, 12) };
    promptMemo.set(input, f);
  }
  return f;
}

export const verlReader: FormatReader = {
  name: "verl",
  description: "verl rollout dumps: {input, output, gts, score, step} per row, file named {global_step}.jsonl",

  detect(value) {
    if (!isObject(value)) return 0;
    if (typeof value.input === "string" && typeof value.output === "string" && ("gts" in value || "score" in value))
      return 0.95;
    return 0;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const o = asRecord(value);
    if (typeof o.input !== "string" || typeof o.output !== "string") {
      throw new RecordError('verl dump rows need string "input" and "output" fields');
    }
    const b = new TrajectoryBuilder({ format: "verl", file: ctx.file, line: ctx.line }, ctx.roles);
    const step = pickNumber(o, "step", "global_step") ?? stepFromFileName(ctx.file);
    b.trainingStep = step === null ? null : Math.trunc(step);
    const uid = pickString(o, "uid");
    const facts = promptFacts(o.input);
    const promptKey = uid ?? facts.key;
    b.groupId = `s${b.trainingStep ?? "?"}:${promptKey}`;
    b.recordId = pickString(o, "id");
    b.dataset = pickString(o, "data_source", "dataset");
    b.goldAnswers = goldList(o.gts);
    b.score = pickNumber(o, "score");
    const judged = o.acc ?? o.correct ?? o.is_correct;
    b.verdict = judged !== undefined ? verdictOf(judged) : verdictFromScore(b.score, ctx.verdictThreshold);
    b.extra = extraFields(o, KNOWN);
    b.question = facts.question;

    const out = o.output;
    if (out.includes("<tool_call>")) {
      // ReCall writes tool results in <result> blocks; Fathom and Qwen templates in <tool_response>
      const tag = !out.includes("<tool_response>") && out.includes("<result>") ? "result" : "tool_response";
      readTaggedTurns(b, strippedTurns(out, tag), { responseTag: tag, cutTurnKeepsCompleteCalls: true });
    } else if (out.includes(SEARCH_R1_MARKERS.queryOpen)) {
      readInlineSearch(b, out, SEARCH_R1_MARKERS);
    } else if (out.includes(R1_MARKERS.queryOpen)) {
      readInlineSearch(b, out, R1_MARKERS);
    } else {
      readTaggedTurns(b, strippedTurns(out), { cutTurnKeepsCompleteCalls: true });
    }
    return b.build();
  },
};
