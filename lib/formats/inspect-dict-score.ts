/**
 * Inspect scores whose value is a dict. Inspect's `Value` (UKGovernmentBEIS/inspect_ai@499e615,
 * `src/inspect_ai/scorer/_metric.py`) is a scalar (`str | int | float | bool`), a list of scalars,
 * or a `Mapping[str, str | int | float | bool | None]`: a scorer that grades several things at once
 * writes e.g. `{"accuracy": "C", "f1": 0.5}` or `{"correct": 1}`.
 *
 * Rule (in the dict's key order): the first entry that is a grade string (`C` / `I` and the other
 * spellings `inspectScore` reads as correct or incorrect), or a number / boolean / numeric string
 * under a key named like accuracy, correct, score or em (`acc`, `accuracy`, `correct`,
 * `correctness`, `is_correct`, `score`, `em`, `exact_match`, alone or as a `_`-separated word of the
 * key, any case; its value may also be a grade such as `P`), gives the verdict and score exactly as
 * that value would alone, so numbers use the numeric rule's threshold (`INSPECT_CORRECT_THRESHOLD`).
 * Any other dict (`{"f1": 0.5}`, `{"rouge": 0.3, "bleu": 0.2}`) is `unknown` with no score, and the
 * load report says so once (`INSPECT_DICT_UNKNOWN`). A list value stays `unknown` (no rule picks an
 * element).
 */
import type { Verdict } from "../trajectory/schema.js";
import type { Json } from "./record-fields.js";

/** The load report's one line for dict scores that give no verdict. */
export const INSPECT_DICT_UNKNOWN =
  "Inspect scores whose value is a dict with no C / I entry and no numeric entry named like accuracy / correct / score / em give verdict unknown (see lib/formats/inspect-dict-score.ts)";

/** A key named like accuracy / correct / score / em (as a whole `_`-separated word). */
const VERDICT_KEY = /(^|_)(acc|accuracy|correct|correctness|score|em|exact_match)($|_)/i;

type ScalarScore = (value: unknown) => { verdict: Verdict; score: number | null };

/** Verdict and score of a dict score value by the rule above; `scalar` reads one entry (inspectScore). */
export function dictScore(value: Json, scalar: ScalarScore): { verdict: Verdict; score: number | null } {
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") continue;
    const r = scalar(v);
    if (VERDICT_KEY.test(key) && r.score !== null) return r; // a named entry reads as the bare value
    const grade = typeof v === "string" && !Number.isFinite(Number(v.trim() || "x"));
    if (grade && r.verdict !== "unknown") return r; // a C / I grade, under any key
  }
  return { verdict: "unknown", score: null };
}
