/**
 * Behaviour pressure of one or more reward settings: per measure the pressure P_b (dot) with its
 * bootstrap interval (whiskers); right of 0 training pushes the behaviour up, left down. Label
 * counts and breadth / depth in one panel, horizon and response tokens in their own.
 */
import type { PressureResult } from "../reward/pressure.js";
import type { Figure } from "./render-svg.js";
import type { FigureSizeInput } from "./figure-size.js";
import { intervalDotsFigure } from "./interval-dots.js";

/** `settings`: a name per setting (e.g. "default", "c1=0.3") with its pressure. */
export function pressureFigure(
  settings: ReadonlyArray<{ name: string; result: PressureResult }>,
  opts: FigureSizeInput = {},
): Figure {
  return intervalDotsFigure({
    name: "pressure",
    title: "Behaviour pressure: where GRPO pushes each behaviour",
    xTitle: "pressure (← down · up →)",
    series: settings.map((s) => ({ name: s.name, values: s.result.pressure })),
    size: opts,
    filters: {
      definition: "mean over σ>0 groups of (1/G) Σ Â_i (n_i − n̄)",
      groups: settings.map((s) => s.result.groups),
      settings: settings.map((s) => s.name),
    },
  });
}
