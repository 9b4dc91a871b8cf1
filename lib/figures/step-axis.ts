/**
 * Shared pieces of the per-training-step figures (Fig. 6, Fig. 7): the step axis, a line-with-band
 * layer and the figure around it.
 */
import type { FigureSize, FigureSizeInput } from "./figure-size.js";
import { figureSize, fitTitle } from "./figure-size.js";
import type { Figure } from "./render-svg.js";

/** An axis for training steps: integer labels; every step labelled when there are few of them. */
export function stepAxis(steps: readonly number[]): Record<string, unknown> {
  const distinct = [...new Set(steps)].sort((a, b) => a - b);
  return distinct.length <= 12 ? { values: distinct, format: "d" } : { tickMinStep: 1, format: "d" };
}

/** Mean and standard error of the mean (population σ / √n; 0 for n = 1). */
export function meanSe(xs: readonly number[]): { mean: number; se: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  return { mean, se: n > 1 ? sd / Math.sqrt(n) : 0, n };
}

/** "n = 40 per step" or "n = 38–40 per step" (rollouts behind each point). */
export function nPerStep(ns: readonly number[]): string {
  if (!ns.length) return "";
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  return lo === hi ? `n = ${lo} rollouts per step` : `n = ${lo}–${hi} rollouts per step`;
}

export interface StepPoint {
  step: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
  [k: string]: unknown;
}

export interface StepLineArgs {
  title: string;
  size: FigureSize;
  data: readonly StepPoint[];
  yTitle: string;
  colour: { field: string; title: string | null; domain: string[]; range?: string[] };
  dash?: { field: string; title: string; domain: string[] } | null;
  panelWidth: number;
}

/**
 * Lines per series over training steps with a ±1 s.e. band: `y` (mean, lo, hi) against `step`,
 * coloured by `colour`; with several runs, the run is the stroke dash.
 */
export function stepLineSpec(args: StepLineArgs): Record<string, unknown> {
  const { size, data, colour, dash } = args;
  const colourEnc = {
    field: colour.field,
    type: "nominal",
    title: colour.title,
    scale: { domain: colour.domain, ...(colour.range ? { range: colour.range } : {}) },
    legend: {
      orient: "bottom",
      direction: "horizontal",
      columns: size.widthPt < 400 ? 2 : 4,
      symbolType: "stroke",
      title: null,
    },
  };
  const dashEnc = dash
    ? {
        strokeDash: {
          field: dash.field,
          type: "nominal",
          title: dash.title,
          scale: { domain: dash.domain },
          legend: { orient: "top", direction: "horizontal", symbolType: "stroke", title: null },
        },
      }
    : {};
  const x = { field: "step", type: "quantitative", title: "training step", axis: stepAxis(data.map((d) => d.step)) };
  const detail = dash ? [{ field: dash.field }] : [];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: fitTitle(args.title, size),
      subtitle: `mean ± 1 s.e.; ${nPerStep(data.map((d) => d.n))}`,
      anchor: "start",
    },
    width: args.panelWidth,
    height: Math.round(args.panelWidth * 0.62),
    data: { values: data },
    resolve: { scale: { color: "independent" } },
    layer: [
      {
        // the band has its own legend-less colour scale (same domain and colours; see `resolve`), so the
        // legend shows the lines' strokes at full opacity
        mark: { type: "area", opacity: 0.18 },
        encoding: {
          x,
          y: { field: "lo", type: "quantitative", title: args.yTitle },
          y2: { field: "hi" },
          color: { ...colourEnc, legend: null },
          detail,
        },
      },
      {
        mark: { type: "line", point: { size: size.fontPt * 2 } },
        encoding: { x, y: { field: "mean", type: "quantitative" }, color: colourEnc, ...dashEnc },
      },
    ],
  };
}

/**
 * A column-wide per-step figure of points tagged with their run: the `stepLineSpec` layout at any panel
 * width (200 pt nominal), with the colour and dash encodings and the provenance filters chosen from the
 * runs present in the data.
 */
export function stepLineFigure(o: {
  name: string;
  title: string;
  yTitle: string;
  data: ReadonlyArray<StepPoint & { run: string }>;
  size: FigureSizeInput;
  encode: (runs: string[]) => Pick<StepLineArgs, "colour" | "dash">;
  filters: (runs: string[]) => Record<string, unknown>;
}): Figure {
  const { data } = o;
  const size = figureSize({ width: o.size.width, fontSize: o.size.fontSize }, "column");
  const runs = [...new Set(data.map((d) => d.run))];
  const layout = (w: number) =>
    stepLineSpec({ title: o.title, size, data, yTitle: o.yTitle, ...o.encode(runs), panelWidth: w }) as never;
  return {
    name: o.name,
    data,
    size,
    layout,
    provenance: { figure: o.name, filters: o.filters(runs) },
    spec: layout(200),
  };
}
