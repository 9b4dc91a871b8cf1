/**
 * Paper Fig. 1: per model, accuracy against the average number of tool calls per question
 * (left) and against the average response length in Qwen3 tokens (right).
 *
 * Accuracy counts judged trajectories only (verdict correct or incorrect; an unjudged rollout is
 * not a wrong one). A trajectory whose trace names no model is grouped under `[format]`.
 */
import type { Figure } from "./render-svg.js";
import { figureSize, fitTitle, type FigureSizeInput } from "./figure-size.js";

export interface TrajectoryRowLike {
  model: string | null;
  format?: string;
  correct: boolean;
  verdict?: string;
  T: number;
  responseTokens: number | null;
  [k: string]: unknown;
}

export interface Fig1Point {
  model: string;
  /** Trajectories behind the averages. */
  n: number;
  /** Trajectories with a verdict (the accuracy's denominator). */
  judged: number;
  accuracy: number | null;
  calls: number;
  tokens: number | null;
}

/** The model key of a row: its model, else `[format]`. */
export const modelKey = (r: TrajectoryRowLike): string => r.model ?? `[${r.format ?? "unknown"}]`;

export function fig1Points(rows: readonly TrajectoryRowLike[]): Fig1Point[] {
  const by = new Map<string, TrajectoryRowLike[]>();
  for (const r of rows) {
    const m = modelKey(r);
    let a = by.get(m);
    if (!a) by.set(m, (a = []));
    a.push(r);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([model, rs]) => {
      const tok = rs.filter((r) => r.responseTokens !== null);
      const judged = rs.filter((r) => r.verdict === undefined || r.verdict === "correct" || r.verdict === "incorrect");
      return {
        model,
        n: rs.length,
        judged: judged.length,
        accuracy: judged.length ? judged.filter((r) => r.correct).length / judged.length : null,
        calls: rs.reduce((s, r) => s + r.T, 0) / rs.length,
        tokens: tok.length ? tok.reduce((s, r) => s + (r.responseTokens as number), 0) / tok.length : null,
      };
    });
}

/** Beyond this many models the points are named in a legend instead of beside each point. */
export const FIG1_MAX_LABELS = 8;

export function fig1Accuracy(rows: readonly TrajectoryRowLike[], opts: FigureSizeInput = {}): Figure {
  // a model without any verdict has no accuracy: it is listed in the data, not drawn
  const data = fig1Points(rows);
  const size = figureSize(opts, "page");
  const drawn = data.filter((p) => p.accuracy !== null);
  const models = drawn.map((p) => p.model);
  const labelled = models.length <= FIG1_MAX_LABELS;
  const panel = (x: "calls" | "tokens", axisTitle: string, title: string, w: number) => {
    const enc = {
      x: { field: x, type: "quantitative", title: axisTitle, scale: { zero: true, nice: true } },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "accuracy",
        axis: { format: ".0%" },
        scale: { zero: false, nice: true, padding: size.fontPt * 1.5 },
      },
    };
    const legend = labelled ? null : { orient: "bottom", columns: size.widthPt < 400 ? 2 : 4 };
    return {
      title: { text: title, fontSize: size.fontPt, fontWeight: "bold" },
      width: w,
      height: Math.round(w * 0.75),
      transform: x === "tokens" ? [{ filter: "datum.tokens !== null" }] : [],
      layer: [
        {
          mark: { type: "point", filled: true, opacity: 0.9 },
          encoding: {
            ...enc,
            color: { field: "model", type: "nominal", title: "model", scale: { domain: models }, legend },
            shape: { field: "model", type: "nominal", title: "model", scale: { domain: models }, legend },
          },
        },
        // names beside the points: to the right in the left 60 % of the panel, to the left beyond it
        ...(labelled
          ? (["left", "right"] as const).map((align) => ({
              transform: [
                { joinaggregate: [{ op: "max", field: x, as: "xmax" }] },
                { filter: `${align === "left" ? "" : "!"}(datum.${x} <= 0.6 * datum.xmax)` },
              ],
              mark: {
                type: "text",
                align,
                baseline: "middle",
                dx: (align === "left" ? 1 : -1) * size.fontPt * 0.8,
                fontWeight: "bold",
              },
              encoding: { ...enc, text: { field: "model" } },
            }))
          : []),
      ],
    };
  };
  const layout = (w: number) =>
    ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: fitTitle("Accuracy vs average tool calls and vs average response length", size),
      data: { values: drawn },
      // side by side at page width, one above the other in a column
      [size.widthPt < 400 ? "vconcat" : "hconcat"]: [
        panel("calls", "average tool calls per question", "accuracy vs tool calls", w),
        panel("tokens", "average response length (tokens)", "accuracy vs response length", w),
      ],
      resolve: { scale: { color: "shared", shape: "shared" } },
    }) as never;
  return {
    name: "fig1-accuracy",
    data,
    size,
    layout,
    provenance: {
      figure: "fig1-accuracy",
      filters: { tokens: "model text, Qwen3 tokenizer", accuracy: "judged trajectories only" },
    },
    spec: layout(200),
  };
}
