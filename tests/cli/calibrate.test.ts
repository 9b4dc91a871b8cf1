/**
 * `sounding calibrate` → `sounding label --config` as users run them, and the κ intervals of
 * `sounding agree`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tmpDir } from "../helpers.js";

/** Generated traces and a reference label set from a labeller with other thresholds and choices. */
function setup(): { dir: string; traces: string; reference: string } {
  const dir = tmpDir("cli-calibrate-");
  const traces = join(dir, "traces");
  const g = cli([
    "generate",
    "--out",
    traces,
    "--prompts",
    "24",
    "--seed",
    "4",
    "--breadth",
    "3",
    "--redundancy",
    "0.4",
  ]);
  expect(g.code, g.stderr).toBe(0);
  const reference = join(dir, "reference");
  // under the 2.0.0 rules a new number or leading name decides a search first: the reference reads them as terms
  const other = join(dir, "other.json");
  writeFileSync(other, JSON.stringify({ newNumbers: "term", newNames: "term" }));
  const l = cli([
    "label",
    traces,
    "--out",
    reference,
    "--config",
    other,
    "--token-threshold",
    "0.35",
    "--char-threshold",
    "0.4",
    "--goal-threshold",
    "0.2",
  ]);
  expect(l.code, l.stderr).toBe(0);
  return { dir, traces, reference };
}

describe("sounding calibrate", () => {
  it("fits options that label --config reads (their hash in every row), reports κ before/after with intervals", () => {
    const { dir, traces, reference } = setup();
    const out = join(dir, "heuristic.json");
    const r = cli(["calibrate", "--reference", reference, traces, "--out", out, "--bootstrap", "200"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/κ on held-out folds, 95% bootstrap intervals over trajectories \(200 resamples\)/);
    expect(r.stdout).toMatch(/^ {2}search {2}\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] +\d\.\d{3} \[/m);
    const fitted = JSON.parse(readFileSync(out, "utf8"));
    expect(fitted.tokenThreshold).toBeLessThan(0.7);

    const j = JSON.parse(
      cli(["calibrate", "--reference", reference, traces, "--out", out, "--bootstrap", "200", "--json"]).stdout,
    );
    expect(j.after.search.kappa).toBeGreaterThanOrEqual(0.95);
    expect(j.after.search.kappa).toBeGreaterThan(j.before.search.kappa);
    expect(j.after.search.lo).toBeLessThanOrEqual(j.after.search.kappa);
    expect(j.options).toEqual(fitted);
    // byte-identical output for the same inputs
    const again = join(dir, "again.json");
    cli(["calibrate", "--reference", reference, traces, "--out", again, "--bootstrap", "200"]);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(out, "utf8"));

    const relabelled = join(dir, "relabelled");
    const l = cli(["label", traces, "--config", out, "--out", relabelled, "--json"]);
    expect(l.code, l.stderr).toBe(0);
    const summary = JSON.parse(l.stdout);
    expect(summary.configHash).toBe(j.configHash);
    const rows = readFileSync(join(relabelled, "labels.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((x) => JSON.parse(x));
    const defaults = readFileSync(join(reference, "..", "reference", "labels.jsonl"), "utf8");
    expect(new Set(rows.map((x) => x.configHash))).toEqual(new Set([j.configHash]));
    expect(defaults).not.toContain(j.configHash);
    const plain = JSON.parse(cli(["label", traces, "--out", join(dir, "plain"), "--json"]).stdout);
    expect(plain.configHash).not.toBe(j.configHash);
    // a flag overrides the file
    const over = JSON.parse(
      cli(["label", traces, "--config", out, "--goal-threshold", "0.9", "--out", join(dir, "o"), "--json"]).stdout,
    );
    expect(over.configHash).not.toBe(j.configHash);
    // agreement of the calibrated labels with the reference
    const a = JSON.parse(cli(["agree", "--json", "--bootstrap", "100", reference, relabelled]).stdout);
    expect(a.byRole.search.kappa).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  it("says what is wrong in one line, exit non-zero", () => {
    const { dir, traces, reference } = setup();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ tokenTreshold: 0.5 }));
    const cases: Array<[string[], number, RegExp]> = [
      [["calibrate", traces], 2, /calibrate needs --reference LABELS/],
      [["calibrate", "--reference", "/nope/x", traces], 2, /--reference \/nope\/x: no such file or directory/],
      [["calibrate", "--reference", reference, traces, "--tune", "speed"], 2, /--tune speed: not a tunable option/],
      [["calibrate", "--reference", reference, traces, "--folds", "1"], 2, /--folds/],
      [
        ["calibrate", "--reference", reference, traces, "--folds", "500"],
        1,
        /500 folds need at least 500 trajectories/,
      ],
      [["calibrate", "--reference", reference, traces, "--config", bad], 2, /tokenTreshold/],
      [["label", traces, "--config", bad], 2, /tokenTreshold/],
      [["label", traces, "--config", join(dir, "none.json")], 2, /--config .*none\.json: cannot read file/],
    ];
    for (const [args, code, msg] of cases) {
      const r = cli(args);
      expect(r.code, args.join(" ")).toBe(code);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
    // traces named by the reference rows (relative paths), from a directory where they are not
    const moved = join(dir, "moved.jsonl");
    const rows = readFileSync(join(reference, "labels.jsonl"), "utf8").trim().split("\n");
    writeFileSync(
      moved,
      rows
        .map((x) => JSON.stringify({ ...JSON.parse(x), source: { file: "elsewhere/eval.jsonl", line: 1 } }))
        .join("\n"),
    );
    const r = cli(["calibrate", "--reference", moved, "--out", join(dir, "x.json")], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /names trace file elsewhere\/eval\.jsonl, which is not here; give the trace files as arguments/,
    );
  }, 300_000);
});

describe("sounding agree: κ intervals", () => {
  it("prints a seeded bootstrap interval for every κ (text and --json), none with --bootstrap 0", () => {
    const a = "traces/generated";
    const dir = tmpDir("cli-agree-");
    const b = join(dir, "mine");
    expect(cli(["label", "traces/generated", "--out", b, "--token-threshold", "0.4"]).code).toBe(0);
    const text = cli(["agree", a, b]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^overall: κ \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\], agreement/m);
    expect(text.stdout).toMatch(/^search : κ \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/m);
    expect(text.stdout).toContain("(κ intervals: 95% bootstrap over trajectories, 1000 resamples, seed 1)");
    const j1 = JSON.parse(cli(["agree", "--json", a, b]).stdout);
    const j2 = JSON.parse(cli(["agree", "--json", a, b]).stdout);
    expect(j2).toEqual(j1);
    expect(j1.bootstrap).toEqual({ samples: 1000, seed: 1, level: 0.95, unit: "trajectory" });
    for (const k of [j1.overall, j1.byRole.search, j1.byRole.page]) {
      expect(k.lo).toBeLessThanOrEqual(k.kappa);
      expect(k.hi).toBeGreaterThanOrEqual(k.kappa);
    }
    const j3 = JSON.parse(cli(["agree", "--json", "--seed", "9", a, b]).stdout);
    expect(j3.overall.kappa).toBe(j1.overall.kappa);
    expect([j3.overall.lo, j3.overall.hi]).not.toEqual([j1.overall.lo, j1.overall.hi]);
    const none = JSON.parse(cli(["agree", "--json", "--bootstrap", "0", a, b]).stdout);
    expect(none.overall.lo).toBeUndefined();
    expect(cli(["agree", "--bootstrap", "0", a, b]).stdout).not.toContain("κ intervals");
  }, 300_000);
});
