/**
 * Within-group contrasts: per measure the mean difference between the correct and the incorrect
 * rollouts of the same prompt (dot) with its bootstrap interval; right of 0 success does more of it.
 */
import { BEHAVIOUR_MEASURES } from "../metrics/behaviour-columns.js";
import type { ContrastResult } from "../metrics/within-group-contrast.js";
import type { Figure } from "./render-svg.js";
import { figureSize, type FigureSizeInput } from "./figure-size.js";
import { intervalDotsSpec, intervalPoints } from "./interval-dots.js";
import { measurePanel } from "./pressure-figure.js";

/** `series`: a name per corpus or run (one is enough) with its contrasts. */
export function contrastFigure(
  series: ReadonlyArray<{ name: string; result: ContrastResult }>,
  opts: FigureSizeInput = {},
): Figure {
  const size = figureSize(opts, "column");
  const data = intervalPoints(
    series.map((s) => ({ name: s.name, values: s.result.contrast })),
    measurePanel,
  );
  const layout = (w: number) =>
    intervalDotsSpec({
      title: "What separates success from failure on the same prompt",
      xTitle: "correct − incorrect (within group)",
      size,
      data,
      order: BEHAVIOUR_MEASURES,
      panelWidth: w,
    }) as never;
  return {
    name: "contrast",
    data,
    size,
    layout,
    provenance: {
      figure: "contrast",
      filters: {
        groups: series.map((s) => s.result.groups),
        definition: "mean over mixed groups of mean(correct) − mean(incorrect)",
      },
    },
    spec: layout(160),
  };
}
