/**
 * Behaviour pressure of one or more reward settings: per measure the pressure P_b (dot) with its
 * bootstrap interval (whiskers); right of 0 training pushes the behaviour up, left down. Label
 * counts and breadth / depth in one panel, horizon and response tokens in their own.
 */
import { BEHAVIOUR_MEASURES, type BehaviourMeasure } from "../metrics/behaviour-columns.js";
import type { PressureResult } from "../reward/pressure.js";
import type { Figure } from "./render-svg.js";
import { figureSize, type FigureSizeInput } from "./figure-size.js";
import { intervalDotsSpec, intervalPoints } from "./interval-dots.js";

/** Panel of a measure: counts of calls, the horizon, response tokens. */
export function measurePanel(m: BehaviourMeasure): string {
  return m === "horizon" ? "horizon (calls)" : m === "responseTokens" ? "response tokens" : "labels, breadth, depth";
}

/** `settings`: a name per setting (e.g. "default", "c1=0.3") with its pressure. */
export function pressureFigure(
  settings: ReadonlyArray<{ name: string; result: PressureResult }>,
  opts: FigureSizeInput = {},
): Figure {
  const size = figureSize(opts, "column");
  const data = intervalPoints(
    settings.map((s) => ({ name: s.name, values: s.result.pressure })),
    measurePanel,
  );
  const groups = settings.map((s) => s.result.groups);
  const layout = (w: number) =>
    intervalDotsSpec({
      title: "Behaviour pressure: where GRPO pushes each behaviour",
      xTitle: "pressure (← down · up →)",
      size,
      data,
      order: BEHAVIOUR_MEASURES,
      panelWidth: w,
    }) as never;
  return {
    name: "pressure",
    data,
    size,
    layout,
    provenance: {
      figure: "pressure",
      filters: {
        definition: "mean over σ>0 groups of (1/G) Σ Â_i (n_i − n̄)",
        groups,
        settings: settings.map((s) => s.name),
      },
    },
    spec: layout(160),
  };
}
