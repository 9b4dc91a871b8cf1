/**
 * The part ReCall's two writers share: a whole ChatML conversation in one string, special
 * tokens kept (`<|im_start|>role\n…<|im_end|>`), tool calls as `<tool_call>` tags and their
 * results as `<tool_response>` blocks (or `<result>` in ReCall's older template) in the next
 * user turn. Read into a builder: question, steps, calls, responses, final answer, truncation.
 */
import type { TrajectoryBuilder } from "../trajectory/builder.js";
import { chatmlTurns } from "./fathom.js";
import { questionFromPrompt } from "./qwen-agent.js";
import { readTaggedTurns } from "./tagged-dialogue.js";

/**
 * Read a ChatML rollout string. `cutTurnKeepsCompleteCalls` is true for training rollouts
 * (verl cuts the response tokens after the calls ran) and false for eval loops that re-check
 * the tags before running anything.
 */
export function readChatmlRollout(b: TrajectoryBuilder, text: string, cutTurnKeepsCompleteCalls: boolean): void {
  const { turns, lastClosed } = chatmlTurns(text);
  if (turns.length === 0) b.anomalies.push("no <|im_start|> turns in the rollout text");
  const firstUser = turns.find((t) => t.role === "user");
  if (!b.question && firstUser) b.question = questionFromPrompt(firstUser.content);
  const responseTag = !text.includes("<tool_response>") && text.includes("<result>") ? "result" : "tool_response";
  readTaggedTurns(b, turns, { lastTurnClosed: lastClosed, responseTag, cutTurnKeepsCompleteCalls });
}

/** The prompt part of a ChatML rollout (everything before the first assistant turn), for grouping. */
export function chatmlPrompt(text: string): string {
  const at = text.indexOf("<|im_start|>assistant");
  return at === -1 ? text : text.slice(0, at);
}

/** The response part of a ChatML rollout (from the first assistant turn on). */
export function chatmlResponse(text: string): string {
  const at = text.indexOf("<|im_start|>assistant");
  return at === -1 ? "" : text.slice(at);
}
