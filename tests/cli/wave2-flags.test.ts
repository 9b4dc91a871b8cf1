/**
 * The CLI flags for what the library gained in wave 2: figure --width / --font-size / --run-by,
 * --verdict-threshold (every loading command), convert --jobs, export verl's labeller and judge
 * flags, and inspect's unparsed search results.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tmpDir, tmpFile } from "../helpers.js";

let fathom: string;
let verlDir: string;

beforeAll(() => {
  const g = tmpDir();
  expect(cli(["generate", "--out", g, "--seed", "7", "--prompts", "6", "--name", "eval"]).code).toBe(0);
  fathom = join(g, "eval.jsonl");
  verlDir = tmpDir();
  const v = cli(["generate", "--out", verlDir, "--format", "verl", "--seed", "8", "--steps", "2", "--prompts", "2"]);
  expect(v.code).toBe(0);
}, 60_000);

/** The width attribute and every font size of an SVG, in points. */
function svgSize(svg: string): { width: number; fonts: number[] } {
  const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
  const fonts = [...svg.matchAll(/font-size[=:]\s*"?([\d.]+)/g)].map((m) => Number(m[1]));
  return { width, fonts };
}

/** The runs a figure's provenance metadata lists. */
function runsOf(svg: string): string[] {
  const meta = /<metadata id="sounding-provenance">([^<]*)<\/metadata>/.exec(svg)?.[1] ?? "";
  const text = meta
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
  const j = JSON.parse(text) as { filters?: { runs?: string[] } };
  return j.filters?.runs ?? [];
}

describe("figure --width, --font-size", () => {
  it("at --width column every preset is 3.3 in wide and no text is under 6 pt", () => {
    for (const [preset, path] of [
      ["fig1", fathom],
      ["fig4", fathom],
      ["fig6", verlDir],
      ["fig7", verlDir],
    ] as const) {
      const out = join(tmpDir(), `${preset}.svg`);
      const r = cli(["figure", preset, path, "--out", out, "--width", "column"]);
      expect([preset, r.code, r.stderr]).toEqual([preset, 0, ""]);
      const { width, fonts } = svgSize(readFileSync(out, "utf8"));
      expect([preset, width]).toEqual([preset, 237.6]);
      expect(fonts.length).toBeGreaterThan(0);
      expect([preset, Math.min(...fonts) >= 6]).toEqual([preset, true]);
    }
  });

  it("--width takes lengths, --font-size sets the base size; bad values are one line (exit 2)", () => {
    const a = join(tmpDir(), "a.svg");
    expect(cli(["figure", "fig4", fathom, "--out", a, "--width", "8.5cm", "--font-size", "10"]).code).toBe(0);
    const s = svgSize(readFileSync(a, "utf8"));
    expect(s.width).toBeCloseTo((8.5 / 2.54) * 72, 1);
    expect(Math.max(...s.fonts)).toBeGreaterThanOrEqual(10);
    for (const [args, msg] of [
      [["--width", "2furlongs"], 'figure: --width invalid width "2furlongs": use column, page, or a length such as'],
      [["--width", "0.5in"], 'figure: --width invalid width "0.5in": at least 1in (72pt) is needed'],
      [["--font-size", "4"], "figure: --font-size "],
      [["--run-by", "colour"], 'figure: --run-by must be one of spec, dir, file, model, got "colour"'],
    ] as const) {
      const r = cli(["figure", "fig6", verlDir, "--out", join(tmpDir(), "x.svg"), ...args]);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr.startsWith(`sounding: ${msg}`)).toBe(true);
    }
  });
});

describe("figure --run-by", () => {
  it("fig6 / fig7 tell runs apart by file, dir or model; default dir without a reward spec", () => {
    const draw = (preset: string, ...extra: string[]) => {
      const out = join(tmpDir(), "f.svg");
      const r = cli(["figure", preset, verlDir, "--out", out, ...extra]);
      expect(r.code).toBe(0);
      return runsOf(readFileSync(out, "utf8"));
    };
    const files = readdirSync(verlDir).filter((f) => /^\d+\.jsonl$/.test(f));
    expect(draw("fig7", "--run-by", "file")).toEqual(files);
    expect(draw("fig6", "--run-by", "file")).toEqual(files);
    // by default one directory is one run, drawn unnamed: the same figure the library draws
    expect(draw("fig6")).toEqual([""]);
    expect(draw("fig7", "--run-by", "dir")).toEqual([verlDir]);
    const r = cli(["figure", "fig4", fathom, "--out", join(tmpDir(), "x.svg"), "--run-by", "file"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sounding: figure: --run-by applies to fig6 and fig7, not fig4\n");
  });

  it("by default the reward-spec hash the dumps carry (extra.reward_spec) names the run", () => {
    const d = tmpDir();
    for (const f of readdirSync(verlDir).filter((x) => /^\d+\.jsonl$/.test(x))) {
      const rows = readFileSync(join(verlDir, f), "utf8").trimEnd().split("\n");
      const tagged = rows.map((l, i) =>
        JSON.stringify({ ...JSON.parse(l), reward_spec: i % 2 ? "sha256:bbbb" : "sha256:aaaa" }),
      );
      writeFileSync(join(d, f), tagged.join("\n") + "\n");
    }
    const out = join(tmpDir(), "f.svg");
    const r = cli(["figure", "fig6", d, "--out", out]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(runsOf(readFileSync(out, "utf8")).sort()).toEqual(["sha256:aaaa", "sha256:bbbb"]);
  });
});

describe("loading and conversion flags", () => {
  const rows = [
    { question: "q1", output: "<search> a </search><information>x</information><answer> b </answer>", score: 0.5 },
    {
      question: "q2",
      output: "<search> c </search><information>Doc 1(Title: A) t</information><answer> d </answer>",
      score: 1,
    },
  ];

  it("--verdict-threshold X: numeric scores at or above X are correct (inspect, metrics)", () => {
    const f = tmpFile("scored.jsonl", rows.map((r) => JSON.stringify(r)).join("\n"));
    const v = (args: string[]) => JSON.parse(cli(["inspect", "--json", ...args, f]).stdout).files[0].verdicts;
    expect(v([])).toEqual({ correct: 1, incorrect: 1, unknown: 0 });
    expect(v(["--verdict-threshold", "0.5"])).toEqual({ correct: 2, incorrect: 0, unknown: 0 });
    const m = JSON.parse(cli(["metrics", "--json", "--by", "model", "--verdict-threshold", "0.5", f]).stdout);
    expect(m[0].accuracy).toBe(1);
    const bad = cli(["reward", "--verdict-threshold", "high", f]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('sounding: reward: --verdict-threshold expects a number, got "high"\n');
  });

  it("inspect shows unparsed search results per file and in --json", () => {
    const f = tmpFile("scored.jsonl", rows.map((r) => JSON.stringify(r)).join("\n"));
    const t = cli(["inspect", f]);
    expect(t.stdout).toContain("  search results unparsed: 1 of 2 search calls\n");
    expect(JSON.parse(cli(["inspect", "--json", f]).stdout).files[0].unparsedSearch).toBe(1);
    const clean = cli(["inspect", fathom]);
    expect(clean.stdout).not.toContain("search results unparsed");
  });

  it("convert --jobs N writes the same corpus as one job; a bad N is one line", () => {
    const one = join(tmpDir(), "c");
    const two = join(tmpDir(), "c");
    expect(cli(["convert", fathom, "--out", one, "--json"]).code).toBe(0);
    const r = cli(["convert", fathom, "--out", two, "--jobs", "2", "--json"]);
    expect(r.code).toBe(0);
    const parts = (d: string) =>
      readdirSync(d, { recursive: true, encoding: "utf8" })
        .filter((p) => p.endsWith(".parquet"))
        .sort();
    expect(parts(two)).toEqual(parts(one));
    for (const p of parts(one)) expect(readFileSync(join(two, p)).equals(readFileSync(join(one, p)))).toBe(true);
    const bad = cli(["convert", fathom, "--out", two, "--jobs", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sounding: convert: --jobs .*got 0\n$/);
  });
});

describe("export verl flags", () => {
  it("--labeller llm with judge settings and --gold-column reach the spec; --labeller-options is validated", () => {
    const dir = tmpDir();
    const roles = tmpFile("roles.json", JSON.stringify({ web_lookup: "search" }));
    const r = cli([
      "export",
      "verl",
      "--out",
      dir,
      "--labeller",
      "llm",
      "--judge-concurrency",
      "3",
      "--judge-chunk-size",
      "5",
      "--judge-key-env",
      "MY_JUDGE_KEY",
      "--judge-cache",
      "judge-cache",
      "--gold-column",
      "gold",
      "--tool-roles",
      roles,
    ]);
    expect([r.code, r.stderr]).toEqual([
      0,
      "sounding: no --config given: exporting the paper's default reward settings\n",
    ]);
    expect(r.stdout).toContain("(labeller llm)");
    const spec = readFileSync(join(dir, "reward_spec.json"), "utf8");
    for (const s of ['"llm"', "MY_JUDGE_KEY", '"gold"', "web_lookup", "judge-cache"])
      expect([s, spec.includes(s)]).toEqual([s, true]);
    expect(spec).toMatch(/"concurrency": 3/);
    expect(spec).toMatch(/"chunkSize": 5/);
    const heur = tmpDir();
    const opts = tmpFile("lab.json", JSON.stringify({ verifyBudget: 2 }));
    expect(cli(["export", "verl", "--out", heur, "--labeller-options", opts]).code).toBe(0);
    expect(readFileSync(join(heur, "reward_spec.json"), "utf8")).toMatch(/"verifyBudget": 2/);
    const badOpts = tmpFile("lab2.json", JSON.stringify({ verifyBudget: "two" }));
    for (const [args, msg] of [
      [["--labeller-options", badOpts], /^sounding: --labeller-options .*lab2\.json.*verifyBudget/],
      [
        ["--judge-concurrency", "2"],
        /^sounding: export verl: --judge-\* options configure the LLM judge; add --labeller llm\n$/,
      ],
      [["--labeller", "gpt"], /^sounding: export: --labeller must be heuristic or llm, got "gpt"\n$/],
    ] as const) {
      const b = cli(["export", "verl", "--out", tmpDir(), "--config", tmpFile("c.json", "{}"), ...args]);
      expect([args, b.code]).toEqual([args, 2]);
      expect(b.stderr).toMatch(msg);
    }
  });
});
