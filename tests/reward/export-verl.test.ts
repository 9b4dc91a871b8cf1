/**
 * The exported Python reward agrees with the TypeScript one (python3 runs the generated file),
 * and a reward spec survives export → simulated verl dump → import with its hash.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  HeuristicLabeller,
  LABEL_LETTERS,
  dumpSpecs,
  emptyTallies,
  exportedPython,
  exportSpec,
  exportVerl,
  formatValid,
  generateTraces,
  HEURISTIC_VERSION,
  loadTrajectories,
  pythonPartsDir,
  rewardConfig,
  rolloutReward,
  systemPrompt,
  talliesOf,
  type LabelRow,
  type RewardConfig,
  type Tallies,
} from "../../lib/index.js";
import { SYSTEM_PROMPT_TEMPLATE } from "../../lib/labels/llm/prompt.js";
import { ROOT, tmpDir } from "../helpers.js";

const py = (dir: string, script: string, input: string): string =>
  execFileSync("python3", ["-c", script], { cwd: dir, input, encoding: "utf8", maxBuffer: 256 << 20 });

const RUNNER = `
import json, sys
sys.path.insert(0, ".")
from sounding_reward import compute_score
out = []
for line in sys.stdin:
    case = json.loads(line)
    r = compute_score(case.get("data_source", "x"), case.get("solution", ""), case.get("gt", ""), case.get("extra_info"), **case.get("kwargs", {}))
    out.append(r)
print(json.dumps(out))
`;

const snake = (t: Tallies) => ({
  T: t.T,
  labelled: t.labelled,
  n_uniq_s: t.nUniqS,
  n_red_s: t.nRedS,
  n_explore: t.nExplore,
  n_verify: t.nVerify,
  n_red_q: t.nRedQ,
  n_red_q_fixed: t.nRedQFixed,
  claim_checks: t.claimChecks,
});

describe("verl export", () => {
  it("writes the Python reward, the spec JSON and the Hydra overrides", async () => {
    const dir = tmpDir("verl-");
    const cfg = rewardConfig({ c1: 0.25, Bv: 2 });
    const e = await exportVerl(cfg, dir);
    const spec = JSON.parse(readFileSync(e.spec, "utf8"));
    expect(spec).toMatchObject({ hash: e.hash, config: { c1: 0.25, Bv: 2 } });
    const y = readFileSync(e.overrides, "utf8");
    expect(y).toContain(`path: ${e.python}`);
    expect(y).toContain("name: compute_score");
    expect(y).toContain("+custom_reward_function.reward_kwargs.c1=0.25");
    expect(readFileSync(e.python, "utf8")).toContain(`Reward spec ${e.hash}`);
  });

  it("ships the Python parts with the package and fills every placeholder of the exported module", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("lib/reward/python");
    expect(pythonPartsDir()).toBe(join(ROOT, "lib", "reward", "python"));
    const src = exportedPython(exportSpec(rewardConfig({})));
    expect(src.match(/__[A-Z_]+__/g)).toBeNull();
    expect(src).toContain(`HEURISTIC_VERSION = "${HEURISTIC_VERSION}"`);
    // the judge's prompt is the TypeScript one, embedded
    expect(src).toContain(JSON.stringify(JSON.stringify(SYSTEM_PROMPT_TEMPLATE)));
    expect(systemPrompt(2)).toBe(SYSTEM_PROMPT_TEMPLATE.replace("{{verifyBudget}}", "2"));
  });

  it("agrees with the TypeScript reward on 10,000 random tallies and configurations", async () => {
    const dir = tmpDir("verl-");
    const base = rewardConfig({});
    await exportVerl(base, dir);
    const arb = fc.record({
      t: fc.record({
        nUniqS: fc.nat(25),
        nRedS: fc.nat(25),
        nExplore: fc.nat(25),
        nRedQFixed: fc.nat(5),
        other: fc.nat(4),
        checks: fc.option(fc.array(fc.nat(4), { maxLength: 5 }), { nil: null }),
      }),
      cfg: fc.record({
        stage: fc.constantFrom("steerable", "vanilla"),
        formatWeight: fc.double({ min: 0, max: 0.5, noNaN: true }),
        correctWeight: fc.double({ min: 0, max: 1, noNaN: true }),
        floor: fc.double({ min: -0.5, max: 1, noNaN: true }),
        c1: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        c2: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        CS: fc.double({ min: 0.25, max: 40, noNaN: true }),
        CQ: fc.double({ min: 0.25, max: 40, noNaN: true }),
        Bv: fc.integer({ min: 0, max: 4 }),
        clipDelta: fc.boolean(),
        rhoWhenNoCalls: fc.double({ min: 0, max: 1, noNaN: true }),
        countT: fc.constantFrom("all", "labelled"),
      }),
      correct: fc.boolean(),
      fmt: fc.boolean(),
      labelsBv: fc.integer({ min: 0, max: 3 }),
    });
    const cases = fc.sample(arb, { numRuns: 10_000, seed: 20261121 });
    const ts: number[] = [];
    const lines: string[] = [];
    for (const c of cases) {
      const t: Tallies = {
        ...emptyTallies(),
        nUniqS: c.t.nUniqS,
        nRedS: c.t.nRedS,
        nExplore: c.t.nExplore,
        nRedQFixed: c.t.nRedQFixed,
        claimChecks: c.t.checks,
      };
      // labels consistent with the checks under the labels' own B_v
      const checks = c.t.checks ?? [];
      t.nVerify = checks.reduce((a, n) => a + Math.min(n, c.labelsBv), 0);
      t.nRedQ = t.nRedQFixed + checks.reduce((a, n) => a + Math.max(0, n - c.labelsBv), 0);
      t.labelled = t.nUniqS + t.nRedS + t.nExplore + t.nVerify + t.nRedQ;
      t.T = t.labelled + c.t.other;
      const cfg = rewardConfig(c.cfg as Partial<RewardConfig>);
      ts.push(rolloutReward(t, c.correct, c.fmt, cfg, c.labelsBv).reward);
      lines.push(
        JSON.stringify({
          extra_info: { tallies: snake(t), correct: c.correct, format_ok: c.fmt, labels_bv: c.labelsBv },
          kwargs: cfg,
        }),
      );
    }
    const out = JSON.parse(py(dir, RUNNER, lines.join("\n") + "\n")) as Array<{ score: number }>;
    expect(out).toHaveLength(10_000);
    let worst = 0;
    out.forEach((r, i) => (worst = Math.max(worst, Math.abs(r.score - ts[i]!))));
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it("reads labels, judges correctness and format from solution_str like the TypeScript side, and reports overrides in the spec", async () => {
    const dir = tmpDir("verl-");
    const cfg = rewardConfig({});
    const e = await exportVerl(cfg, dir);
    const gen = tmpDir("gen-");
    const files = await generateTraces(gen, { format: "verl", seed: 9, prompts: 6, steps: 1, truncationRate: 0.3 });
    const rows = readFileSync(files[0]!.path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const { trajectories } = await loadTrajectories([files[0]!.path]);
    const labels = readFileSync(files[0]!.labelsPath!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as LabelRow);
    const cases = rows.map((r, i) => {
      const mine = labels.filter((l) => l.source.line === i + 1).sort((a, b) => a.callIndex - b.callIndex);
      return {
        solution: r.output,
        gt: r.gts,
        extra_info: { labels: mine.map((l) => l.label) },
        kwargs: i % 2 ? { c1: 0.3 } : {},
      };
    });
    const out = JSON.parse(py(dir, RUNNER, cases.map((c) => JSON.stringify(c)).join("\n") + "\n")) as Array<
      Record<string, number | string>
    >;
    trajectories.forEach((t, i) => {
      const mine = labels.filter((l) => l.source.line === i + 1);
      const c = i % 2 ? rewardConfig({ c1: 0.3 }) : cfg;
      const want = rolloutReward(talliesOf(mine, t.calls.length), t.verdict === "correct", formatValid(t), c);
      expect([i, out[i]!.correct]).toEqual([i, t.verdict === "correct" ? 1 : 0]);
      expect(out[i]!.score as number).toBeCloseTo(want.reward, 12);
      expect(out[i]!.reward_spec).toBe(i % 2 ? `${e.hash}+c1=0.3` : e.hash);
    });
    expect(trajectories.some((t) => !formatValid(t))).toBe(true); // truncated rollouts exercise the format rule
  });

  it("reward_kwargs override labeller options too: the labeller column names the options by their TypeScript hash", async () => {
    const dir = tmpDir("verl-");
    const e = await exportVerl(rewardConfig({}), dir);
    const gen = tmpDir("gen-");
    const files = await generateTraces(gen, {
      format: "verl",
      seed: 2,
      prompts: 4,
      steps: 1,
      redundancy: 0.6,
      labels: false,
    });
    const rows = readFileSync(files[0]!.path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const kwargs = { tokenThreshold: 0.95, charThreshold: 0.95 };
    const out = JSON.parse(
      py(dir, RUNNER, rows.map((r) => JSON.stringify({ solution: r.output, gt: r.gts, kwargs })).join("\n") + "\n"),
    ) as Array<Record<string, unknown>>;
    const l = new HeuristicLabeller(kwargs);
    const { trajectories } = await loadTrajectories([files[0]!.path]);
    trajectories.forEach((t, i) => {
      expect(out[i]!.labeller).toBe(`heuristic@${HEURISTIC_VERSION}#${l.info.configHash}`);
      expect(out[i]!.reward_spec).toBe(`${e.hash}+charThreshold=0.95+tokenThreshold=0.95`);
      const want = l
        .label(t)
        .map((c) => (c.label === null ? "." : LABEL_LETTERS[c.label]))
        .join("");
      expect([i, out[i]!.labels]).toEqual([i, want]);
    });
  });

  it("a reward spec survives export → verl dump → import with its hash", async () => {
    const dir = tmpDir("verl-");
    const e = await exportVerl(rewardConfig({ c2: 0.15, CQ: 12 }), dir);
    const gen = tmpDir("gen-");
    const files = await generateTraces(gen, { format: "verl", seed: 3, prompts: 4, steps: 2, labels: false });
    // what verl does: call compute_score per row and write its extra keys as dump columns
    for (const f of files) {
      const rows = readFileSync(f.path, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const out = JSON.parse(
        py(dir, RUNNER, rows.map((r) => JSON.stringify({ solution: r.output, gt: r.gts })).join("\n") + "\n"),
      ) as Array<Record<string, unknown>>;
      writeFileSync(
        f.path,
        rows.map((r, i) => JSON.stringify({ ...r, score: out[i]!.score, ...out[i] })).join("\n") + "\n",
      );
    }
    const { trajectories } = await loadTrajectories(files.map((f) => f.path));
    expect(dumpSpecs(trajectories)).toEqual([
      { spec: e.hash, rows: trajectories.length, steps: [1, 2], labellers: [`heuristic@${HEURISTIC_VERSION}`] },
    ]);
    // the module labelled every call itself (issue 11): the labels column has one letter per call
    expect(
      trajectories.every(
        (t) =>
          t.extra.labeller === `heuristic@${HEURISTIC_VERSION}` && String(t.extra.labels).length === t.calls.length,
      ),
    ).toBe(true);
    expect(join(dir, "reward_spec.json")).toBe(e.spec);
  });
});
