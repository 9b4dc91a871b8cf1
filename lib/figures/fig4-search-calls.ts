/**
 * Paper Fig. 4: "Search-tool calls distribution (correct answers)": per dataset, the histogram
 * of search calls per correctly answered question (% of samples), a smoothed density, and μ and σ
 * (population) in the legend. Search calls = calls of role `search` (n_uniqS + n_redS when
 * labelled; every search call counts).
 */
import type { Trajectory } from "../trajectory/schema.js";
import type { Figure } from "./render-svg.js";

export interface SearchCallStats {
  dataset: string;
  n: number;
  mean: number;
  std: number;
}

/** Search calls per correct trajectory, by dataset, with μ and σ (independent of the chart). */
export function searchCallStats(trajectories: readonly Trajectory[]): { rows: Array<{ dataset: string; calls: number }>; stats: SearchCallStats[] } {
  const rows = trajectories.filter((t) => t.verdict === "correct").map((t) => ({ dataset: t.provenance.dataset ?? "(none)", calls: t.calls.filter((c) => c.role === "search").length }));
  const by = new Map<string, number[]>();
  for (const r of rows) {
    let a = by.get(r.dataset);
    if (!a) by.set(r.dataset, (a = []));
    a.push(r.calls);
  }
  const stats = [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([dataset, xs]) => {
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
      return { dataset, n: xs.length, mean, std };
    });
  return { rows, stats };
}

export function fig4SearchCalls(trajectories: readonly Trajectory[], opts: { title?: string } = {}): Figure {
  const { rows, stats } = searchCallStats(trajectories);
  const label = new Map(stats.map((s) => [s.dataset, `${s.dataset} (μ ${s.mean.toFixed(2)}, σ ${s.std.toFixed(2)}, n ${s.n})`]));
  const data = rows.map((r) => ({ ...r, series: label.get(r.dataset)! }));
  const max = Math.max(1, ...rows.map((r) => r.calls));
  return {
    name: "fig4-search-calls",
    data,
    provenance: { figure: "fig4-search-calls", filters: { verdict: "correct", role: "search" } },
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: opts.title ?? "Search-tool calls distribution (correct answers)",
      data: { values: data },
      facet: { column: { field: "dataset", type: "nominal", title: null, sort: stats.map((s) => s.dataset) } },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: 220,
        height: 160,
        layer: [
          {
            transform: [
              { aggregate: [{ op: "count", as: "k" }], groupby: ["calls", "series"] },
              { joinaggregate: [{ op: "sum", field: "k", as: "total" }], groupby: ["series"] },
              { calculate: "100 * datum.k / datum.total", as: "percent" },
              { calculate: "datum.calls - 0.45", as: "x0" },
              { calculate: "datum.calls + 0.45", as: "x1" },
            ],
            mark: { type: "bar", opacity: 0.75 },
            encoding: {
              x: { field: "x0", type: "quantitative", title: "search calls per question", scale: { domain: [-0.5, max + 0.5] } },
              x2: { field: "x1" },
              y: { field: "percent", type: "quantitative", title: "% of samples" },
              y2: { datum: 0 },
              color: { field: "series", type: "nominal", title: "dataset (μ, σ)", legend: { orient: "bottom", columns: 1 } },
            },
          },
          {
            transform: [{ density: "calls", groupby: ["series"], bandwidth: 0.8, extent: [0, max], steps: 60 }, { calculate: "100 * datum.density", as: "percent" }],
            mark: { type: "line", strokeWidth: 2 },
            encoding: { x: { field: "value", type: "quantitative" }, y: { field: "percent", type: "quantitative" }, color: { field: "series", type: "nominal" } },
          },
        ],
      },
    },
  };
}
