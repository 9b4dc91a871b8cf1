/**
 * One factory for the three single-string dialects (R1-Searcher, Search-R1/ZeroSearch,
 * Search-o1): they differ only in their markers and the field names their harnesses write.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { FormatName, Trajectory } from "../trajectory/schema.js";
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
  type Json,
} from "./record-fields.js";
import { readInlineSearch, type InlineMarkers } from "./inline-search.js";
import { firstGold, questionOf, rolloutText, GOLD_KEYS, QUESTION_KEYS, TEXT_KEYS } from "./text-rollout.js";

export interface InlineDialect {
  name: FormatName;
  description: string;
  markers: InlineMarkers;
  /** Where the verdict lives, in order of preference. */
  verdict: (o: Json) => unknown;
}

const KNOWN = new Set([...TEXT_KEYS, ...QUESTION_KEYS, ...GOLD_KEYS, "id", "model", "dataset", "data_source"]);

export function inlineReader(d: InlineDialect): FormatReader {
  return {
    name: d.name,
    description: d.description,
    detect(value) {
      if (!isObject(value)) return 0;
      const t = rolloutText(value);
      if (!t) return 0;
      if (t.text.includes(d.markers.queryOpen)) return 0.9;
      if (t.text.includes(d.markers.docs[0]![0])) return 0.7;
      return 0;
    },
    read(value: unknown, ctx: ReadContext): Trajectory {
      const o = asRecord(value);
      const t = rolloutText(o);
      if (!t) throw new RecordError(`no rollout text field (looked for ${TEXT_KEYS.join(", ")})`);
      const b = new TrajectoryBuilder({ format: d.name, file: ctx.file, line: ctx.line }, ctx.roles);
      b.recordId = pickString(o, "id");
      b.model = pickString(o, "model", "agent");
      b.dataset = pickString(o, "dataset", "data_source");
      b.question = questionOf(o);
      b.goldAnswers = goldList(firstGold(o));
      b.score = pickNumber(o, "score", "reward");
      b.verdict = verdictOf(d.verdict(o));
      // no judge field: a numeric reward / score decides by the documented threshold
      if (b.verdict === "unknown" && b.score !== null) b.verdict = verdictFromScore(b.score, ctx.verdictThreshold);
      b.extra = extraFields(o, KNOWN);
      readInlineSearch(b, t.text, d.markers);
      if (b.finalAnswer === null) {
        const pred = pickString(o, "pred_ans", "Pred_Answer", "prediction_answer");
        if (pred !== null) b.finalAnswer = pred.trim();
      }
      return b.build();
    },
  };
}
