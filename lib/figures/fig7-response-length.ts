/**
 * Paper Fig. 7: mean response length (Qwen3 tokens) per training step, one line per run or reward
 * variant (`runOf`), with a ±1 standard-error band and the rollouts per step (n).
 */
import type { Figure } from "./render-svg.js";
import { figureSize, type FigureSizeInput } from "./figure-size.js";
import { meanSe, stepLineSpec, type StepPoint } from "./step-axis.js";

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
  const data = fig7Points(rows, runOf);
  const size = figureSize({ width: opts.width, fontSize: opts.fontSize }, "column");
  const runs = [...new Set(data.map((d) => d.run))];
  const layout = (w: number) =>
    stepLineSpec({
      title: opts.title ?? "Response length during training",
      size,
      data,
      yTitle: "response tokens",
      colour: { field: "run", title: runs.length > 1 ? "run" : null, domain: runs },
      panelWidth: w,
    }) as never;
  return {
    name: "fig7-response-length",
    data,
    size,
    layout,
    provenance: { figure: "fig7-response-length", filters: { tokens: "model text, Qwen3 tokenizer", runs } },
    spec: layout(200),
  };
}
