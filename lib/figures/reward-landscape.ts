/** Reward landscape: the separation of correct and incorrect rollouts over a grid of two knobs, from a sweep. */
import type { SweepRow } from "../reward/sweep.js";
import type { Figure } from "./render-svg.js";
import { figureSize, fitTitle, type FigureSizeInput } from "./figure-size.js";

/** `baseSpec`: the hash of the base setting the grid varies (recorded in the SVG metadata). */
export function rewardLandscape(
  rows: readonly SweepRow[],
  x: string,
  y: string,
  measure: "separation" | "informativeGroups" | "rankChanges" | "meanIncorrect" = "separation",
  baseSpec: string | null = null,
  opts: FigureSizeInput = {},
): Figure {
  const size = figureSize(opts, "column");
  const data = rows.map((r) => ({
    x: (r.config as unknown as Record<string, number>)[x]!,
    y: (r.config as unknown as Record<string, number>)[y]!,
    // 12 significant digits: the same figure whichever engine summed the rewards (SQL and
    // JavaScript sums differ in the last bits)
    value: Number.isFinite(r[measure]) ? +r[measure].toPrecision(12) : r[measure],
    warning: r.warnings.some((w) => w.code === "incorrect-can-beat-correct" || w.code === "incorrect-above-correct")
      ? "⚠"
      : "",
  }));
  const layout = (w: number) =>
    ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: {
        text: fitTitle(`${measure} over ${x} × ${y}`, size),
        subtitle: fitTitle("⚠ = an incorrect rollout can outscore a correct one", { ...size, fontPt: size.fontPt - 2 }),
        anchor: "start",
      },
      width: w,
      height: Math.round(w * 0.8),
      data: { values: data },
      layer: [
        {
          mark: "rect",
          encoding: {
            x: { field: "x", type: "ordinal", title: x, axis: { grid: false, labelAngle: 0 } },
            y: { field: "y", type: "ordinal", title: y, sort: "descending", axis: { grid: false } },
            color: {
              field: "value",
              type: "quantitative",
              title: measure,
              scale: { scheme: "viridis" },
              legend: { orient: "right", gradientLength: Math.round(w * 0.6) },
            },
          },
        },
        {
          mark: { type: "text", color: "white" },
          encoding: {
            x: { field: "x", type: "ordinal" },
            y: { field: "y", type: "ordinal", sort: "descending" },
            text: { field: "warning" },
          },
        },
      ],
    }) as never;
  return {
    name: "reward-landscape",
    data,
    size,
    layout,
    provenance: { figure: "reward-landscape", filters: { x, y, measure }, rewardSpec: baseSpec },
    spec: layout(200),
  };
}
