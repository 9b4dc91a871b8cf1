/** ECDFs of breadth, depth and horizon per trajectory, one line per model (or any grouping). */
import type { TrajectoryMetricRow } from "../metrics/tables.js";
import type { Figure } from "./render-svg.js";
import { figureSize, fitTitle, type FigureSizeInput } from "./figure-size.js";

export function searchEcdf(
  rows: readonly TrajectoryMetricRow[],
  groupOf: (r: TrajectoryMetricRow) => string = (r) => r.model ?? "(unknown)",
  opts: FigureSizeInput = {},
): Figure {
  const size = figureSize(opts, "page");
  const data: Array<{ measure: string; group: string; value: number; p: number }> = [];
  for (const measure of ["breadth", "depth", "horizon"] as const) {
    const by = new Map<string, number[]>();
    for (const r of rows) {
      const g = groupOf(r);
      let a = by.get(g);
      if (!a) by.set(g, (a = []));
      a.push(r[measure]);
    }
    for (const [group, xs] of [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const sorted = [...xs].sort((a, b) => a - b);
      sorted.forEach((v, i) => {
        if (i + 1 < sorted.length && sorted[i + 1] === v) return; // one point per distinct value
        data.push({ measure, group, value: v, p: (i + 1) / sorted.length });
      });
    }
  }
  const layout = (w: number) =>
    ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: fitTitle("Breadth, depth and horizon (empirical CDF)", size),
      data: { values: data },
      facet: { field: "measure", type: "nominal", title: null, sort: ["breadth", "depth", "horizon"] },
      // three panels in a row at page width, one above the other in a column
      columns: size.widthPt < 400 ? 1 : 3,
      resolve: { scale: { x: "independent" } },
      spec: {
        width: w,
        height: Math.round(w * (size.widthPt < 400 ? 0.4 : 0.8)),
        mark: { type: "line", interpolate: "step-after", point: { size: size.fontPt * 2 } },
        encoding: {
          x: { field: "value", type: "quantitative", title: "calls", axis: { tickMinStep: 1, format: "d" } },
          y: { field: "p", type: "quantitative", title: "share ≤ x", axis: { format: ".0%" } },
          color: { field: "group", type: "nominal", title: null, legend: { orient: "bottom", columns: 4 } },
        },
      },
    }) as never;
  return {
    name: "search-ecdf",
    data,
    size,
    layout,
    provenance: { figure: "search-ecdf", filters: { breadth: "n_uniqS + n_explore", depth: "n_verify", horizon: "T" } },
    spec: layout(160),
  };
}
