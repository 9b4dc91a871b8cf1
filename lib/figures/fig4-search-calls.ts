/**
 * Paper Fig. 4: "Search-tool calls distribution (correct answers)": per dataset, the histogram
 * of search calls per correctly answered question (% of samples) with a smoothed density over the
 * whole x range, and μ and σ (population) written inside each panel, as in the paper; a pooled
 * panel ("all datasets") first. Search calls = calls of role `search` (n_uniqS + n_redS when
 * labelled; every search call counts). Panels share one y scale by default (`sharedY: false` gives
 * each its own) and wrap into rows at the print width.
 */
import type { Trajectory } from "../trajectory/schema.js";
import type { Figure } from "./render-svg.js";
import { figureSize, fitTitle, type FigureSizeInput } from "./figure-size.js";

export interface SearchCallStats {
  dataset: string;
  n: number;
  mean: number;
  std: number;
}

/** The pooled panel's name. */
export const POOLED = "all datasets";

/** A correctly answered question's dataset ("(none)" when unrecorded) and its search calls (a corpus gives these). */
export interface SearchCallRow {
  dataset: string;
  calls: number;
}

/** The rows of the correct trajectories, or the rows as given. */
function searchCallRows(input: readonly Trajectory[] | readonly SearchCallRow[]): SearchCallRow[] {
  const given = (x: Trajectory | SearchCallRow): x is SearchCallRow => typeof x.calls === "number";
  const out: SearchCallRow[] = [];
  for (const x of input) {
    if (given(x)) out.push({ dataset: x.dataset, calls: x.calls });
    else if (x.verdict === "correct")
      out.push({
        dataset: x.provenance.dataset ?? "(none)",
        calls: x.calls.filter((c) => c.role === "search").length,
      });
  }
  return out;
}

/**
 * Search calls per correct trajectory, by dataset, with μ and σ (independent of the chart). Takes
 * trajectories (the correct ones count) or `SearchCallRow`s of correct answers (from a corpus).
 */
export function searchCallStats(input: readonly Trajectory[] | readonly SearchCallRow[]): {
  rows: SearchCallRow[];
  stats: SearchCallStats[];
} {
  const rows = searchCallRows(input);
  const by = new Map<string, number[]>();
  for (const r of rows) {
    let a = by.get(r.dataset);
    if (!a) by.set(r.dataset, (a = []));
    a.push(r.calls);
  }
  const stats = [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([dataset, xs]) => statsOf(dataset, xs));
  return { rows, stats };
}

function statsOf(dataset: string, xs: readonly number[]): SearchCallStats {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { dataset, n: xs.length, mean, std };
}

export interface Fig4Options extends FigureSizeInput {
  title?: string;
  /** One y scale for every panel, as in the paper (default true). */
  sharedY?: boolean;
  /** Add the pooled panel over all datasets (default true when there are several datasets). */
  pooled?: boolean;
  /** Panels per row (default: 3 at page width or wider, 2 below). */
  columns?: number;
}

export function fig4SearchCalls(
  input: readonly Trajectory[] | readonly SearchCallRow[],
  opts: Fig4Options = {},
): Figure {
  const { rows, stats } = searchCallStats(input);
  const size = figureSize({ width: opts.width, fontSize: opts.fontSize }, "page");
  const pooled = (opts.pooled ?? stats.length > 1) && rows.length > 0;
  const panels = pooled
    ? [
        statsOf(
          POOLED,
          rows.map((r) => r.calls),
        ),
        ...stats,
      ]
    : stats;
  const data = [
    ...(pooled ? rows.map((r) => ({ panel: POOLED, calls: r.calls })) : []),
    ...rows.map((r) => ({ panel: r.dataset, calls: r.calls })),
  ];
  const statRows = panels.map((s) => ({
    panel: s.dataset,
    stat: `μ = ${s.mean.toFixed(2)}\nσ = ${s.std.toFixed(2)}\nn = ${s.n}`,
  }));
  const max = Math.max(1, ...rows.map((r) => r.calls));
  const columns = opts.columns ?? Math.min(panels.length || 1, size.widthPt >= 400 ? 3 : 2);
  const sharedY = opts.sharedY ?? true;
  const order = panels.map((s) => s.dataset);
  // shared y: headroom above the tallest bar for the μ/σ line
  const tallest = Math.max(
    1,
    ...panels.map((p) => {
      const xs =
        p.dataset === POOLED
          ? rows.map((r) => r.calls)
          : rows.filter((r) => r.dataset === p.dataset).map((r) => r.calls);
      const k = new Map<number, number>();
      for (const x of xs) k.set(x, (k.get(x) ?? 0) + 1);
      return (100 * Math.max(0, ...k.values())) / Math.max(1, xs.length);
    }),
  );
  const yScale = sharedY ? { domain: [0, Math.ceil((tallest * 1.6) / 10) * 10], nice: false } : { nice: true };
  const fill = (panel: string) => (panel === POOLED ? "#0b4ea2" : "#9ec5f4");
  const layout = (w: number) =>
    ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: fitTitle(opts.title ?? "Search-tool calls distribution (correct answers)", size),
      data: { values: [...data, ...statRows] },
      facet: { field: "panel", type: "nominal", title: null, sort: order, header: { labelFontWeight: "bold" } },
      columns,
      resolve: { scale: { y: sharedY ? "shared" : "independent" } },
      spec: {
        width: w,
        height: Math.round(w * 0.62),
        layer: [
          {
            transform: [
              { filter: "datum.stat == null" },
              { aggregate: [{ op: "count", as: "k" }], groupby: ["calls", "panel"] },
              { joinaggregate: [{ op: "sum", field: "k", as: "total" }], groupby: ["panel"] },
              { calculate: "100 * datum.k / datum.total", as: "percent" },
              { calculate: "datum.calls - 0.42", as: "x0" },
              { calculate: "datum.calls + 0.42", as: "x1" },
            ],
            mark: { type: "bar", stroke: "#1a1a1a", strokeWidth: 0.4 },
            encoding: {
              x: {
                field: "x0",
                type: "quantitative",
                title: size.widthPt < 400 ? "search calls" : "search calls per question",
                scale: { domain: [-0.5, max + 0.5], nice: false },
                axis: { tickMinStep: 1, format: "d" },
              },
              x2: { field: "x1" },
              y: { field: "percent", type: "quantitative", title: "% of samples", scale: yScale },
              y2: { datum: 0 },
              color: {
                field: "panel",
                type: "nominal",
                legend: null,
                scale: { domain: order, range: order.map(fill) },
              },
            },
          },
          {
            transform: [
              { filter: "datum.stat == null" },
              { density: "calls", groupby: ["panel"], bandwidth: 0.8, extent: [-0.5, max + 0.5], steps: 80 },
              { calculate: "100 * datum.density", as: "percent" },
            ],
            mark: { type: "line", clip: true },
            encoding: {
              x: { field: "value", type: "quantitative" },
              y: { field: "percent", type: "quantitative" },
              color: { value: "#0b4ea2" },
            },
          },
          {
            transform: [{ filter: "datum.stat != null" }],
            mark: { type: "text", align: "right", baseline: "top", dx: -2, dy: 2, lineBreak: "\n" },
            encoding: { text: { field: "stat" }, x: { value: "width" }, y: { value: 0 } },
          },
        ],
      },
    }) as never;
  return {
    name: "fig4-search-calls",
    data: { hist: data, stats: statRows },
    size,
    layout,
    provenance: {
      figure: "fig4-search-calls",
      filters: { verdict: "correct", role: "search", sharedY, pooled },
    },
    spec: layout(160),
  };
}
