/**
 * Paper Fig. 7: mean response length (Qwen3 tokens) per training step, one line per run or reward
 * variant (`runOf`), with a ±1 standard-error band and the rollouts per step (n).
 */
import type { Figure } from "./render-svg.js";
import type { FigureSizeInput } from "./figure-size.js";
import { meanSe, stepLineFigure, type StepPoint } from "./step-axis.js";

export interface LengthRowLike {
  step: number | null;
  responseTokens: number | null;
  [k: string]: unknown;
}

export interface Fig7Options extends FigureSizeInput {
  title?: string;
}

export function fig7Points(
  rows: readonly LengthRowLike[],
  runOf: (r: LengthRowLike) => string,
): Array<StepPoint & { run: string; tokens: number }> {
  const by = new Map<string, number[]>();
  for (const r of rows) {
    if (r.step === null || r.responseTokens === null) continue;
    const k = `${runOf(r)}\u0000${r.step}`;
    let a = by.get(k);
    if (!a) by.set(k, (a = []));
    a.push(r.responseTokens);
  }
  return [...by.entries()]
    .map(([k, xs]) => {
      const [run, step] = k.split("\u0000");
      const { mean, se, n } = meanSe(xs);
      return { run: run!, step: Number(step), tokens: mean, mean, lo: mean - se, hi: mean + se, n };
    })
    .sort((a, b) => (a.run < b.run ? -1 : a.run > b.run ? 1 : a.step - b.step));
}

export function fig7ResponseLength(
  rows: readonly LengthRowLike[],
  runOf: (r: LengthRowLike) => string = (r) => String(r.model ?? "run"),
  opts: Fig7Options = {},
): Figure {
  return stepLineFigure({
    name: "fig7-response-length",
    title: opts.title ?? "Response length during training",
    yTitle: "response tokens",
    data: fig7Points(rows, runOf),
    size: opts,
    encode: (runs) => ({ colour: { field: "run", title: runs.length > 1 ? "run" : null, domain: runs } }),
    filters: (runs) => ({ tokens: "model text, Qwen3 tokenizer", runs }),
  });
}
