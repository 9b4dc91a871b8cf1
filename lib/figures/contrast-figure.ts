/**
 * Within-group contrasts: per measure the mean difference between the correct and the incorrect
 * rollouts of the same prompt (dot) with its bootstrap interval; right of 0 success does more of it.
 */
import type { ContrastResult } from "../metrics/within-group-contrast.js";
import type { Figure } from "./render-svg.js";
import type { FigureSizeInput } from "./figure-size.js";
import { intervalDotsFigure } from "./interval-dots.js";

/** `series`: a name per corpus or run (one is enough) with its contrasts. */
export function contrastFigure(
  series: ReadonlyArray<{ name: string; result: ContrastResult }>,
  opts: FigureSizeInput = {},
): Figure {
  return intervalDotsFigure({
    name: "contrast",
    title: "What separates success from failure on the same prompt",
    xTitle: "correct − incorrect (within group)",
    series: series.map((s) => ({ name: s.name, values: s.result.contrast })),
    size: opts,
    filters: {
      groups: series.map((s) => s.result.groups),
      definition: "mean over mixed groups of mean(correct) − mean(incorrect)",
    },
  });
}
