/**
 * Interactive charts for JupyterLab through the plotly MIME renderer
 * (`application/vnd.plotly.v1+json`, provided by the `plotly` wheel the setup installs). Each
 * point's hover shows the trajectory id and source, so a point leads back to its rollout. Count
 * axes (all values integers) get a small deterministic jitter and translucent markers, so rollouts
 * with the same counts do not hide each other; the hover shows the true values.
 *
 * Exported notebooks (nbconvert to HTML) have no plotly renderer: `plotlyBundle` puts a static SVG
 * of the same chart beside the plotly JSON in one display bundle, and `displayBundle` shows it in a
 * tslab cell, so the chart survives the export.
 */
import { createRequire } from "node:module";
import type { TrajectoryMetricRow } from "../metrics/tables.js";
import { renderSvg } from "../figures/render-svg.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

// plotly renders hover text as (restricted) HTML: escape trace-derived text
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

export interface ScatterOptions {
  /** Jitter half-width on count axes, in axis units (default 0.2; 0 for none). */
  jitter?: number;
}

/** A deterministic offset in [-1, 1) from a string (FNV-1a). */
function hashUnit(s: string, salt: number): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) / 4294967296) * 2 - 1;
}

/** A scatter of two numeric columns of the trajectory table, one trace per value of `colour`. */
export function plotlyScatter(
  rows: readonly TrajectoryMetricRow[],
  x: keyof TrajectoryMetricRow & string,
  y: keyof TrajectoryMetricRow & string,
  colour: keyof TrajectoryMetricRow & string = "model",
  title = `${y} vs ${x}`,
  opts: ScatterOptions = {},
): PlotlyFigure {
  const jitter = opts.jitter ?? 0.2;
  const isCount = (k: string) => rows.every((r) => Number.isInteger(r[k as keyof TrajectoryMetricRow]));
  const jx = jitter > 0 && isCount(x) ? jitter : 0;
  const jy = jitter > 0 && isCount(y) ? jitter : 0;
  const groups = new Map<string, TrajectoryMetricRow[]>();
  for (const r of rows) {
    const k = String(r[colour] ?? "(none)");
    let a = groups.get(k);
    if (!a) groups.set(k, (a = []));
    a.push(r);
  }
  const num = (v: unknown) => (typeof v === "number" ? v : Number(v));
  const data = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, rs]) => ({
      type: "scatter",
      mode: "markers",
      name: esc(name),
      x: rs.map((r) => num(r[x]) + jx * hashUnit(r.key, 1)),
      y: rs.map((r) => num(r[y]) + jy * hashUnit(r.key, 2)),
      customdata: rs.map((r) => [r[x], r[y]]),
      text: rs.map((r) => `${esc(r.trajectoryId)}<br>${esc(r.file)}:${r.line}`),
      hovertemplate: `%{text}<br>${x}=%{customdata[0]}<br>${y}=%{customdata[1]}<extra>%{fullData.name}</extra>`,
      marker: { size: 8, opacity: jx || jy ? 0.55 : 0.75 },
    }));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: x + (jx ? " (jittered)" : "") } },
      yaxis: { title: { text: y + (jy ? " (jittered)" : "") } },
      hovermode: "closest",
      height: 420,
      autosize: true,
    },
  };
}

/** A static SVG of a plotly scatter (the same points, colours by trace), for exported notebooks. */
export async function plotlyStaticSvg(fig: PlotlyFigure): Promise<string> {
  const values = fig.data.flatMap((t) => {
    const xs = (t.x as number[]) ?? [];
    const ys = (t.y as number[]) ?? [];
    return xs.map((xv, i) => ({ series: String(t.name ?? ""), x: xv, y: ys[i] }));
  });
  const axisTitle = (k: "xaxis" | "yaxis") =>
    String(((fig.layout[k] as { title?: { text?: string } }) ?? {}).title?.text ?? "");
  const title = String(((fig.layout.title as { text?: string }) ?? {}).text ?? "");
  return renderSvg({
    name: "plotly-static",
    data: values,
    provenance: { figure: "plotly-static" },
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title,
      width: 420,
      height: 300,
      data: { values },
      mark: { type: "point", filled: true, opacity: 0.6 },
      encoding: {
        x: { field: "x", type: "quantitative", title: axisTitle("xaxis") },
        y: { field: "y", type: "quantitative", title: axisTitle("yaxis") },
        color: { field: "series", type: "nominal", title: null },
      },
    },
  });
}

/** One display bundle: the interactive plotly chart, its static SVG and a text line. */
export async function plotlyBundle(fig: PlotlyFigure): Promise<Record<string, unknown>> {
  const points = fig.data.reduce((n, t) => n + ((t.x as unknown[]) ?? []).length, 0);
  return {
    [PLOTLY_MIME]: fig,
    "image/svg+xml": await plotlyStaticSvg(fig),
    "text/plain": `plotly chart: ${fig.data.length} series, ${points} points`,
  };
}

/**
 * Show a multi-MIME bundle in a tslab cell (JupyterLab picks the richest type it can render;
 * nbconvert's HTML export keeps the SVG). Throws outside a tslab kernel.
 */
export function displayBundle(bundle: Record<string, unknown>): void {
  const require = createRequire(import.meta.url);
  let mod: unknown;
  try {
    mod = require("tslab/dist/jupyter.js");
  } catch {
    throw new Error("displayBundle needs the tslab kernel (run it in a tslab notebook)");
  }
  const write =
    typeof mod === "object" && mod !== null && "lastWriteDisplayData" in mod ? mod.lastWriteDisplayData : null;
  if (typeof write !== "function") throw new Error("displayBundle: not inside a running tslab cell");
  write({ data: bundle, metadata: {}, transient: {} });
}
