/**
 * FlashRAG evaluation output as ReCall's pipeline writes it, `save_dir/intermediate_data.json`
 * (Agent-RL/ReCall@aaf16b3, `src/flashrag/pipeline/active_pipeline.py` `ReCallPipeline` and
 * the FlashRAG `Dataset.save`): one JSON **array** of
 * `{id, question, golden_answers, output: {final_response, pred, metric_score}}`.
 *
 * - `final_response` is the whole ChatML prompt ReCall's inference loop built
 *   (`src/re_call/inference/re_call.py`: at most 5 rounds of 512 new tokens each; the tags of a
 *   turn are validated before anything runs, so an unbalanced turn yields no calls). A run that
 *   used all rounds ends on the pre-filled `<|im_start|>assistant\n<think>`: truncated.
 * - `pred` is the last assistant turn's `\boxed{}` (empty when none); `metric_score` holds the
 *   configured metrics (`em`, `f1`, `acc`, …). The verdict is `em` (else `acc`, else `f1`)
 *   `>= verdictThreshold` (default 1).
 * - FlashRAG's own pipelines (RUC-NLPIR/FlashRAG `flashrag/pipeline/pipeline.py`
 *   `SequentialPipeline`, saved by `Dataset.save` as `json.dump(…, indent=4)`) retrieve before
 *   generating, so the model makes no tool call: `output` holds `retrieval_result`, `prompt`,
 *   `pred` (and `raw_pred`, `metric_score`), no `final_response`. Such a row is a trajectory with
 *   0 calls, its verdict and `pred` as the answer; the load report says so once per file.
 */
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
} from "./record-fields.js";
import { readChatmlRollout } from "./chatml-rollout.js";

const KNOWN = new Set(["id", "question", "golden_answers", "output"]);

/** The load-report note for rows of a pipeline that made no tool calls. */
const NO_CALLS =
  "FlashRAG output without output.final_response (a retrieve-then-generate pipeline: the pipeline " +
  "retrieved, the model made no tool call): read as trajectories with 0 calls, verdict from " +
  "metric_score, answer from pred";

export const flashragReader: FormatReader = {
  name: "flashrag",
  description:
    "FlashRAG/ReCall eval intermediate_data.json: [{id, question, golden_answers, output{final_response, pred}}]",

  detect(value) {
    if (!isObject(value) || !isObject(value.output)) return 0;
    const out = value.output;
    if (typeof out.final_response === "string") return "golden_answers" in value ? 0.97 : 0.8;
    return "golden_answers" in value && ("pred" in out || "metric_score" in out) ? 0.6 : 0;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const o = asRecord(value);
    const out = isObject(o.output) ? o.output : null;
    if (!out) throw new RecordError('FlashRAG rows need an "output" object');
    const b = new TrajectoryBuilder({ format: "flashrag", file: ctx.file, line: ctx.line }, ctx.roles);
    b.recordId = pickString(o, "id");
    b.question = pickString(o, "question") ?? "";
    b.goldAnswers = goldList(o.golden_answers);
    const metrics = isObject(out.metric_score) ? out.metric_score : {};
    b.score = pickNumber(metrics, "em", "acc", "f1");
    b.verdict = verdictFromScore(b.score, ctx.verdictThreshold);
    b.extra = { ...extraFields(o, KNOWN), ...extraFields(out, new Set(["final_response"])) };
    const text = typeof out.final_response === "string" ? out.final_response : null;
    if (text !== null) readChatmlRollout(b, text, false);
    else ctx.note?.(NO_CALLS);
    const pred = pickString(out, "pred");
    if (b.finalAnswer === null && pred) b.finalAnswer = pred.trim();
    return b.build();
  },
};
