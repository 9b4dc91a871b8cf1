/** Shared pieces of the per-training-step figures (Fig. 6, Fig. 7). */

/** An axis for training steps: integer labels; every step labelled when there are few of them. */
export function stepAxis(steps: readonly number[]): Record<string, unknown> {
  const distinct = [...new Set(steps)].sort((a, b) => a - b);
  return distinct.length <= 25 ? { values: distinct, format: "d" } : { tickMinStep: 1, format: "d" };
}

/** A line per series over training steps: `y` plotted against `step`, coloured by `colour`. */
export function stepLineSpec(
  title: string,
  data: ReadonlyArray<{ step: number } & Record<string, unknown>>,
  y: { field: string; title: string },
  colour: { field: string; title: string | null; sort?: string[] },
): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    width: 420,
    height: 240,
    data: { values: data },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "step", type: "quantitative", title: "training step", axis: stepAxis(data.map((d) => d.step)) },
      y: { field: y.field, type: "quantitative", title: y.title },
      color: { field: colour.field, type: "nominal", title: colour.title, ...(colour.sort ? { sort: colour.sort } : {}) },
    },
  };
}
