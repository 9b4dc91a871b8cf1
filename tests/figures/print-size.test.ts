/**
 * Figures for a paper: every preset drawn at a print width is exactly that wide (one SVG unit = one
 * point), no text prints under 6 pt, and a PDF's page is the figure's size. Traces are generated
 * here (seeded), so the test does not depend on the bundled files.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  behaviourPressure,
  contrastFigure,
  pressureFigure,
  withinGroupContrast,
  fig1Accuracy,
  fig4SearchCalls,
  fig6LabelDrift,
  fig7ResponseLength,
  generateTraces,
  gridSettings,
  grpoGroup,
  HeuristicLabeller,
  labelComposition,
  loadTrajectories,
  renderPdf,
  renderSvg,
  replayRewards,
  rewardConfig,
  rewardLandscape,
  runLabeller,
  searchEcdf,
  sweep,
  tallyArrays,
  trajectoryRows,
  type Figure,
  type LabelRow,
  type Trajectory,
} from "../../lib/index.js";
import { parseWidth, FigureSizeError, FIGURE_WIDTHS } from "../../lib/figures/figure-size.js";
import { printFontSizes } from "../../lib/figures/render-svg.js";
import { tmpDir } from "../helpers.js";

type Presets = Record<string, (o: { width?: string; fontSize?: number }) => Figure>;
let presets: Presets = {};

beforeAll(async () => {
  const dir = tmpDir("print-");
  await generateTraces(join(dir, "eval"), { seed: 11, prompts: 60, format: "fathom", labels: false });
  await generateTraces(join(dir, "verl"), { seed: 12, prompts: 8, format: "verl", steps: 3, labels: false });
  const { trajectories } = await loadTrajectories([dir]);
  const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
  const ev = trajectories.filter((t: Trajectory) => t.provenance.format === "fathom");
  const verl = trajectories.filter((t: Trajectory) => t.provenance.format === "verl");
  const tr = trajectoryRows(trajectories, rows, { tokens: true });
  const vrows = rows.filter((r: LabelRow) => verl.some((t) => t.provenance.source.file === r.source.file));
  const vtr = trajectoryRows(verl, vrows, { tokens: true });
  const a = tallyArrays(verl, vrows);
  const base = rewardConfig({});
  const swept = sweep(a, gridSettings(base, { c1: [0.1, 0.2, 0.3], c2: [0.1, 0.2, 0.3] }));
  const rewards = replayRewards(a, base);
  const group = vtr.find((r) => r.group !== null)!.group!;
  presets = {
    fig1: (o) => fig1Accuracy(tr, o),
    fig4: (o) => fig4SearchCalls(ev, o),
    fig6: (o) => fig6LabelDrift(vtr, o),
    fig7: (o) => fig7ResponseLength(vtr, (r) => String(r.model ?? "run"), o),
    labels: (o) => labelComposition(vrows, (r) => r.source.file, "file", o),
    ecdf: (o) => searchEcdf(vtr, (r) => `step ${r.step}`, o),
    landscape: (o) => rewardLandscape(swept, "c1", "c2", "separation", null, o),
    group: (o) => grpoGroup(vtr, Array.from(rewards), group, null, o),
    pressure: (o) =>
      pressureFigure(
        [
          { name: "default", result: behaviourPressure(a, base) },
          { name: "c1=0.6", result: behaviourPressure(a, rewardConfig({ c1: 0.6 })) },
        ],
        o,
      ),
    contrast: (o) => contrastFigure([{ name: "run", result: withinGroupContrast(a) }], o),
  };
}, 180_000);

const widthOf = (svg: string) => Number(/^<svg[^>]*\bwidth="([\d.]+)"/.exec(svg)![1]);
const heightOf = (svg: string) => Number(/^<svg[^>]*\bheight="([\d.]+)"/.exec(svg)![1]);

describe("figures at print size", () => {
  for (const name of ["fig1", "fig4", "fig6", "fig7", "labels", "ecdf", "landscape", "group", "pressure", "contrast"]) {
    it(`${name} at --width column is 3.3 in wide with no text under 6 pt`, async () => {
      const svg = await renderSvg(presets[name]!({ width: "column" }));
      expect(widthOf(svg)).toBeCloseTo(FIGURE_WIDTHS.column, 1);
      const sizes = printFontSizes(svg);
      expect(sizes.length).toBeGreaterThan(0);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(6);
    });
  }

  it("a PDF's page is the figure's size (points)", async () => {
    const svg = await renderSvg(presets.fig4!({ width: "page" }));
    const pdf = (await renderPdf(svg)).toString("latin1");
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf)!;
    expect(Number(box[1])).toBeCloseTo(widthOf(svg), 1);
    expect(Number(box[2])).toBeCloseTo(heightOf(svg), 1);
    expect(widthOf(svg)).toBeCloseTo(6.9 * 72, 1);
  });

  it("the font size option sets the print size of the text", async () => {
    const small = printFontSizes(await renderSvg(presets.fig6!({ width: "page", fontSize: 7 })));
    const large = printFontSizes(await renderSvg(presets.fig6!({ width: "page", fontSize: 10 })));
    expect(Math.max(...large)).toBeGreaterThan(Math.max(...small));
    expect(Math.min(...small)).toBeGreaterThanOrEqual(6);
  });

  it("widths parse from presets and lengths, and nonsense is an error naming the input", () => {
    expect(parseWidth("column")).toBeCloseTo(237.6, 6);
    expect(parseWidth("page")).toBeCloseTo(496.8, 6);
    expect(parseWidth("3.3in")).toBeCloseTo(237.6, 6);
    expect(parseWidth("8.5cm")).toBeCloseTo((8.5 / 2.54) * 72, 6);
    expect(parseWidth("240pt")).toBe(240);
    expect(parseWidth(300)).toBe(300);
    expect(() => parseWidth("wide")).toThrow(FigureSizeError);
    expect(() => parseWidth("wide")).toThrow(/"wide"/);
    expect(() => parseWidth("0.5in")).toThrow(/at least 1in/);
  });
});
