/** `sounding pressure` and `sounding contrast` on the bundled generated verl dumps (grouped rollouts). */
import { describe, expect, it } from "vitest";
import {
  behaviourPressure,
  loadTrajectories,
  readLabelSet,
  responseTokens,
  rewardConfig,
  tallyArrays,
  trajectoryKey,
  withinGroupContrast,
} from "../../lib/index.js";
import { cli, tmpFile } from "../helpers.js";

const VERL = "traces/generated/verl";
const MEASURES = [
  "UNIQUESEARCH",
  "REDUNDANTSEARCH",
  "EXPLORATION",
  "VERIFICATION",
  "REDUNDANTQUERY",
  "breadth",
  "depth",
  "horizon",
  "responseTokens",
];

async function arrays(tokens = true) {
  const { trajectories } = await loadTrajectories([VERL]);
  const labels = (await readLabelSet(VERL)).rows;
  const a = tallyArrays(trajectories, labels);
  const byKey = new Map(trajectories.map((t) => [trajectoryKey(t), t]));
  return { a, tokens: tokens ? a.keys.map((k) => responseTokens(byKey.get(k)!)) : [] };
}

describe("sounding pressure", () => {
  it("prints the setting, the groups and every measure's value and interval, as the library computes them", async () => {
    const cfg = tmpFile("r.json", JSON.stringify({ c1: 0.35, CS: 4 }));
    const r = cli(["pressure", VERL, "--labels", VERL, "--config", cfg, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(["setting", "spec", "groups", "multiGroups", "pressure"]);
    expect(j.setting.c1).toBe(0.35);
    expect(Object.keys(j.pressure)).toEqual(MEASURES);
    const { a, tokens } = await arrays();
    const lib = behaviourPressure(a, rewardConfig({ c1: 0.35, CS: 4 }), { responseTokens: tokens });
    expect(j.groups).toBe(lib.groups);
    expect(j.groups).toBeGreaterThan(0);
    for (const m of MEASURES) {
      const want = lib.pressure[m as keyof typeof lib.pressure]!;
      for (const k of ["value", "lo", "hi"] as const) expect(Math.abs(j.pressure[m][k] - want[k])).toBeLessThan(1e-9);
    }
    // the same bytes twice (seeded bootstrap)
    expect(cli(["pressure", VERL, "--labels", VERL, "--config", cfg, "--json"]).stdout).toBe(r.stdout);
  });

  it("puts settings side by side with a sentence per behaviour, and the sweep's pressure columns agree", () => {
    const r = cli(["pressure", VERL, "--labels", VERL, "--grid", "c1=0.6", "--no-tokens", "--json"]);
    const j = JSON.parse(r.stdout);
    expect(j.settings).toHaveLength(2);
    expect(j.comparisons).toHaveLength(8);
    expect(j.comparisons.join("\n")).toMatch(/c1 = 0\.6/);
    const text = cli(["pressure", VERL, "--labels", VERL, "--grid", "c1=0.6", "--no-tokens"]).stdout;
    expect(text).toMatch(/training pushes it/);
    expect(text).toMatch(/the base setting \(sha256:[0-9a-f]{16}\)/);
    const sw = cli(["sweep", VERL, "--labels", VERL, "--grid", "c1=0.6", "--json"]);
    expect(JSON.parse(sw.stdout).settings[1].pressure.REDUNDANTSEARCH).toBeCloseTo(
      j.settings[1].pressure.REDUNDANTSEARCH.value,
      12,
    );
    expect(cli(["sweep", VERL, "--labels", VERL]).stdout.split("\n")[1]).toMatch(/pUS\tpRS\tpEX\tpVE\tpRQ/);
  });

  it("says so in one line and exits non-zero when the rollouts are not grouped", () => {
    const r = cli(["pressure", "traces/generated/fathom-eval.jsonl", "--labels", "traces/generated"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no group with ≥ 2 rollouts/);
  });
});

describe("sounding contrast", () => {
  it("prints each measure's mean within-group difference between correct and incorrect rollouts", async () => {
    const r = cli(["contrast", VERL, "--labels", VERL, "--json", "--no-tokens"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const { a } = await arrays(false);
    const lib = withinGroupContrast(a);
    expect(j.groups).toBe(lib.groups);
    expect(Object.keys(j.contrast)).toEqual(MEASURES.slice(0, -1));
    expect(Math.abs(j.contrast.breadth.value - lib.contrast.breadth!.value)).toBeLessThan(1e-9);
    const none = cli(["contrast", "traces/generated/fathom-eval.jsonl", "--labels", "traces/generated"]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/no group holds both correct and incorrect/);
  });
});
