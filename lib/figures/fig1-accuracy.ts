/**
 * Paper Fig. 1: per model, accuracy against the average number of tool calls per question
 * (left) and against the average response length in Qwen3 tokens (right).
 *
 * Accuracy counts judged trajectories only (verdict correct or incorrect; an unjudged rollout is
 * not a wrong one). A trajectory whose trace names no model is grouped under `[format]`.
 */
import type { Figure } from "./render-svg.js";

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

export function fig1Accuracy(rows: readonly TrajectoryRowLike[]): Figure {
  // a model without any verdict has no accuracy: it is listed in the data, not drawn
  const data = fig1Points(rows);
  const drawn = data.filter((p) => p.accuracy !== null);
  const models = drawn.map((p) => p.model);
  const panel = (x: "calls" | "tokens", title: string) => {
    const enc = {
      x: { field: x, type: "quantitative", title, scale: { zero: true, nice: true } },
      y: { field: "accuracy", type: "quantitative", title: "accuracy", axis: { format: ".0%" }, scale: { zero: false, nice: true, padding: 12 } },
    };
    return {
      width: 300,
      height: 240,
      transform: x === "tokens" ? [{ filter: "datum.tokens !== null" }] : [],
      layer: [
        { mark: { type: "point", filled: true, size: 110, opacity: 0.9 }, encoding: { ...enc, color: { field: "model", type: "nominal", title: "model", scale: { domain: models } }, shape: { field: "model", type: "nominal", title: "model", scale: { domain: models } } } },
        { mark: { type: "text", align: "left", dx: 8, dy: -8, fontSize: 10, fontWeight: "bold" }, encoding: { ...enc, text: { field: "model" } } },
      ],
    };
  };
  return {
    name: "fig1-accuracy",
    data,
    provenance: { figure: "fig1-accuracy", filters: { tokens: "model text, Qwen3 tokenizer", accuracy: "judged trajectories only" } },
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Accuracy vs average tool calls and vs average response length",
      data: { values: drawn },
      hconcat: [panel("calls", "average tool calls per question"), panel("tokens", "average response length (tokens)")],
      resolve: { scale: { color: "shared", shape: "shared" } },
    } as never,
  };
}
