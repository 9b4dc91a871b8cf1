/** Shared field lookups for formats that store a rollout as one string in a JSON record. */
import { isObject, pickString, type Json } from "./record-fields.js";

export const TEXT_KEYS = [
  "gen_text_store",
  "output",
  "Output",
  "response",
  "sequences_str",
  "trajectory",
  "text",
  "completion",
  "generation",
  "prediction",
];
export const QUESTION_KEYS = ["question", "Question", "query", "prompt", "input"];
export const GOLD_KEYS = [
  "answer",
  "answers",
  "golden_answers",
  "gold",
  "gts",
  "ground_truth",
  "Correct Answer",
  "target",
];

/** The first string field among TEXT_KEYS, with its key. */
export function rolloutText(o: Json, keys = TEXT_KEYS): { key: string; text: string } | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string") return { key: k, text: v };
    if (Array.isArray(v) && v.length && typeof v[0] === "string") return { key: k, text: v.join("\n") };
  }
  return null;
}

export function firstGold(o: Json): unknown {
  for (const k of GOLD_KEYS) if (k in o) return o[k];
  if (isObject(o.reward_model) && "ground_truth" in o.reward_model) return o.reward_model.ground_truth;
  return undefined;
}

export function questionOf(o: Json): string {
  return pickString(o, ...QUESTION_KEYS) ?? "";
}
