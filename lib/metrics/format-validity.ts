/**
 * R_format (domain.md §4): the rollout follows the template: reasoning tags balanced (the
 * pre-filled `<think>` may be implicit), every tool call well formed (JSON with a `name` and
 * `arguments`), and a final answer in `\boxed{}`. Binary. The exported Python reward applies
 * the same rule to `solution_str` (`_format_ok`).
 */
import type { Trajectory } from "../trajectory/schema.js";
import { countOf } from "../formats/tag-blocks.js";

export function formatValid(t: Trajectory): boolean {
  if (t.truncated) return false;
  if (t.finalAnswer === null) return false;
  const last = t.steps[t.steps.length - 1];
  if (!last || !last.text.includes("\\boxed{")) return false;
  if (
    t.calls.some(
      (c) =>
        c.parsedArguments === null &&
        c.role !== "other" &&
        c.errorReason !== null &&
        /JSON|name|arguments/.test(c.errorReason),
    )
  )
    return false;
  for (const s of t.steps) {
    const open = countOf(s.text, "<think>");
    const close = countOf(s.text, "</think>");
    if (close > open + 1 || open > close) return false;
  }
  return true;
}
