/**
 * The Spark job (`sounding export spark-job`) run unchanged through DuckDB's PySpark API on a
 * generated grouped verl corpus: its per-group metrics equal `corpusAggregate`, its sweep rows
 * equal `corpusSweep` (means, separation, informative groups, rank changes, incorrect-above-correct
 * groups, favoured breadth / depth / horizon, data warnings), both on the corpus's Parquet and on the
 * raw rollout rows labelled inside the job by the Python labeller (the UDF).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  convertToCorpus,
  Corpus,
  corpusAggregate,
  corpusSweep,
  exportSparkJob,
  generateTraces,
  randomSettings,
  rewardConfig,
  type RewardConfig,
  type SweepRow,
} from "../../lib/index.js";
import { sparkPython } from "./spark-python.js";

const py = sparkPython();
if ("skip" in py) console.log(`spark-job: skipped, ${py.skip}`);
const DATA_WARNINGS = new Set(["incorrect-above-correct", "no-effect"]);

/** A sweep row as the job writes it: NaN as null, only the data warnings. */
function asJob(r: SweepRow): Record<string, unknown> {
  const n = (x: number) => (Number.isNaN(x) ? null : x);
  return {
    setting: r.setting,
    meanCorrect: n(r.meanCorrect),
    meanIncorrect: n(r.meanIncorrect),
    separation: n(r.separation),
    nCorrect: r.nCorrect,
    nIncorrect: r.nIncorrect,
    informativeGroups: n(r.informativeGroups),
    rankChanges: r.rankChanges,
    groupsIncorrectAbove: r.groupsIncorrectAbove,
    favouredBreadth: n(r.favouredBreadth),
    favouredDepth: n(r.favouredDepth),
    favouredHorizon: n(r.favouredHorizon),
    warnings: r.warnings.map((w) => w.code).filter((c) => DATA_WARNINGS.has(c)),
  };
}

const jsonl = (p: string) =>
  readFileSync(p, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Settings moving every knob the replay reads: B_v 0…3 (claim-check replay), T counted both ways, clipping, Eq. 4. */
function settingsOf(base: RewardConfig): RewardConfig[] {
  const drawn = randomSettings(base, { c1: [0, 0.6], c2: [0, 0.5], CS: [1, 20], CQ: [1, 30], floor: [0, 0.9] }, 9, 11);
  const out = [base, ...drawn.slice(1)].map((c, i) => ({
    ...c,
    Bv: i % 4,
    countT: i % 3 === 2 ? ("labelled" as const) : c.countT,
    clipDelta: i % 2 === 1,
  }));
  out[0] = base;
  out.push({ ...base, stage: "vanilla" }, { ...base }); // Eq. 4, and a setting with no effect
  return out;
}

describe.skipIf("skip" in py)("spark job through duckdb.experimental.spark", () => {
  const python = "python" in py ? py.python : "";
  let dir: string;
  let corpusDir: string;
  let job: string;
  let settings: RewardConfig[];
  let files: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sounding-spark-"));
    const traces = join(dir, "traces");
    const made = await generateTraces(traces, { format: "verl", prompts: 8, steps: 2, groupSize: 5, seed: 23 });
    files = made.map((f) => f.path);
    corpusDir = join(dir, "corpus");
    await convertToCorpus(files, corpusDir, { label: "heur" });
    job = join(dir, "job.py");
    await exportSparkJob(rewardConfig({}), job);
    settings = settingsOf(rewardConfig({}));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "settings.json"), JSON.stringify(settings));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runJob(args: string[]): { metrics: Record<string, unknown>[]; sweep: Record<string, unknown>[] } {
    const out = join(dir, `out-${readdirSync(dir).length}`);
    const r = spawnSync(python, [job, ...args, "--out", out, "--engine", "duckdb"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sounding spark job spark-job@1: \d+ group\(s\)/);
    return { metrics: jsonl(join(out, "metrics.jsonl")), sweep: jsonl(join(out, "sweep.jsonl")) };
  }

  it("on the corpus's Parquet: metrics by dataset and by GRPO group, and the sweep, equal sounding's", async () => {
    const corpus = await Corpus.open(corpusDir);
    try {
      const s = join(dir, "settings.json");
      const byDataset = runJob(["--corpus", corpusDir, "--settings", s]);
      expect(byDataset.metrics).toEqual(await corpusAggregate(corpus, ["dataset"]));
      const rows = (await corpusSweep(corpus, settings)).map(asJob);
      expect(
        byDataset.sweep.map(({ config, ...r }) => (expect(config).toEqual(settings[r.setting as number]), r)),
      ).toEqual(rows);
      // the sweep is not degenerate: settings differ, groups are informative, ranks move
      expect(new Set(rows.map((r) => r.separation)).size).toBeGreaterThan(5);
      expect(rows.some((r) => (r.rankChanges as number) > 0)).toBe(true);
      expect(rows.at(-1)!.warnings).toEqual(["no-effect"]);
      const byGroup = runJob(["--corpus", corpusDir, "--by", "step,group"]);
      const ts = await corpusAggregate(corpus, ["step", "group"]);
      expect(ts.length).toBe(16);
      expect(byGroup.metrics).toEqual(ts);
    } finally {
      corpus.close();
    }
  }, 300_000);

  it("on raw verl rows labelled by the Python labeller as the job's UDF: the same metrics and sweep", async () => {
    // the raw rows as a cluster would hold them: Parquet with the dump's columns, typed
    const raw = join(dir, "raw.parquet");
    const types = { input: "VARCHAR", output: "VARCHAR", gts: "VARCHAR", score: "DOUBLE", step: "BIGINT" };
    const cols = JSON.stringify({ ...types, uid: "VARCHAR", acc: "DOUBLE", data_source: "VARCHAR" }).replace(/"/g, "'");
    const list = `[${files.map((f) => `'${f}'`).join(", ")}]`;
    const c = spawnSync(
      python,
      [
        "-c",
        `import duckdb; duckdb.sql("COPY (SELECT * FROM read_json(${list}, columns=${cols})) ` +
          `TO '${raw}' (FORMAT parquet)")`,
      ],
      { encoding: "utf8" },
    );
    expect(c.stderr).toBe("");
    const corpus = await Corpus.open(corpusDir);
    try {
      const got = runJob(["--raw", raw, "--settings", join(dir, "settings.json"), "--by", "dataset,step"]);
      expect(got.metrics).toEqual(await corpusAggregate(corpus, ["dataset", "step"]));
      const rows = (await corpusSweep(corpus, settings)).map(asJob);
      expect(got.sweep.map(({ config: _, ...r }) => r)).toEqual(rows);
    } finally {
      corpus.close();
    }
  }, 300_000);
});
