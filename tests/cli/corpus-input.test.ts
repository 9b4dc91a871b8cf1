/**
 * Every command on a corpus directory prints what it prints on the trace files the corpus came
 * from, byte for byte (stdout and stderr): the bundled traces converted with the deterministic
 * labeller, then `reward`, `inspect`, `sweep` and every `figure` preset run on both. The one
 * documented difference: fig1 and fig7 count response tokens, which a corpus does not store, and
 * say so. Uses the built CLI (dist/).
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
    const r = cli(["convert", TRACES, "--out", dir, "--label", "heuristic"]);
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
  }, 120_000);

  it("every figure preset but fig1 / fig7 draws the same SVG", () => {
    for (const [preset, extra] of [
      ["fig4", []],
      ["fig6", []],
      ["labels", []],
      ["ecdf", []],
      ["group", []],
      ["landscape", ["--grid", "c1=0.1,0.2,0.3", "--grid", "c2=0.1,0.2"]],
    ] as const) {
      const a = join(base, `${preset}-files.svg`);
      const b = join(base, `${preset}-corpus.svg`);
      const ra = cli(["figure", preset, TRACES, ...extra, "--out", a]);
      const rb = cli(["figure", preset, dir, ...extra, "--out", b]);
      expect([preset, ra.code, rb.code, rb.stderr]).toEqual([preset, 0, 0, ra.stderr]);
      expect([preset, readFileSync(b, "utf8") === readFileSync(a, "utf8")]).toEqual([preset, true]);
    }
    for (const preset of ["fig1", "fig7"]) {
      const r = cli(["figure", preset, dir, "--out", join(base, `${preset}.svg`)]);
      expect([preset, r.code, r.stderr]).toEqual([preset, 2, expect.stringMatching(/response tokens.*trace files/)]);
    }
  }, 240_000);

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
