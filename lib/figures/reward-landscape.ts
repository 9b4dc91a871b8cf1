/** Reward landscape: the separation of correct and incorrect rollouts over a grid of two knobs, from a sweep. */
import type { SweepRow } from "../reward/sweep.js";
import type { Figure } from "./render-svg.js";

/** `baseSpec`: the hash of the base setting the grid varies (recorded in the SVG metadata). */
export function rewardLandscape(rows: readonly SweepRow[], x: string, y: string, measure: "separation" | "informativeGroups" | "rankChanges" | "meanIncorrect" = "separation", baseSpec: string | null = null): Figure {
  const data = rows.map((r) => ({
    x: (r.config as unknown as Record<string, number>)[x]!,
    y: (r.config as unknown as Record<string, number>)[y]!,
    // 12 significant digits: the same figure whichever engine summed the rewards (SQL and
    // JavaScript sums differ in the last bits)
    value: Number.isFinite(r[measure]) ? +r[measure].toPrecision(12) : r[measure],
    warning: r.warnings.some((w) => w.code === "incorrect-can-beat-correct" || w.code === "incorrect-above-correct") ? "⚠" : "",
  }));
  return {
    name: "reward-landscape",
    data,
    provenance: { figure: "reward-landscape", filters: { x, y, measure }, rewardSpec: baseSpec },
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: `${measure} over ${x} × ${y} (⚠: an incorrect rollout can outscore a correct one)`,
      width: 320,
      height: 260,
      data: { values: data },
      layer: [
        { mark: "rect", encoding: { x: { field: "x", type: "ordinal", title: x, axis: { grid: false, labelAngle: 0 } }, y: { field: "y", type: "ordinal", title: y, sort: "descending", axis: { grid: false } }, color: { field: "value", type: "quantitative", title: measure, scale: { scheme: "viridis" } } } },
        { mark: { type: "text", fontSize: 11, color: "white" }, encoding: { x: { field: "x", type: "ordinal" }, y: { field: "y", type: "ordinal", sort: "descending" }, text: { field: "warning" } } },
      ],
    },
  };
}
