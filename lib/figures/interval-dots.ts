/**
 * Dots with interval whiskers, one row per behaviour measure, one colour per series, and a rule at
 * 0: the shared drawing of the pressure and within-group contrast presets. Measures on other scales
 * (horizon, response tokens) get their own panel so the label counts stay readable.
 */
import { BEHAVIOUR_MEASURES, type BehaviourMeasure } from "../metrics/behaviour-columns.js";
import type { Interval } from "../metrics/group-bootstrap.js";
import type { Figure } from "./render-svg.js";
import { figureSize, fitTitle, type FigureSize, type FigureSizeInput } from "./figure-size.js";

export interface IntervalPoint {
  series: string;
  measure: BehaviourMeasure;
  panel: string;
  value: number;
  lo: number;
  hi: number;
}

/** Panel of a measure: counts of calls, the horizon, response tokens. */
export function measurePanel(m: BehaviourMeasure): string {
  return m === "horizon" ? "horizon (calls)" : m === "responseTokens" ? "response tokens" : "labels, breadth, depth";
}

/** The points of some series' intervals (NaN values dropped; a missing interval drawn as the dot alone). */
export function intervalPoints(
  series: ReadonlyArray<{ name: string; values: Partial<Record<BehaviourMeasure, Interval>> }>,
  panelOf: (m: BehaviourMeasure) => string,
): IntervalPoint[] {
  return series.flatMap((s) =>
    (Object.entries(s.values) as Array<[BehaviourMeasure, Interval]>)
      .filter(([, iv]) => Number.isFinite(iv.value))
      .map(([measure, iv]) => ({
        series: s.name,
        measure,
        panel: panelOf(measure),
        value: iv.value,
        lo: Number.isFinite(iv.lo) ? iv.lo : iv.value,
        hi: Number.isFinite(iv.hi) ? iv.hi : iv.value,
      })),
  );
}

/** The vega-lite spec: facet rows by panel, measures on y, the value on x with its whiskers. */
export function intervalDotsSpec(o: {
  title: string;
  xTitle: string;
  size: FigureSize;
  data: IntervalPoint[];
  order: readonly string[];
  panelWidth: number;
}): unknown {
  const series = [...new Set(o.data.map((d) => d.series))];
  const colour = {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain: series },
    legend: series.length > 1 ? { orient: "bottom", columns: o.size.widthPt < 400 ? 1 : 2 } : null,
  };
  const y = { field: "measure", type: "nominal", title: null, sort: o.order, axis: { labelLimit: 400 } };
  const yOffset = series.length > 1 ? { yOffset: { field: "series", sort: series } } : {};
  const panels = [...new Set(o.data.map((d) => d.panel))];
  const panel = (name: string) => ({
    title: { text: name, anchor: "start", fontSize: o.size.fontPt },
    width: o.panelWidth,
    height: { step: Math.round(o.size.fontPt * (series.length > 1 ? 1.2 * series.length : 1.8)) },
    transform: [{ filter: { field: "panel", equal: name } }],
    layer: [
      { mark: { type: "rule", color: "#868e96", strokeDash: [3, 2] }, encoding: { x: { datum: 0 } } },
      {
        mark: { type: "rule", strokeWidth: 1.2 },
        encoding: {
          y,
          ...yOffset,
          x: { field: "lo", type: "quantitative", title: o.xTitle },
          x2: { field: "hi" },
          color: colour,
        },
      },
      {
        mark: { type: "point", filled: true, size: o.size.fontPt * 4, opacity: 1 },
        encoding: { y, ...yOffset, x: { field: "value", type: "quantitative" }, color: colour },
      },
    ],
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: fitTitle(o.title, o.size),
    data: { values: o.data },
    vconcat: panels.map(panel),
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}

/**
 * A column-wide interval-dots figure of some series (one colour each) over the behaviour measures in
 * BEHAVIOUR_MEASURES order, panelled by `measurePanel`, with its provenance (`name` is the preset).
 */
export function intervalDotsFigure(o: {
  name: string;
  title: string;
  xTitle: string;
  series: ReadonlyArray<{ name: string; values: Partial<Record<BehaviourMeasure, Interval>> }>;
  size: FigureSizeInput;
  filters: Record<string, unknown>;
}): Figure {
  const size = figureSize(o.size, "column");
  const data = intervalPoints(o.series, measurePanel);
  const layout = (w: number) =>
    intervalDotsSpec({
      title: o.title,
      xTitle: o.xTitle,
      size,
      data,
      order: BEHAVIOUR_MEASURES,
      panelWidth: w,
    }) as never;
  return { name: o.name, data, size, layout, provenance: { figure: o.name, filters: o.filters }, spec: layout(160) };
}
