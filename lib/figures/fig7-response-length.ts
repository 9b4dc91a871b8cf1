/** Paper Fig. 7: mean response length (Qwen3 tokens) per training step, one line per run or reward variant. */
import type { Figure } from "./render-svg.js";
import { stepLineSpec } from "./step-axis.js";

export interface LengthRowLike {
  step: number | null;
  responseTokens: number | null;
  [k: string]: unknown;
}

export function fig7Points(rows: readonly LengthRowLike[], runOf: (r: LengthRowLike) => string): Array<{ run: string; step: number; tokens: number; n: number }> {
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
      return { run: run!, step: Number(step), tokens: xs.reduce((s, x) => s + x, 0) / xs.length, n: xs.length };
    })
    .sort((a, b) => (a.run < b.run ? -1 : a.run > b.run ? 1 : a.step - b.step));
}

export function fig7ResponseLength(rows: readonly LengthRowLike[], runOf: (r: LengthRowLike) => string = (r) => String(r.model ?? "run")): Figure {
  const data = fig7Points(rows, runOf);
  return {
    name: "fig7-response-length",
    data,
    provenance: { figure: "fig7-response-length", filters: { tokens: "model text, Qwen3 tokenizer" } },
    spec: stepLineSpec("Response length during training", data, { field: "tokens", title: "mean response length (tokens)" }, { field: "run", title: "run" }) as never,
  };
}
