/**
 * Paper Fig. 1: per model, accuracy against the average number of tool calls per question
 * (left) and against the average response length in Qwen3 tokens (right).
 */
import type { Figure } from "./render-svg.js";

export interface TrajectoryRowLike {
  model: string | null;
  correct: boolean;
  T: number;
  responseTokens: number | null;
  [k: string]: unknown;
}

export function fig1Points(rows: readonly TrajectoryRowLike[]): Array<{ model: string; n: number; accuracy: number; calls: number; tokens: number | null }> {
  const by = new Map<string, TrajectoryRowLike[]>();
  for (const r of rows) {
    const m = r.model ?? "(unknown)";
    let a = by.get(m);
    if (!a) by.set(m, (a = []));
    a.push(r);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([model, rs]) => {
      const tok = rs.filter((r) => r.responseTokens !== null);
      return {
        model,
        n: rs.length,
        accuracy: rs.filter((r) => r.correct).length / rs.length,
        calls: rs.reduce((s, r) => s + r.T, 0) / rs.length,
        tokens: tok.length ? tok.reduce((s, r) => s + (r.responseTokens as number), 0) / tok.length : null,
      };
    });
}

export function fig1Accuracy(rows: readonly TrajectoryRowLike[]): Figure {
  const data = fig1Points(rows);
  const panel = (x: string, title: string) => ({
    width: 260,
    height: 220,
    layer: [
      { mark: { type: "point", filled: true, size: 90 }, encoding: { x: { field: x, type: "quantitative", title, scale: { zero: false } }, y: { field: "accuracy", type: "quantitative", title: "accuracy", axis: { format: ".0%" } }, color: { field: "model", type: "nominal", title: "model" } } },
      { mark: { type: "text", dy: -10, fontSize: 10 }, encoding: { x: { field: x, type: "quantitative" }, y: { field: "accuracy", type: "quantitative" }, text: { field: "model" } } },
    ],
  });
  return {
    name: "fig1-accuracy",
    data,
    provenance: { figure: "fig1-accuracy", filters: { tokens: "model text, Qwen3 tokenizer" } },
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Accuracy vs tool calls and response length",
      data: { values: data },
      hconcat: [panel("calls", "average tool calls per question"), panel("tokens", "average response length (tokens)")],
    } as never,
  };
}
