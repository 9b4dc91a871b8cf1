/**
 * Interactive charts for JupyterLab through the plotly MIME renderer
 * (`application/vnd.plotly.v1+json`, provided by the `plotly` wheel the setup installs). Each
 * point's hover shows the trajectory id and source, so a point leads back to its rollout.
 * Display in tslab with `tslab.display.raw(PLOTLY_MIME, plotlyScatter(...) as any)`.
 */
import type { TrajectoryMetricRow } from "../metrics/tables.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

// plotly renders hover text as (restricted) HTML: escape trace-derived text
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/** A scatter of two numeric columns of the trajectory table, one trace per value of `colour`. */
export function plotlyScatter(rows: readonly TrajectoryMetricRow[], x: keyof TrajectoryMetricRow & string, y: keyof TrajectoryMetricRow & string, colour: keyof TrajectoryMetricRow & string = "model", title = `${y} vs ${x}`): PlotlyFigure {
  const groups = new Map<string, TrajectoryMetricRow[]>();
  for (const r of rows) {
    const k = String(r[colour] ?? "(none)");
    let a = groups.get(k);
    if (!a) groups.set(k, (a = []));
    a.push(r);
  }
  const data = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, rs]) => ({
      type: "scatter",
      mode: "markers",
      name: esc(name),
      x: rs.map((r) => r[x]),
      y: rs.map((r) => r[y]),
      text: rs.map((r) => `${esc(r.trajectoryId)}<br>${esc(r.file)}:${r.line}`),
      hovertemplate: `%{text}<br>${x}=%{x}<br>${y}=%{y}<extra>%{fullData.name}</extra>`,
      marker: { size: 8, opacity: 0.75 },
    }));
  return { data, layout: { title: { text: title }, xaxis: { title: { text: x } }, yaxis: { title: { text: y } }, hovermode: "closest", height: 420 } };
}
