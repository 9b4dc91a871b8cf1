/**
 * Render a vega-lite spec to SVG headlessly and deterministically (vega's "none" renderer,
 * fixed font and size settings, no time-dependent data), with provenance in the SVG's
 * `<metadata>`: the data hash, the filters applied and the reward-spec hash when any.
 */
import { createHash } from "node:crypto";
import * as vega from "vega";
import * as vl from "vega-lite";
import { canonicalJson } from "../labels/labeller.js";

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);

/** Fonts pinned for every figure (DejaVu Sans, with generic fallbacks). */
export const FIGURE_FONT = "DejaVu Sans, Verdana, sans-serif";

export interface FigureProvenance {
  /** Preset name, e.g. "fig4-search-calls". */
  figure: string;
  /** Filters and options that shaped the data. */
  filters?: Record<string, unknown>;
  /** Reward spec hash, for figures that depend on a reward setting. */
  rewardSpec?: string | null;
}

export interface Figure {
  name: string;
  spec: vl.TopLevelSpec;
  /** The rows the figure was made from (hashed into the provenance). */
  data: unknown;
  provenance: FigureProvenance;
}

export function dataHash(data: unknown): string {
  return "sha256:" + createHash("sha256").update(canonicalJson(data)).digest("hex").slice(0, 16);
}

const BASE_CONFIG = {
  font: FIGURE_FONT,
  background: "white",
  view: { stroke: null },
  axis: { labelFont: FIGURE_FONT, titleFont: FIGURE_FONT, labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: "#eeeeee" },
  legend: { labelFont: FIGURE_FONT, titleFont: FIGURE_FONT, labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { font: FIGURE_FONT, fontSize: 13 },
  header: { labelFont: FIGURE_FONT, titleFont: FIGURE_FONT, labelFontSize: 12 },
};

/**
 * vega numbers gradients and clip paths with process-wide counters (`gradient_3`, `clip7`), so
 * the same figure rendered twice in one process would differ: renumber them per SVG, in order of
 * first appearance.
 */
function normaliseIds(svg: string): string {
  const map = new Map<string, string>();
  const counters = new Map<string, number>();
  return svg.replace(/\b(gradient_|clip|pattern_)(\d+)\b/g, (m, prefix: string) => {
    let v = map.get(m);
    if (v === undefined) {
      const n = counters.get(prefix) ?? 0;
      counters.set(prefix, n + 1);
      v = `${prefix}${n}`;
      map.set(m, v);
    }
    return v;
  });
}

export async function renderSvg(fig: Figure): Promise<string> {
  const spec = { ...fig.spec, config: { ...BASE_CONFIG, ...(fig.spec as { config?: object }).config } } as vl.TopLevelSpec;
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  let svg = normaliseIds(await view.toSVG());
  view.finalize();
  const meta = {
    figure: fig.provenance.figure,
    data: dataHash(fig.data),
    filters: fig.provenance.filters ?? {},
    rewardSpec: fig.provenance.rewardSpec ?? null,
    generator: "sounding",
  };
  svg = svg.replace(/^<svg([^>]*)>/, (m) => `${m}<metadata id="sounding-provenance">${xmlEscape(canonicalJson(meta))}</metadata>`);
  return svg + "\n";
}
