/**
 * ReCall training rollout saves, `rollout_save_path/train_{step}.jsonl`, one row per rollout
 * as `ReCallRewardManagerWithSave` writes it (Agent-RL/ReCall@aaf16b3,
 * `src/verl/workers/reward_manager/re_call.py`):
 * `{data_source, sequences_str, ground_truth, score, reason}`, appended to per step.
 *
 * - `sequences_str` is prompt + response decoded with the special tokens **kept**
 *   (`tokenizer.decode(sequences)`), so the ChatML markers are there; the reward
 *   (`src/verl/utils/reward_score/re_call.py`, `compute_score_with_format`) gives 0 with reason
 *   `not end with eos token` when the text does not end with `<|im_end|>`: the response-length
 *   cut. Such rows are `truncated`; a cut inside a parallel turn keeps its complete calls.
 * - `score` is F1 against `ground_truth` (a list), 0.1 for a well-formatted wrong answer, 0 for a
 *   format failure; the verdict is `score >= verdictThreshold` (default 1: a full match).
 * - ReSearch, ReCall's predecessor (Agent-RL/ReCall@c820a43, `src/verl/workers/reward_manager/re_search.py`,
 *   template `src/verl/utils/dataset/template.py`), saved the same rows for rollouts whose calls are
 *   `<search> q </search>` with the documents in `<result>…</result>` after them (no `<tool_call>`).
 *   The system prompt names those tags as an example, so only the response (from the first assistant
 *   turn) is read for calls; the question is the prompt's user turn.
 * - The training step comes from the file name (`train_12.jsonl` → 12); rollouts of one prompt
 *   in one step share a group (there is no uid: a hash of the prompt text).
 */
import { createHash } from "node:crypto";
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { Trajectory } from "../trajectory/schema.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import {
  asRecord,
  extraFields,
  goldList,
  isObject,
  lastBoxed,
  pickNumber,
  pickString,
  verdictFromScore,
} from "./record-fields.js";
import { chatmlPrompt, chatmlResponse, readChatmlRollout } from "./chatml-rollout.js";
import { stepFromFileName } from "./verl.js";
import { chatmlTurns } from "./fathom.js";
import { questionFromPrompt } from "./qwen-agent.js";
import { readInlineSearch, SEARCH_R1_MARKERS } from "./inline-search.js";

const KNOWN = new Set(["data_source", "sequences_str", "ground_truth", "score"]);

/** Prompt text → group key: the rollouts of one prompt share it verbatim; bounded, cleared when full. */
const groupMemo = new Map<string, string>();
function groupKey(prompt: string): string {
  let k = groupMemo.get(prompt);
  if (k === undefined) {
    if (groupMemo.size >= 512) groupMemo.clear();
    k = createHash("sha1").update(prompt).digest("hex").slice(0, 12);
    groupMemo.set(prompt, k);
  }
  return k;
}

export const recallTrainReader: FormatReader = {
  name: "recall-train",
  description:
    "ReCall training saves train_{step}.jsonl: {data_source, sequences_str (ChatML), ground_truth, score, reason}",

  detect(value) {
    if (!isObject(value) || typeof value.sequences_str !== "string") return 0;
    if (!value.sequences_str.includes("<|im_start|>")) return 0.3;
    const response = chatmlResponse(value.sequences_str);
    // an R1-Searcher-style rollout saved by the same manager: let the inline readers take it
    if (!response.includes("<tool_call>") && response.includes("<|begin_of_query|>")) return 0.3;
    return "ground_truth" in value || "score" in value ? 0.97 : 0.8;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const o = asRecord(value);
    if (typeof o.sequences_str !== "string") throw new RecordError('ReCall rollout rows need a string "sequences_str"');
    const text = o.sequences_str;
    const b = new TrajectoryBuilder({ format: "recall-train", file: ctx.file, line: ctx.line }, ctx.roles);
    b.trainingStep = stepFromFileName(ctx.file);
    b.groupId = `s${b.trainingStep ?? "?"}:${groupKey(chatmlPrompt(text))}`;
    b.dataset = pickString(o, "data_source");
    b.goldAnswers = goldList(o.ground_truth);
    b.score = pickNumber(o, "score");
    b.verdict = verdictFromScore(b.score, ctx.verdictThreshold);
    b.extra = extraFields(o, KNOWN);
    const response = chatmlResponse(text);
    if (!response.includes("<tool_call>") && response.includes("<search>")) {
      // ReSearch: the prompt's template names the tags too, so only the response is read for calls
      const user = chatmlTurns(chatmlPrompt(text)).turns.find((t) => t.role === "user");
      if (user) b.question = questionFromPrompt(user.content);
      readInlineSearch(b, response.replace(/<\|im_end\|>\s*$/, ""), SEARCH_R1_MARKERS);
      // the answer tag holds "The final answer is \boxed{…}" (the reward reads the box)
      const boxed = b.finalAnswer !== null ? lastBoxed(b.finalAnswer) : null;
      if (boxed !== null) b.finalAnswer = boxed;
    } else readChatmlRollout(b, text, true);
    if (!b.truncated && !text.trimEnd().endsWith("<|im_end|>")) {
      b.truncated = true;
      b.anomalies.push("truncated: the rollout does not end with the EOS token <|im_end|>");
    }
    return b.build();
  },
};
