/** ECDFs of breadth, depth and horizon per trajectory, one line per model (or any grouping). */
import type { TrajectoryMetricRow } from "../metrics/tables.js";
import type { Figure } from "./render-svg.js";

export function searchEcdf(rows: readonly TrajectoryMetricRow[], groupOf: (r: TrajectoryMetricRow) => string = (r) => r.model ?? "(unknown)"): Figure {
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
  return {
    name: "search-ecdf",
    data,
    provenance: { figure: "search-ecdf", filters: { breadth: "n_uniqS + n_explore", depth: "n_verify", horizon: "T" } },
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: "Breadth, depth and horizon (empirical CDF)",
      data: { values: data },
      facet: { column: { field: "measure", type: "nominal", title: null, sort: ["breadth", "depth", "horizon"] } },
      resolve: { scale: { x: "independent" } },
      spec: {
        width: 200,
        height: 170,
        mark: { type: "line", interpolate: "step-after", point: true },
        encoding: {
          x: { field: "value", type: "quantitative", title: "calls", axis: { tickMinStep: 1, format: "d" } },
          y: { field: "p", type: "quantitative", title: "share of trajectories ≤ x", axis: { format: ".0%" } },
          color: { field: "group", type: "nominal", title: null },
        },
      },
    },
  };
}
