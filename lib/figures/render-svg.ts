/**
 * Render a vega-lite spec to SVG headlessly and deterministically (vega's "none" renderer,
 * fixed font and size settings, no time-dependent data), with provenance in the SVG's
 * `<metadata>`: the data hash, the filters applied and the reward-spec hash when any.
 */
import { createHash } from "node:crypto";
import * as vega from "vega";
import * as vl from "vega-lite";
import { canonicalJson } from "../io/canonical-json.js";
import { MIN_FONT_PT, type FigureSize } from "./figure-size.js";

const xmlEscape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);

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
  /** The vega-lite spec at its nominal size (what `layout` returns for the nominal panel width). */
  spec: vl.TopLevelSpec;
  /** The rows the figure was made from (hashed into the provenance). */
  data: unknown;
  provenance: FigureProvenance;
  /** Print size (points); the SVG is drawn exactly this wide with text at `fontPt`. */
  size?: FigureSize;
  /**
   * The spec for a given panel width (points); `renderSvg` picks the panel width at which the whole
   * figure (axes, legends, titles included) is `size.widthPt` wide.
   */
  layout?: (panelWidth: number) => vl.TopLevelSpec;
}

export function dataHash(data: unknown): string {
  return "sha256:" + createHash("sha256").update(canonicalJson(data)).digest("hex").slice(0, 16);
}

/**
 * Fonts and strokes for a base font size `f` (points at print size); nothing below MIN_FONT_PT.
 * Axis labels longer than `labelLimit` points end in an ellipsis (long group names and paths).
 */
function baseConfig(f: number, labelLimit = 0): Record<string, unknown> {
  const small = Math.max(MIN_FONT_PT, f - 1);
  return {
    font: FIGURE_FONT,
    background: "white",
    padding: Math.round(f / 2),
    view: { stroke: null },
    axis: {
      labelFont: FIGURE_FONT,
      titleFont: FIGURE_FONT,
      labelFontSize: small,
      titleFontSize: f,
      titleFontWeight: "normal",
      titlePadding: 3,
      labelPadding: 2,
      labelLimit,
      tickSize: 3,
      grid: true,
      gridColor: "#e8e8e8",
      domainColor: "#888888",
      tickColor: "#888888",
    },
    legend: {
      labelFont: FIGURE_FONT,
      titleFont: FIGURE_FONT,
      labelFontSize: small,
      titleFontSize: f,
      titleFontWeight: "normal",
      labelLimit: 0,
      symbolSize: f * f * 0.9,
      rowPadding: 1,
      padding: 0,
    },
    title: { font: FIGURE_FONT, fontSize: f + 1, fontWeight: "bold", subtitleFontSize: small, offset: 4 },
    header: { labelFont: FIGURE_FONT, titleFont: FIGURE_FONT, labelFontSize: f, titleFontSize: f, labelPadding: 2 },
    text: { font: FIGURE_FONT, fontSize: small },
    line: { strokeWidth: Math.max(1, f / 6) },
    point: { size: f * f * 0.6 },
    concat: { spacing: f * 2 },
    facet: { spacing: f * 1.5 },
  };
}

/** The base config at the default 8 pt. */
const BASE_CONFIG = baseConfig(8);

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

const svgSize = (svg: string): { width: number; height: number } => {
  const m = /^<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error("vega produced an SVG without a size");
  return { width: Number(m[1]), height: Number(m[2]) };
};

async function draw(spec: vl.TopLevelSpec, config: Record<string, unknown>): Promise<string> {
  const own = (spec as { config?: object }).config;
  const full = { ...spec, config: { ...config, ...own } } as vl.TopLevelSpec;
  const view = new vega.View(vega.parse(vl.compile(full).spec), { renderer: "none" });
  try {
    return normaliseIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * The SVG of a figure at its print size: the panel width is solved so that the whole figure is
 * `size.widthPt` wide (the width is affine in the panel width: two probes, one solve, one check),
 * then the SVG's width and height attributes are set to the exact print size (the viewBox keeps the
 * drawn size, a scale within a fraction of a percent).
 */
async function drawSized(fig: Figure & { size: FigureSize; layout: (w: number) => vl.TopLevelSpec }): Promise<string> {
  const config = baseConfig(fig.size.fontPt, Math.round(fig.size.widthPt * 0.3));
  const target = fig.size.widthPt;
  // secant steps on panel width → figure width (affine except where a title or legend is the
  // widest part); a few renders at most
  let [p0, p1] = [100, 200];
  let best = { svg: await draw(fig.layout(p0), config), miss: Infinity };
  let w0 = svgSize(best.svg).width;
  best.miss = Math.abs(w0 - target);
  for (let i = 0; i < 6 && best.miss > 0.5; i++) {
    const s1 = await draw(fig.layout(p1), config);
    const w1 = svgSize(s1).width;
    if (Math.abs(w1 - target) < best.miss) best = { svg: s1, miss: Math.abs(w1 - target) };
    if (best.miss <= 0.5) break;
    const slope = (w1 - w0) / (p1 - p0);
    // where a legend or title is the widest part the width does not move with the panel: step
    // the panel toward the target until the panels are the widest part again
    const next = slope > 0.05 ? p1 + (target - w1) / slope : w1 < target ? p1 + (target - w1) : p1 * 0.8;
    [p0, w0] = [p1, w1];
    p1 = Math.max(20, Math.round(next * 100) / 100);
    if (p1 === p0) break;
  }
  const svg = best.svg;
  const { width, height } = svgSize(svg);
  const scale = target / width;
  const round = (x: number) => Math.round(x * 100) / 100;
  return svg.replace(/^<svg([^>]*?)\bwidth="[\d.]+"([^>]*?)\bheight="[\d.]+"/, (_m, p1: string, p2: string) => {
    return `<svg${p1}width="${round(target)}"${p2}height="${round(height * scale)}"`;
  });
}

/**
 * The figure as SVG: deterministic (the same figure gives the same bytes), with its provenance in
 * `<metadata>`. A figure with a print size is drawn at that size (one unit = one point).
 */
export async function renderSvg(fig: Figure): Promise<string> {
  let svg: string;
  if (fig.size && fig.layout) svg = await drawSized({ ...fig, size: fig.size, layout: fig.layout });
  else svg = await draw(fig.spec, BASE_CONFIG);
  const meta = {
    figure: fig.provenance.figure,
    data: dataHash(fig.data),
    filters: fig.provenance.filters ?? {},
    rewardSpec: fig.provenance.rewardSpec ?? null,
    ...(fig.size ? { size: { widthPt: +fig.size.widthPt.toFixed(2), fontPt: fig.size.fontPt } } : {}),
    generator: "sounding",
  };
  svg = svg.replace(
    /^<svg([^>]*)>/,
    (m) => `${m}<metadata id="sounding-provenance">${xmlEscape(canonicalJson(meta))}</metadata>`,
  );
  return svg + "\n";
}

/**
 * Every text size in an SVG at print size (points): font sizes times the SVG's scale (width
 * attribute over viewBox width). For checking that nothing prints under `MIN_FONT_PT`.
 */
export function printFontSizes(svg: string): number[] {
  const size = svgSize(svg);
  const vb = /^<svg[^>]*\bviewBox="[\d.-]+ [\d.-]+ ([\d.]+) [\d.]+"/.exec(svg);
  const scale = vb ? size.width / Number(vb[1]) : 1;
  const out: number[] = [];
  for (const m of svg.matchAll(/font-size(?:="|:\s*)([\d.]+)(?:px)?/g)) out.push(Number(m[1]) * scale);
  return out;
}
