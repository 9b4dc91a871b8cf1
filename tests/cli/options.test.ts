/** The typed option layer: flags split and decoded, unknown flags answered, help generated from the table. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { COMMANDS, mainHelp } from "../../lib/cli/commands.js";
import {
  decodeArgs,
  flag,
  num,
  numberFrom,
  rangeFrom,
  repeated,
  splitArgs,
  text,
  wrap,
} from "../../lib/cli/options.js";
import { UsageError } from "../../lib/cli/usage-error.js";
import { cli, ROOT, tmpDir } from "../helpers.js";

const VERL = "traces/generated/verl";
const TRACE = join(ROOT, "traces", "generated", "fathom-eval.jsonl");

const demo = z.object({
  json: flag("print JSON"),
  out: text("DIR", "where"),
  jobs: num("N", "threads", { int: true, min: 1, max: 8 }),
  labels: repeated("PATH", "label sets"),
});

function parse(argv: string[]) {
  const s = splitArgs("demo", demo, argv);
  return { ...s, values: decodeArgs("demo", demo, s.raw) };
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error("expected a UsageError");
}

describe("the option parser", () => {
  it("decodes flags, values, --name=value, repeatable options and positionals, in order", () => {
    const r = parse([
      "a.jsonl",
      "--json",
      "--out=o",
      "--labels",
      "x",
      "b.jsonl",
      "--labels",
      "y",
      "--jobs",
      "3",
      "--",
      "--c",
    ]);
    expect(r.positionals).toEqual(["a.jsonl", "b.jsonl", "--c"]);
    expect(r.values).toEqual({ json: true, out: "o", jobs: 3, labels: ["x", "y"] });
    expect(parse([]).values).toEqual({ json: false, labels: [] });
    expect(parse(["-h"]).help).toBe(true);
  });

  it("answers an unknown flag in one line naming the closest valid one", () => {
    expect(usageMessage(() => parse(["--jsn"]))).toBe("demo: Unknown option '--jsn' (did you mean --json?)");
    expect(usageMessage(() => parse(["--label", "x"]))).toBe("demo: Unknown option '--label' (did you mean --labels?)");
    expect(usageMessage(() => parse(["--frobnicate"]))).toBe(
      `demo: Unknown option '--frobnicate' ("sounding demo --help" lists the options)`,
    );
    expect(usageMessage(() => parse(["--out"]))).toBe("demo: --out needs a value (--out DIR)");
    expect(usageMessage(() => parse(["--json=yes"]))).toBe('demo: --json takes no value, got "--json=yes"');
  });

  it("rejects bad numbers naming the flag", () => {
    expect(usageMessage(() => parse(["--jobs", "lots"]))).toBe('demo: --jobs expects an integer, got "lots"');
    expect(usageMessage(() => parse(["--jobs", "1.5"]))).toBe('demo: --jobs expects an integer, got "1.5"');
    expect(usageMessage(() => parse(["--jobs", "9"]))).toBe("demo: --jobs must be ≤ 8, got 9");
    expect(usageMessage(() => parse(["--jobs", ""]))).toBe('demo: --jobs expects an integer, got ""');
  });

  it("reads every finite number back exactly, and nothing that is not one", () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => numberFrom(String(x)) === x));
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = numberFrom(s);
        return typeof r === "string" ? !Number.isFinite(Number(s)) || s.trim() === "" : r === Number(s);
      }),
    );
    fc.assert(
      fc.property(
        fc.integer(),
        (n) => numberFrom(String(n), { int: true }) === n && typeof numberFrom(`${n}.5`, { int: true }) === "string",
      ),
    );
  });

  it("reads ranges lo:hi with lo ≤ hi; lo > hi is an error", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (a, b) => {
          const r = rangeFrom(`${a}:${b}`);
          return a <= b
            ? Array.isArray(r) && r[0] === Number(String(a)) && r[1] === Number(String(b))
            : typeof r === "string";
        },
      ),
    );
    expect(rangeFrom("0.5:0.1")).toBe("lo must not exceed hi, got 0.5:0.1");
    expect(rangeFrom("0.5")).toBe('expects lo:hi, got "0.5"');
    expect(rangeFrom("a:1")).toBe('lo expects a number, got "a"');
  });

  it("wraps help at word boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 40 }),
        fc.integer({ min: 12, max: 80 }),
        (words, w) => {
          const lines = wrap(words.join(" "), w);
          return (
            lines.join(" ").split(" ").filter(Boolean).join(" ") === words.join(" ") &&
            lines.every((l) => l.length <= w)
          );
        },
      ),
    );
  });
});

describe("the command table", () => {
  it("generates every command's --help from its declaration, and the main help from the table", async () => {
    const main = mainHelp();
    for (const c of COMMANDS) {
      expect(main).toContain(`  ${c.name}`);
      expect(main).toContain(c.summary);
      const lines: string[] = [];
      expect(await c.main(["--help"], (s) => lines.push(s))).toBe(0);
      const help = lines.join("\n");
      expect(help).toBe(c.help());
      expect(help.startsWith(`usage: sounding ${c.name} `)).toBe(true);
      for (const f of c.flags) expect([c.name, f, help.includes(`--${f}`)]).toEqual([c.name, f, true]);
      expect(Math.max(...help.split("\n").map((l) => l.length))).toBeLessThanOrEqual(120);
    }
  });

  it("every command answers an unknown flag with exit 2 and one line, no help dump", () => {
    const r = cli(["inspect", "--fromat", "fathom", TRACE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sounding: inspect: Unknown option '--fromat' (did you mean --format?)\n");
    const s = cli(["sweep", VERL, "--gird", "c1=0,0.1"]);
    expect([s.code, s.stderr]).toEqual([2, "sounding: sweep: Unknown option '--gird' (did you mean --grid?)\n"]);
    const u = cli(["sweeep"]);
    expect([u.code, u.stderr]).toEqual([
      2,
      'sounding: unknown command "sweeep" (did you mean sweep?; "sounding --help" lists them)\n',
    ]);
  });

  it("sweep: a range with lo > hi and a bad grid number are usage errors; repeated --grid knobs all count", () => {
    const lohi = cli(["sweep", VERL, "--random", "3", "--range", "c1=0.5:0.1"]);
    expect([lohi.code, lohi.stderr]).toEqual([2, "sounding: sweep: --range c1: lo must not exceed hi, got 0.5:0.1\n"]);
    const bad = cli(["sweep", VERL, "--grid", "c1=0,x"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'sounding: sweep: --grid c1: expects a number, got "x"\n']);
    const two = cli(["sweep", VERL, "--grid", "c1=0,0.1", "--grid", "c2=0,0.3", "--json"]);
    expect(two.code).toBe(0);
    const settings: Array<{ config: { c1: number; c2: number } }> = JSON.parse(two.stdout).settings;
    // the base, then the 2 × 2 grid
    expect(settings.map((s) => [s.config.c1, s.config.c2])).toEqual([
      [0.2, 0.2],
      [0, 0],
      [0, 0.3],
      [0.1, 0],
      [0.1, 0.3],
    ]);
  });

  it("figure --label-set is declared (it was documented but rejected as an unknown option) and picks a corpus label set", () => {
    const dir = join(tmpDir(), "corpus");
    expect(cli(["convert", TRACE, "--out", dir, "--label", "mine"]).code).toBe(0);
    const out = join(tmpDir(), "ecdf.svg");
    const r = cli(["figure", "ecdf", dir, "--label-set", "mine", "--out", out]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(readFileSync(out, "utf8")).toMatch(/^<svg/);
    const none = cli(["figure", "ecdf", dir, "--label-set", "nope", "--out", out]);
    expect([none.code, none.stderr.split("\n").length]).toEqual([2, 2]);
    expect(none.stderr).toMatch(/^sounding: .*nope/);
    // on trace files it has nothing to pick: said, not ignored
    const traces = cli(["figure", "ecdf", TRACE, "--label-set", "mine", "--out", out]);
    expect([traces.code, traces.stderr]).toEqual([
      2,
      "sounding: --label-set mine picks a label set of a corpus directory (sounding convert); for trace files give --labels DIR\n",
    ]);
  });
});
