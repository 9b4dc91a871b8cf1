/**
 * Issue 17 item 1, "nothing silent": a command that found no trace file, read no record or has
 * nothing to compute exits 1 with one line saying what it found and what to do; small output
 * promises (n/a accuracy, (none) keys, integer knobs, created folders, rounded JSON) hold.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tmpDir, tmpFile } from "../helpers.js";

const HINT = "give trace files (.jsonl, .json, .ndjson, optionally .gz; .eval, .traj) or a folder holding them";

/** R1-Searcher-style rows without a score or verdict: read fine, never judged. */
const unjudged = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      question: `q${i}`,
      output: `<search> topic ${i} </search><information>x</information><answer> a${i} </answer>`,
    }),
  ).join("\n");

/** Exactly one stderr line. */
const oneLine = (s: string) => {
  expect(s.endsWith("\n")).toBe(true);
  expect(s.trimEnd().split("\n")).toHaveLength(1);
  return s.trimEnd();
};

let fathom: { dir: string; file: string; labels: string };
let verl: { dir: string; labels: string };

beforeAll(() => {
  const g = tmpDir();
  const f = cli(["generate", "--out", g, "--seed", "3", "--prompts", "4", "--name", "eval"]);
  expect(f.code).toBe(0);
  fathom = { dir: g, file: join(g, "eval.jsonl"), labels: join(g, "eval.labels.jsonl") };
  const v = tmpDir();
  const r = cli(["generate", "--out", v, "--format", "verl", "--seed", "4", "--steps", "2", "--prompts", "2"]);
  expect(r.code).toBe(0);
  verl = { dir: v, labels: join(v, "1.labels.jsonl") };
}, 60_000);

describe("inspect with nothing to read", () => {
  it("an empty folder exits 1: no trace file, and what to give", () => {
    const d = tmpDir();
    const r = cli(["inspect", d]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`sounding: no trace file in ${d}: ${HINT}`);
  });

  it("a folder of no trace files (docs/) exits 1", () => {
    const r = cli(["inspect", "docs/"]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`sounding: no trace file in docs/: ${HINT}`);
  });

  it("README.md exits 1 saying it is a text file, not JSON", () => {
    const r = cli(["inspect", "README.md"]);
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line.startsWith("sounding: no trajectory read from README.md: not JSON: a text file")).toBe(true);
    expect(line.endsWith(`; ${HINT}`)).toBe(true);
  });

  it("a binary (an ELF executable such as /bin/ls) exits 1 saying it is a binary", () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 0)]);
    const f = tmpFile("ls", elf);
    const r = cli(["inspect", f]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `sounding: no trajectory read from ${f}: a binary file (ELF executable), not a trace; ${HINT}`,
    );
    // the table still lists the file as unreadable
    expect(r.stdout).toContain(`${f}  (unreadable)`);
  });

  it("an archive and a binary together: none of the files is trace data, the first reason given", () => {
    const zip = tmpFile("a.zip", Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0]));
    const elf = tmpFile("b.jsonl", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60, 0)]));
    const r = cli(["inspect", zip, elf]);
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toMatch(
      new RegExp(
        `^sounding: no trajectory read from .*a\\.zip, .*b\\.jsonl: none of 2 files is trace ` +
          `data \\(first: .*a\\.zip: a zip archive`,
      ),
    );
  });

  it("a .jsonl of bad records only exits 1 (and a file with one good record still exits 0)", () => {
    const bad = tmpFile("bad.jsonl", "{not json\n{oops\n");
    const r = cli(["inspect", bad]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^sounding: no trajectory read from .*bad\.jsonl: /);
    const ok = tmpFile("ok.jsonl", `${unjudged(1)}\n{not json\n`);
    expect(cli(["inspect", ok]).code).toBe(0);
  });
});

describe("agree with no shared calls", () => {
  it("exits 1 naming the join key and the first ids on each side", () => {
    const r = cli(["agree", fathom.labels, verl.labels]);
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toMatch(
      new RegExp(
        `^sounding: no call is labelled in both .*eval\\.labels\\.jsonl \\(\\d+ rows\\) and .*1\\.labels\\.jsonl ` +
          `\\(\\d+ rows\\): calls are joined on trajectoryId \\+ callIndex; A has "[^"]+", .* B has "[^"]+"`,
      ),
    );
    expect(r.stdout).toBe("");
  });

  it("the same ids in two differently named files: the file name is part of the key, and said so", () => {
    const other = tmpDir();
    expect(cli(["generate", "--out", other, "--seed", "3", "--prompts", "4", "--name", "other"]).code).toBe(0);
    const r = cli(["agree", fathom.labels, join(other, "other.labels.jsonl")]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /joined on file name \+ trajectoryId \+ callIndex \(ids such as "[^"]+" occur in (eval|other)\.jsonl and (eval|other)\.jsonl\)/,
    );
  });
});

describe("reward and sweep with labels that match no trajectory", () => {
  for (const cmd of ["reward", "sweep"]) {
    it(`${cmd} exits 1 with one line`, () => {
      const r = cli([cmd, fathom.file, "--labels", verl.labels]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(
        new RegExp(
          `^sounding: --labels .*1\\.labels\\.jsonl: its \\d+ row\\(s\\) label none of the 4 trajectories in ` +
            `.*eval\\.jsonl \\(labels are for "[^"]+".*; the traces have "[^"]+".*\\); label these traces with "sounding label"$`,
        ),
      );
      expect(r.stdout).toBe("");
    });
  }
});

describe("presets that need verdicts or training steps", () => {
  it("fig4 and fig1 on unjudged trajectories exit 1: none of the N has a verdict", () => {
    const f = tmpFile("unjudged.jsonl", unjudged(200));
    for (const preset of ["fig4", "fig1"]) {
      const out = join(tmpDir(), `${preset}.svg`);
      const r = cli(["figure", preset, f, "--out", out]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe(
        `sounding: ${preset} needs judged trajectories: none of the 200 in ${f} has a verdict ` +
          `(judge them, or give --verdict-threshold X for numeric scores)`,
      );
      expect(existsSync(out)).toBe(false);
    }
  });

  it("fig6 and fig7 on eval rows exit 1: training steps needed (not an internal error)", () => {
    for (const preset of ["fig6", "fig7"]) {
      const r = cli(["figure", preset, fathom.file, "--out", join(tmpDir(), "f.svg")]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe(
        `sounding: ${preset} needs training steps: none of the 4 trajectories in ${fathom.file} has one ` +
          `(verl rollout dumps carry the step; eval files do not)`,
      );
    }
  });
});

describe("small promises", () => {
  it("metrics: accuracy n/a (null in JSON) for a group without verdicts, an empty key (none)", () => {
    const f = tmpFile("unjudged.jsonl", unjudged(3));
    const t = cli(["metrics", f]);
    expect(t.code).toBe(0);
    const [head, row] = t.stdout.trimEnd().split("\n");
    const cols = head!.split("\t");
    const cells = row!.split("\t");
    expect(cells[cols.indexOf("dataset")]).toBe("(none)");
    expect(cells[cols.indexOf("accuracy")]).toBe("n/a");
    const j = cli(["metrics", "--json", f]);
    expect(JSON.parse(j.stdout)[0]).toMatchObject({ dataset: null, n: 3, accuracy: null });
    // judged groups keep their accuracy
    const judged = JSON.parse(cli(["metrics", "--json", fathom.file]).stdout) as Array<{ accuracy: unknown }>;
    expect(judged.every((r) => typeof r.accuracy === "number")).toBe(true);
  });

  it("metrics on a corpus: the same n/a accuracy for a group without verdicts", () => {
    const f = tmpFile("unjudged.jsonl", unjudged(3));
    const dir = join(tmpDir(), "corpus");
    expect(cli(["convert", f, "--out", dir, "--label", "h"]).code).toBe(0);
    const j = cli(["metrics", "--json", dir]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)[0]).toMatchObject({ dataset: null, n: 3, accuracy: null });
    const judged = join(tmpDir(), "judged");
    expect(cli(["convert", fathom.file, "--out", judged, "--label", "h"]).code).toBe(0);
    const rows = JSON.parse(cli(["metrics", "--json", judged]).stdout) as Array<{ accuracy: unknown }>;
    expect(rows.every((r) => typeof r.accuracy === "number")).toBe(true);
  });

  it("sweep --random draws CS, CQ and Bv as integers within their ranges", () => {
    const r = cli([
      "sweep",
      fathom.file,
      "--random",
      "12",
      "--seed",
      "5",
      "--json",
      "--range",
      "CS=2:9.5",
      "--range",
      "CQ=4:20",
      "--range",
      "Bv=0:3",
      "--range",
      "c1=0:0.5",
    ]);
    expect(r.code).toBe(0);
    const s = (JSON.parse(r.stdout) as { settings: Array<{ config: Record<string, number> }> }).settings.slice(1);
    expect(s).toHaveLength(12);
    for (const { config: c } of s) {
      expect([Number.isInteger(c.CS), Number.isInteger(c.CQ), Number.isInteger(c.Bv)]).toEqual([true, true, true]);
      expect(c.CS! >= 2 && c.CS! <= 9 && c.CQ! >= 4 && c.CQ! <= 20 && c.Bv! >= 0 && c.Bv! <= 3).toBe(true);
    }
    expect(new Set(s.map((x) => x.config.CS)).size).toBeGreaterThan(1);
    expect(s.some((x) => !Number.isInteger(x.config.c1))).toBe(true);
    const none = cli(["sweep", fathom.file, "--random", "2", "--range", "CS=2.2:2.8"]);
    expect(none.code).toBe(2);
    expect(oneLine(none.stderr)).toBe("sounding: sweep: --range CS=2.2:2.8 holds no integer (CS counts calls)");
  });

  it("--range lo > hi is a usage error", () => {
    const r = cli(["sweep", fathom.file, "--random", "2", "--range", "c1=0.5:0.1"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe("sounding: sweep: --range c1: lo must not exceed hi, got 0.5:0.1");
  });

  it("export verl without --config says on stderr it uses the paper's defaults; with one, it does not", () => {
    const r = cli(["export", "verl", "--out", tmpDir()]);
    expect(r.code).toBe(0);
    expect(oneLine(r.stderr)).toBe("sounding: no --config given: exporting the paper's default reward settings");
    const cfg = tmpFile("reward.json", JSON.stringify({ c1: 0.2 }));
    const c = cli(["export", "verl", "--config", cfg, "--out", tmpDir()]);
    expect(c.code).toBe(0);
    expect(c.stderr).not.toContain("default reward settings");
  });

  it("figure --out into a missing folder creates it", () => {
    const out = join(tmpDir(), "a", "b", "labels.svg");
    const r = cli(["figure", "labels", fathom.file, "--out", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^<svg|^<\?xml/);
  });

  it("tables are tab-separated when stdout is not a terminal", () => {
    const r = cli(["reward", fathom.file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "source\ttrajectoryId\tcorrect\tT\tnUniqS\tnRedS\tnExplore\tnVerify\tnRedQ\trho\tdeltaS\tdeltaQ\treward",
    );
    expect(lines.every((l) => l.split("\t").length === 13)).toBe(true);
  });

  it("JSON numbers have at most 12 significant digits (sweep, reward, metrics)", () => {
    const sig = (n: number) => n.toExponential().split("e")[0]!.replace(/[-.]/g, "").replace(/^0+/, "").length;
    const nums = (text: string) => [...text.matchAll(/-?\d+\.\d+(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));
    const outs = [
      cli(["sweep", fathom.file, "--json", "--grid", "c1=0.1,0.3,0.7", "--grid", "c2=0.1,0.2"]).stdout,
      cli(["reward", fathom.file, "--json"]).stdout,
      cli(["metrics", fathom.file, "--json", "--by", "model"]).stdout,
    ];
    const all = outs.flatMap(nums);
    expect(all.length).toBeGreaterThan(20);
    expect(Math.max(...all.map(sig))).toBeLessThanOrEqual(12);
  });
});
