import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tmpDir, tmpFile } from "../helpers.js";

const VERL = "traces/generated/verl";

describe("sounding reward / sweep / export verl", () => {
  it("reward prints one row per trajectory with the documented columns; --json carries the spec and guardrails", () => {
    const r = cli(["reward", VERL, "--labels", VERL]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    // the columns as `sounding reward --help` tells the user: "One row per trajectory: source, …, reward (Eq. 8 …"
    const help = cli(["reward", "--help"]).stdout.replace(/\s+/g, " ");
    const documented = /One row per trajectory: ([^(]+) \(/.exec(help)![1]!.split(", ");
    expect(documented).toHaveLength(13);
    expect(documented.slice(0, 3)).toEqual(["source", "trajectoryId", "correct"]);
    expect(documented.at(-1)).toBe("reward");
    expect(lines[0]!.split("\t")).toEqual(documented);
    expect(lines).toHaveLength(121);
    const j = JSON.parse(cli(["reward", VERL, "--labels", VERL, "--json"]).stdout);
    expect(j.spec).toMatch(/^sha256:/);
    expect(j.rows).toHaveLength(120);
    for (const row of j.rows) expect(row.correct ? row.reward >= 0.5 : row.reward <= 0.5 + 1e-12).toBe(true);
  });

  it("a config that lets incorrect beat correct is warned about", () => {
    const cfg = tmpFile("r.json", JSON.stringify({ c1: 0.4, c2: 0.4 }));
    const r = cli(["reward", VERL, "--labels", VERL, "--config", cfg]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: an incorrect rollout can reach 0\.9 while a correct one can get 0\.5/);
  });

  it("sweep lists settings with separation, ranks, Pareto marks and warnings; the base comes first", () => {
    const j = JSON.parse(
      cli([
        "sweep",
        VERL,
        "--labels",
        VERL,
        "--grid",
        "c1=0.1,0.6",
        "--random",
        "5",
        "--range",
        "Bv=0:3",
        "--seed",
        "2",
        "--json",
      ]).stdout,
    );
    expect(j.settings).toHaveLength(1 + 2 + 5);
    expect(j.settings[0].config.c1).toBe(0.2);
    expect(j.settings.some((s: { pareto: boolean }) => s.pareto)).toBe(true);
    const c06 = j.settings.find((s: { config: { c1: number } }) => s.config.c1 === 0.6);
    expect(c06.warnings.map((w: { code: string }) => w.code)).toContain("incorrect-can-beat-correct");
    const args = [
      "sweep",
      VERL,
      "--labels",
      VERL,
      "--random",
      "30",
      "--range",
      "c1=0:0.5",
      "--range",
      "Bv=0:3",
      "--json",
    ];
    expect(cli([...args, "--jobs", "2"]).stdout).toBe(cli(args).stdout);
    const text = cli(["sweep", VERL, "--labels", VERL, "--grid", "c1=0.1,0.6"]);
    expect(text.stdout).toMatch(/^3 setting\(s\) over 120 trajectories/);
  });

  it("export verl writes the three files and the Python runs", () => {
    const dir = tmpDir();
    const cfg = tmpFile("r.json", JSON.stringify({ c1: 0.25 }));
    const r = cli(["export", "verl", "--config", cfg, "--out", dir]);
    expect(r.code).toBe(0);
    const hash = /reward spec (sha256:[0-9a-f]{16})/.exec(r.stdout)![1];
    expect(JSON.parse(readFileSync(join(dir, "reward_spec.json"), "utf8")).hash).toBe(hash);
    writeFileSync(
      join(dir, "check.py"),
      "from sounding_reward import compute_score\nprint(compute_score('x', 'so \\\\boxed{Paris}', 'paris', {'labels': ['UNIQUESEARCH']})['reward_spec'])\n",
    );
    expect(execFileSync("python3", ["check.py"], { cwd: dir, encoding: "utf8" }).trim()).toBe(hash);
  });

  it("bad records are summed up on stderr; a load with nothing readable exits 1", () => {
    const good = readFileSync("traces/generated/fathom-eval.jsonl", "utf8").split("\n").slice(0, 3).join("\n");
    const mixed = tmpFile("mixed.jsonl", `${good}\n{"score": 0}\n<html>\n`);
    const r = cli(["reward", mixed]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1 + 3);
    expect(r.stderr).toMatch(/2 bad record\(s\) or unreadable file\(s\) skipped/);
    expect(r.stderr).toMatch(/mixed\.jsonl:4: harness placeholder/);
    const junk = tmpFile("junk.jsonl", "<html>\n<body>\n");
    const f = cli(["figure", "fig4", junk, "--out", join(tmpDir(), "f.svg")]);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/no trajectory could be read from .*junk\.jsonl/);
    expect(f.stderr).not.toMatch(/\n\s+at /);
  });

  it("usage errors exit 2", () => {
    const bad = tmpFile("bad.json", JSON.stringify({ c1: "high" }));
    for (const [args, msg] of [
      [["reward"], /needs at least one path/],
      [["reward", VERL, "--config", bad], /--config .*c1/],
      [["sweep", VERL, "--grid", "c9=1"], /unknown knob "c9"/],
      [["sweep", VERL, "--random", "3"], /--random needs at least one --range/],
      [["export", "ppo", "--out", "x"], /two targets: verl, spark-job/],
      [["export", "verl"], /needs --out/],
    ] as const) {
      const r = cli([...args]);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(msg);
    }
  });
});
