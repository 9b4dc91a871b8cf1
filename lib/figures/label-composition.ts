/** Label composition: the share of each behaviour label among labelled calls, per model, dataset or step. */
import type { LabelRow } from "../trajectory/schema.js";
import type { Figure } from "./render-svg.js";
import { figureSize, fitTitle, type FigureSizeInput } from "./figure-size.js";

const ORDER = ["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"];
const COLOURS = ["#2b8a3e", "#e67700", "#1971c2", "#6741d9", "#c92a2a"];

/**
 * `groupOf` maps a label row to its bar (e.g. the trajectory's model, dataset or step, looked up
 * by trajectory id); rows of role answer/other are left out.
 */
export function labelComposition(
  labels: readonly LabelRow[],
  groupOf: (r: LabelRow) => string,
  by = "group",
  opts: FigureSizeInput = {},
): Figure {
  const counts = new Map<string, number>();
  for (const r of labels) {
    if (!r.label) continue;
    const k = `${groupOf(r)}\u0000${r.label}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const rows = [...counts.entries()].map(([k, n]) => {
    const [group, label] = k.split("\u0000");
    return { group: group!, label: label!, n };
  });
  return labelCompositionCounts(rows, by, opts);
}

/** A (group, label) pair's number of labelled calls, as `labelCompositionCounts` takes them. */
export interface LabelCount {
  group: string;
  label: string;
  n: number;
}

/** `labelComposition` from counts made elsewhere (e.g. by SQL on a corpus): the same figure. */
export function labelCompositionCounts(
  counts: readonly LabelCount[],
  by = "group",
  opts: FigureSizeInput = {},
): Figure {
  const size = figureSize(opts, "column");
  const data = counts
    .map((c) => ({ group: c.group, label: c.label, n: c.n }))
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : ORDER.indexOf(a.label) - ORDER.indexOf(b.label)));
  const layout = (w: number) =>
    ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: fitTitle(`Behaviour labels by ${by}`, size),
      width: w,
      height: { step: Math.round(size.fontPt * 2) },
      data: { values: data },
      transform: [
        { joinaggregate: [{ op: "sum", field: "n", as: "total" }], groupby: ["group"] },
        { calculate: "datum.n / datum.total", as: "share" },
        { calculate: `indexof(${JSON.stringify(ORDER)}, datum.label)`, as: "order" },
      ],
      mark: "bar",
      encoding: {
        y: { field: "group", type: "nominal", title: by, axis: { labelLimit: Math.round(size.widthPt * 0.2) } },
        x: {
          field: "share",
          type: "quantitative",
          stack: "normalize",
          title: "share of labelled calls",
          axis: { format: ".0%" },
        },
        color: {
          field: "label",
          type: "nominal",
          title: null,
          scale: { domain: ORDER, range: COLOURS },
          legend: { orient: "bottom", columns: size.widthPt < 400 ? 2 : 5, columnPadding: size.fontPt },
        },
        order: { field: "order", type: "quantitative" },
      },
    }) as never;
  return {
    name: "label-composition",
    data,
    size,
    layout,
    provenance: { figure: "label-composition", filters: { by } },
    spec: layout(160),
  };
}
