/**
 * Golden-SVG snapshots of every figure preset on the bundled generated traces. A changed render
 * is written beside its golden file as `<name>.actual.svg` for review; `UPDATE_GOLDEN=1` rewrites
 * the golden files. Renders are deterministic (two renders are byte-identical) and carry their
 * provenance; Fig. 4's μ and σ match an independent count over the raw rows.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  dataHash,
  fig1Accuracy,
  fig4SearchCalls,
  fig6LabelDrift,
  fig7ResponseLength,
  gridSettings,
  grpoGroup,
  HeuristicLabeller,
  labelComposition,
  loadTrajectories,
  renderSvg,
  replayRewards,
  rewardConfig,
  rewardLandscape,
  rewardSpecHash,
  runLabeller,
  searchEcdf,
  sweep,
  tallyArrays,
  trajectoryRows,
  type Figure,
} from "../../lib/index.js";
import { ROOT } from "../helpers.js";

const GOLDEN = join(ROOT, "tests", "fixtures", "golden");
let figures: Figure[] = [];

beforeAll(async () => {
  const { trajectories } = await loadTrajectories([join(ROOT, "traces", "generated")]);
  const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
  const tr = trajectoryRows(trajectories, rows, { tokens: true });
  // Fig. 1 has one point per model (three eval files + the verl run); Fig. 4 is one model's eval answers
  figures = [
    fig1Accuracy(tr),
    fig4SearchCalls(trajectories.filter((t) => t.provenance.source.file.endsWith("fathom-eval.jsonl"))),
    fig6LabelDrift(tr),
    fig7ResponseLength(tr),
  ];
  // the other presets, on the verl dumps
  const verl = trajectories.filter((t) => t.provenance.format === "verl");
  const vrows = rows.filter((r) => r.source.file.includes("verl"));
  const vtr = trajectoryRows(verl, vrows);
  const stepOf = new Map(
    verl.map((t) => [`${t.provenance.source.file}::${t.id}`, `step ${t.provenance.trainingStep}`]),
  );
  const a = tallyArrays(verl, vrows);
  const base = rewardConfig({});
  const swept = sweep(a, [base, ...gridSettings(base, { c1: [0.1, 0.2, 0.3, 0.4], c2: [0.1, 0.2, 0.3, 0.4] })]).slice(
    1,
  );
  const rewardOf = new Map(a.keys.map((k, i) => [k, replayRewards(a, base)[i]!]));
  figures.push(
    labelComposition(vrows, (r) => stepOf.get(`${r.source.file}::${r.trajectoryId}`)!, "training step"),
    searchEcdf(vtr, (r) => `step ${r.step}`),
    rewardLandscape(swept, "c1", "c2", "separation", rewardSpecHash(base)),
    grpoGroup(
      vtr,
      vtr.map((r) => rewardOf.get(r.key)!),
      vtr[0]!.group!,
      rewardSpecHash(base),
    ),
  );
}, 120_000);

describe("figure presets", () => {
  it("match their golden SVGs", async () => {
    for (const fig of figures) {
      const svg = await renderSvg(fig);
      const golden = join(GOLDEN, `${fig.name}.svg`);
      const actual = join(GOLDEN, `${fig.name}.actual.svg`);
      if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, svg);
      const want = readFileSync(golden, "utf8");
      if (svg !== want) writeFileSync(actual, svg);
      else if (existsSync(actual)) rmSync(actual);
      expect([fig.name, svg === want]).toEqual([fig.name, true]);
    }
  });

  it("render byte-identically twice, with provenance in the SVG metadata", async () => {
    for (const fig of figures) {
      const a = await renderSvg(fig);
      const b = await renderSvg(fig);
      expect([fig.name, a === b]).toEqual([fig.name, true]);
      expect(a).toContain(`<metadata id="sounding-provenance">`);
      expect(a).toContain(dataHash(fig.data));
      expect(a).toContain(`&quot;figure&quot;:&quot;${fig.name}&quot;`);
    }
  });

  it("Fig. 4's μ and σ equal an independent count over the raw eval rows", async () => {
    const raw = readFileSync(join(ROOT, "traces", "generated", "fathom-eval.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { judge: string; dataset: string; tool_calls: string[]; transcript: string });
    // count search calls per correct row from the transcript text itself
    const by = new Map<string, number[]>();
    for (const r of raw) {
      if (r.judge !== "correct") continue;
      const n = r.transcript.split('<tool_call>\n{"name": "search_urls"').length - 1;
      by.set(r.dataset, [...(by.get(r.dataset) ?? []), n]);
    }
    const fig = figures[1]!;
    const svg = await renderSvg(fig);
    const stats = (fig.data as { stats: Array<{ panel: string; stat: string }> }).stats;
    // μ, σ and n are written inside each dataset's panel (and the pooled panel over all of them)
    by.set("all datasets", [...by.values()].flat());
    for (const [ds, xs] of by) {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
      const lines = [`μ = ${mean.toFixed(2)}`, `σ = ${std.toFixed(2)}`, `n = ${xs.length}`];
      expect(stats.find((s) => s.panel === ds)?.stat).toBe(lines.join("\n"));
      expect(svg).toMatch(new RegExp(lines.map((l) => `<tspan[^>]*>${l}</tspan>`).join("")));
    }
  });
});

describe("Fig. 1 across models", () => {
  it("each model's accuracy and average tool calls equal an independent count over its raw eval rows", async () => {
    const { fig1Points } = await import("../../lib/index.js");
    const { trajectories } = await loadTrajectories([join(ROOT, "traces", "generated")]);
    const points = new Map(fig1Points(trajectoryRows(trajectories, [])).map((p) => [p.model, p]));
    const files = ["fathom-eval.jsonl", "models/eval-shallow.jsonl", "models/eval-wide.jsonl"];
    const seen = new Set<string>();
    for (const f of files) {
      const raw = readFileSync(join(ROOT, "traces", "generated", f), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { judge: string; agent: string; tool_calls: string[] });
      const agent = raw[0]!.agent;
      seen.add(agent);
      const p = points.get(agent)!;
      expect(p, agent).toBeDefined();
      expect(p.n).toBe(raw.length);
      expect(p.accuracy).toBeCloseTo(raw.filter((r) => r.judge === "correct").length / raw.length, 12);
      expect(p.calls).toBeCloseTo(raw.reduce((s, r) => s + r.tool_calls.length, 0) / raw.length, 12);
    }
    expect(seen.size).toBe(3); // three distinct models, plus the verl run under [verl]
    expect(points.has("[verl]")).toBe(true);
    // the golden Fig. 1 draws every one of them
    const svg = await renderSvg(figures[0]!);
    for (const m of [...seen, "[verl]"]) expect(svg).toContain(`>${m}<`);
  });

  it("counts accuracy over judged trajectories only", async () => {
    const { fig1Points } = await import("../../lib/index.js");
    const row = (model: string, verdict: string) => ({
      model,
      correct: verdict === "correct",
      verdict,
      T: 2,
      responseTokens: null,
    });
    const [p] = fig1Points([row("m", "correct"), row("m", "incorrect"), row("m", "unknown"), row("m", "unknown")]);
    expect(p).toMatchObject({ n: 4, judged: 2, accuracy: 0.5, calls: 2 });
    expect(fig1Points([row("u", "unknown")])[0]!.accuracy).toBeNull();
  });
});

describe("PNG and PDF", () => {
  it("render deterministically with the pinned fonts; the PDF embeds them", async () => {
    const { renderPng, renderPdf } = await import("../../lib/index.js");
    const svg = await renderSvg(figures[2]!);
    const a = renderPng(svg);
    expect(a.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(renderPng(svg).equals(a)).toBe(true);
    const p = await renderPdf(svg);
    expect(p.subarray(0, 5).toString()).toBe("%PDF-");
    expect(p.includes("/FontFile2")).toBe(true); // an embedded TrueType font program
    expect(p.includes("DejaVuSans")).toBe(true);
    expect((await renderPdf(svg)).equals(p)).toBe(true);
  });
});

describe("sounding figure", () => {
  it("writes SVG (equal to the library's render), PNG and PDF; bad presets and extensions exit 2", async () => {
    const { cli, tmpDir } = await import("../helpers.js");
    const dir = tmpDir("fig-");
    for (const ext of ["svg", "png", "pdf"]) {
      const r = cli(["figure", "fig6", "traces/generated", "--out", join(dir, `f.${ext}`)]);
      expect([ext, r.code]).toEqual([ext, 0]);
    }
    expect(readFileSync(join(dir, "f.svg"), "utf8")).toBe(readFileSync(join(GOLDEN, "fig6-label-drift.svg"), "utf8"));
    expect(readFileSync(join(dir, "f.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(join(dir, "f.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
    expect(cli(["figure", "labels", "traces/generated/verl", "--out", join(dir, "l.svg")]).code).toBe(0);
    expect(readFileSync(join(dir, "l.svg"), "utf8")).toBe(readFileSync(join(GOLDEN, "label-composition.svg"), "utf8"));
    expect(cli(["figure", "ecdf", "traces/generated", "--out", join(dir, "e.png")]).code).toBe(0);
    expect(cli(["figure", "fig9", "traces", "--out", join(dir, "x.svg")]).code).toBe(2);
    // the reward presets: the same sweep grid / group as the golden files
    expect(
      cli([
        "figure",
        "landscape",
        "traces/generated/verl",
        "--grid",
        "c1=0.1,0.2,0.3,0.4",
        "--grid",
        "c2=0.1,0.2,0.3,0.4",
        "--out",
        join(dir, "land.svg"),
      ]).code,
    ).toBe(0);
    expect(readFileSync(join(dir, "land.svg"), "utf8")).toBe(
      readFileSync(join(GOLDEN, "reward-landscape.svg"), "utf8"),
    );
    const firstGroup = figures.find((f) => f.name === "grpo-group")!.provenance.filters!.group as string;
    expect(
      cli(["figure", "group", "traces/generated/verl", "--group", firstGroup, "--out", join(dir, "group.svg")]).code,
    ).toBe(0);
    expect(readFileSync(join(dir, "group.svg"), "utf8")).toBe(readFileSync(join(GOLDEN, "grpo-group.svg"), "utf8"));
    // default group: one with both correct and incorrect rollouts
    expect(cli(["figure", "group", "traces/generated/verl", "--out", join(dir, "g2.svg")]).code).toBe(0);
    expect(readFileSync(join(dir, "g2.svg"), "utf8")).toMatch(/#\d ✓/);
    expect(readFileSync(join(dir, "g2.svg"), "utf8")).toMatch(/#\d ✗/);
    expect(
      cli(["figure", "landscape", "traces/generated/verl", "--grid", "c1=0,1", "--out", join(dir, "x.svg")]).stderr,
    ).toMatch(/exactly two --grid knobs/);
    expect(
      cli([
        "figure",
        "landscape",
        "traces/generated/verl",
        "--grid",
        "c1=0,1",
        "--grid",
        "c2=0,1",
        "--measure",
        "nope",
        "--out",
        join(dir, "x.svg"),
      ]).stderr,
    ).toMatch(/--measure must be one of/);
    const noGroup = cli(["figure", "group", "traces/generated/fathom-eval.jsonl", "--out", join(dir, "x.svg")]);
    expect([noGroup.code, noGroup.stderr]).toEqual([2, expect.stringMatching(/no GRPO group ids/)]);
    expect(
      cli(["figure", "group", "traces/generated/verl", "--group", "nope", "--out", join(dir, "x.svg")]).stderr,
    ).toMatch(/group "nope" not found/);
    expect(cli(["figure", "fig6", "traces", "--out", join(dir, "x.gif")]).stderr).toMatch(
      /--out FILE\.svg, FILE\.png or FILE\.pdf/,
    );
  });
});
