/**
 * Every command on a corpus directory prints what it prints on the trace files the corpus came
 * from, byte for byte (stdout and stderr): the bundled traces converted with the deterministic
 * labeller and their response tokens (--tokens), then `reward`, `inspect`, `sweep`, `pressure`,
 * `contrast` and every `figure` preset run on both. A corpus converted without --tokens (or by a
 * sounding before the column existed) says, in one line, how to add them. Uses the built CLI (dist/).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadRollouts, type InputFlags } from "../../lib/cli/load-options.js";
import { cli, ROOT, tmpDir } from "../helpers.js";

const TRACES = join(ROOT, "traces");

describe("the CLI on a corpus prints what it prints on its trace files", () => {
  let base: string;
  let dir: string;
  beforeAll(() => {
    base = tmpDir("corpus-input-");
    dir = join(base, "corpus");
    const r = cli(["convert", TRACES, "--out", dir, "--label", "heuristic", "--tokens"]);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  const same = (args: string[]) => {
    const files = cli([...args, TRACES]);
    const corpus = cli([...args, dir]);
    expect(files.code, files.stderr).toBe(0);
    expect([args.join(" "), corpus.code, corpus.stdout, corpus.stderr]).toEqual([
      args.join(" "),
      files.code,
      files.stdout,
      files.stderr,
    ]);
    return files;
  };

  it("reward, inspect and sweep (table and JSON)", () => {
    expect(same(["reward"]).stdout.split("\n").length).toBeGreaterThan(100);
    same(["reward", "--json"]);
    const inspect = same(["inspect"]);
    expect(inspect.stdout).toMatch(/warnings \(file:line: reason\)|bad records/); // issues are listed, with lines
    same(["inspect", "--json"]);
    same(["sweep", "--grid", "c1=0.1,0.3", "--grid", "Bv=0,2", "--json"]);
    same(["sweep", "--grid", "c2=0,0.2", "--grid", "floor=0.1,0.5"]);
  }, 300_000);

  it("pressure and contrast, response tokens included", () => {
    const p = same(["pressure", "--json", "--grid", "c1=0.3"]);
    expect(Object.keys(JSON.parse(p.stdout).settings[0].pressure)).toEqual(
      expect.arrayContaining(["REDUNDANTSEARCH", "responseTokens"]),
    );
    same(["pressure"]);
    same(["pressure", "--no-tokens"]);
    expect(JSON.parse(same(["contrast", "--json"]).stdout).contrast.responseTokens).toBeDefined();
  }, 240_000);

  it("every figure preset draws the same SVG", () => {
    for (const [preset, extra] of [
      ["fig1", []],
      ["fig4", []],
      ["fig6", []],
      ["fig7", []],
      ["fig7", ["--run-by", "file"]],
      ["labels", []],
      ["ecdf", []],
      ["group", []],
      ["pressure", ["--grid", "c1=0.3"]],
      ["contrast", []],
      ["landscape", ["--grid", "c1=0.1,0.2,0.3", "--grid", "c2=0.1,0.2"]],
    ] as const) {
      const name = [preset, ...extra].join("-").replace(/[^a-z0-9.=,-]/gi, "");
      const a = join(base, `${name}-files.svg`);
      const b = join(base, `${name}-corpus.svg`);
      const ra = cli(["figure", preset, TRACES, ...extra, "--out", a]);
      const rb = cli(["figure", preset, dir, ...extra, "--out", b]);
      expect([name, ra.code, rb.code, rb.stderr]).toEqual([name, 0, 0, ra.stderr]);
      expect([name, readFileSync(b, "utf8") === readFileSync(a, "utf8")]).toEqual([name, true]);
    }
    const r = cli(["figure", "fig7", dir, "--run-by", "spec", "--out", join(base, "spec.svg")]);
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringMatching(/^sounding: figure fig7: --run-by spec .* a corpus does not store/),
    ]);
  }, 600_000);

  it("a corpus without response tokens says how to add them; converting again with --tokens adds them", () => {
    const old = join(base, "old");
    expect(cli(["convert", TRACES, "--out", old, "--label", "heuristic"]).code).toBe(0);
    for (const preset of ["fig1", "fig7"]) {
      const r = cli(["figure", preset, old, "--out", join(base, `old-${preset}.svg`)]);
      expect([preset, r.code, r.stderr.trim().split("\n").length]).toEqual([preset, 2, 1]);
      expect(r.stderr).toContain(
        `figure ${preset} counts response tokens, which ${old} does not store for any of its source files (converted without --tokens): add them with \`sounding convert <its`,
      );
      expect(r.stderr).toContain(`--out ${old} --tokens --label heuristic\``);
    }
    const p = cli(["pressure", "--json", old]);
    expect([p.code, p.stderr]).toEqual([
      0,
      expect.stringMatching(/^pressure and contrast counts response tokens, .*; response tokens left out\n$/),
    ]);
    expect(JSON.parse(p.stdout).pressure.responseTokens).toBeUndefined();
    const again = cli(["convert", TRACES, "--out", old, "--label", "heuristic", "--tokens", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const res = JSON.parse(again.stdout);
    const sources = JSON.parse(readFileSync(join(old, "sounding-corpus.json"), "utf8")).sources.length;
    expect([res.skipped, res.replaced.length]).toEqual([[], sources]);
    const a = join(base, "again-fig7.svg");
    expect(cli(["figure", "fig7", old, "--out", a]).code).toBe(0);
    expect(readFileSync(a, "utf8")).toBe(readFileSync(join(base, "fig7-files.svg"), "utf8"));
    // and a third convert with --tokens skips them all: they have their tokens
    expect(
      JSON.parse(cli(["convert", TRACES, "--out", old, "--tokens", "--label", "heuristic", "--json"]).stdout).replaced,
    ).toEqual([]);
  }, 360_000);

  it("loadRollouts gives the sweep and pressure kernels the same arrays from the traces and from the corpus", async () => {
    const flags: InputFlags = {
      format: undefined,
      "tool-roles": undefined,
      strict: false,
      "max-record-mb": undefined,
      "verdict-threshold": undefined,
    };
    const files = await loadRollouts([TRACES], flags);
    const { order, ...fromCorpus } = (await loadRollouts([dir], flags)) as Awaited<ReturnType<typeof loadRollouts>> & {
      order: Int32Array;
    };
    expect(order.length).toBe(files.n);
    expect(fromCorpus).toEqual(files);
    expect(Array.from(files.verdict, (v, i) => (v === 1) === (files.correct[i] === 1)).every(Boolean)).toBe(true);
    const noKeys = await loadRollouts([dir], flags, { keys: false });
    expect([noKeys.keys, noKeys.n]).toEqual([[], files.n]);
  }, 120_000);

  it("a corpus with --labels, or beside trace files, is a usage error in one line", () => {
    const r = cli(["reward", dir, "--labels", join(TRACES, "generated")]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/is a corpus: its label sets/)]);
    const m = cli(["reward", dir, join(TRACES, "generated", "verl")]);
    expect([m.code, m.stderr]).toEqual([2, expect.stringMatching(/corpus directory: give it alone/)]);
    const s = cli(["sweep", dir, "--label-set", "nope"]);
    expect([s.code, s.stderr]).toEqual([2, expect.stringMatching(/no label set "nope"/)]);
  });

  it("a sweep beyond --memory-mb runs in SQL and gives the same rows to 1e-9", () => {
    const grid = ["--grid", "c1=0.1,0.3", "--grid", "Bv=0,2", "--json"];
    const typed = JSON.parse(cli(["sweep", dir, ...grid]).stdout).settings;
    const r = cli(["sweep", dir, ...grid, "--memory-mb", "0.01"]);
    expect(r.code, r.stderr).toBe(0);
    const sql = JSON.parse(r.stdout).settings;
    expect(sql.length).toBe(typed.length);
    sql.forEach((s: Record<string, number>, i: number) => {
      for (const k of ["meanCorrect", "meanIncorrect", "separation"])
        expect([i, k, Math.abs(s[k]! - typed[i][k]) < 1e-9]).toEqual([i, k, true]);
      expect([i, s.rankChanges]).toEqual([i, typed[i].rankChanges]);
    });
  });
});
