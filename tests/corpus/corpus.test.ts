/**
 * The Parquet corpus and its SQL path against the in-memory path, on the bundled traces (every
 * format, real and generated) and on generated corpora: the same metric rows, aggregates and sweep
 * rows. Plus incremental conversion, interruption (kill -9 mid-run), bad input, determinism.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aggregate,
  convertToCorpus,
  Corpus,
  corpusAggregate,
  corpusSweep,
  CorpusError,
  generateTraces,
  HeuristicLabeller,
  loadTrajectories,
  rewardConfig,
  runLabeller,
  sweep,
  tallyArrays,
  trajectoryRows,
  trajectoryTable,
  type LabelRow,
  type RewardConfig,
  type Trajectory,
} from "../../lib/index.js";
import { baseAndRandom, cli, ROOT, tmpDir } from "../helpers.js";
import {
  bundledCorpus,
  corpusSweepSettings,
  expectSweepEqual,
  generatedCorpusProperty,
  TRACES,
} from "./corpus-fixtures.js";

function expectRowsEqual(sql: Array<Record<string, unknown>>, mem: Array<Record<string, unknown>>, key: string): void {
  expect(sql.length).toBe(mem.length);
  const byKey = new Map(mem.map((r) => [String(r[key]), r]));
  for (const s of sql) {
    const m = byKey.get(String(s[key]));
    expect(m, `no in-memory row for ${s[key]}`).toBeDefined();
    for (const [k, v] of Object.entries(s)) {
      if (k === "responseTokens") continue;
      const w = m![k];
      if (typeof v === "number" && typeof w === "number") {
        if (Math.abs(v - w) > 1e-9 * Math.max(1, Math.abs(w))) expect([s[key], k, v]).toEqual([s[key], k, w]);
      } else expect([s[key], k, v]).toEqual([s[key], k, w ?? null]);
    }
  }
}

const SETTINGS: RewardConfig[] = [...corpusSweepSettings(40, 11), rewardConfig({})];

describe("corpus on the bundled traces (every format)", () => {
  let corpus: Corpus;
  let trajectories: Trajectory[];
  let heuristic: LabelRow[];
  let truth: LabelRow[];

  beforeAll(async () => {
    ({ corpus, trajectories, heuristic, truth } = await bundledCorpus("corpus-"));
  }, 120_000);
  afterAll(() => corpus?.close());

  it("holds every trajectory, call and label row", async () => {
    const nt = (await corpus.sql("SELECT COUNT(*) AS n FROM trajectories"))[0]!.n;
    const nc = (await corpus.sql("SELECT COUNT(*) AS n FROM calls"))[0]!.n;
    expect(nt).toBe(trajectories.length);
    expect(nc).toBe(trajectories.reduce((s, t) => s + t.calls.length, 0));
    expect(
      await corpus.sql("SELECT label_set, COUNT(*) AS n FROM labels GROUP BY label_set ORDER BY label_set"),
    ).toEqual([
      { label_set: "heuristic", n: heuristic.length },
      { label_set: "truth", n: truth.length },
    ]);
    expect(corpus.labelSets).toEqual(["heuristic", "truth"]);
  });

  it("per-trajectory metric rows equal trajectoryRows (deterministic labels made while converting)", async () => {
    const { corpusTrajectoryRows } = await import("../../lib/index.js");
    expectRowsEqual(
      await corpusTrajectoryRows(corpus, { labelSet: "heuristic" }),
      trajectoryRows(trajectories, heuristic),
      "key",
    );
  });

  it("per-trajectory rows equal trajectoryRows with an imported label set (joined by file and id, or id)", async () => {
    const { corpusTrajectoryRows } = await import("../../lib/index.js");
    expectRowsEqual(
      await corpusTrajectoryRows(corpus, { labelSet: "truth" }),
      trajectoryRows(trajectories, truth),
      "key",
    );
  });

  it("aggregates by dataset, model, step, group and format equal aggregate()", async () => {
    const table = trajectoryTable(trajectories, heuristic);
    for (const by of [["dataset"], ["model"], ["step"], ["group"], ["format"], ["format", "dataset"]] as const) {
      const mem = aggregate(table, by as unknown as string[]).objects() as Array<Record<string, unknown>>;
      const sql = await corpusAggregate(corpus, [...by], { labelSet: "heuristic" });
      const k = (r: Record<string, unknown>) => by.map((b) => String(r[b] ?? null)).join("|");
      expectRowsEqual(
        sql.map((r) => ({ ...r, _k: k(r) })),
        mem.map((r) => ({ ...r, _k: k(r) })),
        "_k",
      );
    }
  });

  it("sweep rows equal the typed-array sweep (B_v replay, clipped Δ, labelled T, vanilla, no-effect)", async () => {
    for (const [set, rows] of [
      ["heuristic", heuristic],
      ["truth", truth],
    ] as const) {
      const sql = await corpusSweep(corpus, SETTINGS, { labelSet: set, batch: 7 });
      expectSweepEqual(sql, sweep(tallyArrays(trajectories, rows), SETTINGS));
      // the comparison can fail: the sweep of a corpus missing one trajectory differs
      expect(() => expectSweepEqual(sql, sweep(tallyArrays(trajectories.slice(1), rows), SETTINGS))).toThrow();
    }
  });

  it("a corpus needs a label set named when it has several; unknown names are reported", async () => {
    await expect(corpusAggregate(corpus, ["dataset"])).rejects.toThrow(/several label sets \(heuristic, truth\)/);
    await expect(corpusAggregate(corpus, ["dataset"], { labelSet: "nope" })).rejects.toThrow(/no label set "nope"/);
  });
});

describe("the CLI on a corpus directory", () => {
  it("metrics, sweep and figures (fig6, ecdf, landscape) equal their trace-file versions", async () => {
    const base = tmpDir("clic-");
    const dir = join(base, "corpus");
    const src = join(TRACES, "generated", "verl");
    expect(cli(["convert", src, "--out", dir, "--label", "heuristic"]).code).toBe(0);
    const parse = (r: { code: number; stdout: string; stderr: string }) => {
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const mFiles = parse(cli(["metrics", src, "--by", "step", "--json"]));
    const mCorpus = parse(cli(["metrics", dir, "--by", "step", "--json"]));
    expectRowsEqual(mCorpus, mFiles, "step");
    const grid = ["--grid", "c1=0.1,0.3", "--grid", "Bv=0,2"];
    const sFiles = parse(cli(["sweep", src, ...grid, "--json"])).settings;
    const sCorpus = parse(cli(["sweep", dir, ...grid, "--json"])).settings;
    expectSweepEqual(sCorpus, sFiles);
    for (const [preset, extra] of [
      ["fig6", []],
      ["ecdf", []],
      ["landscape", ["--grid", "c1=0.1,0.2,0.3", "--grid", "c2=0.1,0.2"]],
    ] as const) {
      const a = join(base, `${preset}-files.svg`);
      const b = join(base, `${preset}-corpus.svg`);
      expect(cli(["figure", preset, src, ...extra, "--out", a]).code).toBe(0);
      expect(cli(["figure", preset, dir, ...extra, "--out", b]).code).toBe(0);
      expect([preset, readFileSync(b, "utf8") === readFileSync(a, "utf8")]).toEqual([preset, true]);
    }
    // converted without --tokens: fig7 says which command adds them
    const r = cli(["figure", "fig7", dir, "--out", join(base, "x.svg")]);
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringMatching(/counts response tokens, which .* does not store for any of its source files/),
    ]);
  }, 300_000);
});

describe("corpus on generated rollouts (property)", () => {
  it("metrics and sweeps equal the in-memory path for random generator seeds and knobs", async () => {
    await generatedCorpusProperty(
      { prefix: "gen-", prompts: 4, partCalls: 50 },
      { numRuns: 4, seed: 20261121 },
      async ({ seed, corpus: c, trajectories, rows }) => {
        const { corpusTrajectoryRows } = await import("../../lib/index.js");
        expectRowsEqual(await corpusTrajectoryRows(c), trajectoryRows(trajectories, rows), "key");
        const settings = baseAndRandom({ c1: [0, 0.6], c2: [0, 0.5], Bv: [0, 3], floor: [0, 0.9] }, 12, seed);
        expectSweepEqual(await corpusSweep(c, settings), sweep(tallyArrays(trajectories, rows), settings));
      },
    );
  }, 120_000);
});

describe("convert", () => {
  it("is incremental: unchanged files are skipped, new ones appended, changed ones replaced", async () => {
    const base = tmpDir("inc-");
    const a = join(base, "a.jsonl");
    const b = join(base, "b.jsonl");
    writeFileSync(a, readFileSync(join(TRACES, "generated", "fathom-eval.jsonl")));
    writeFileSync(b, readFileSync(join(TRACES, "generated", "models", "eval-wide.jsonl")));
    const dir = join(base, "corpus");
    const r1 = await convertToCorpus([a], dir, { label: "h" });
    expect([r1.added, r1.skipped]).toEqual([[a], []]);
    const r2 = await convertToCorpus([a, b], dir, { label: "h" });
    expect([r2.added, r2.skipped, r2.replaced]).toEqual([[b], [a], []]);
    // change a: keep its first 10 rows
    writeFileSync(a, readFileSync(a, "utf8").split("\n").slice(0, 10).join("\n") + "\n");
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    const r3 = await convertToCorpus([a, b], dir, { label: "h" });
    expect([r3.added, r3.skipped, r3.replaced]).toEqual([[], [b], [a]]);
    const c = await Corpus.open(dir);
    try {
      const { trajectories } = await loadTrajectories([a, b]);
      const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
      expectRowsEqual(
        await corpusAggregate(c, ["model"]),
        aggregate(trajectoryTable(trajectories, rows), ["model"]).objects() as never,
        "model",
      );
      // only the parts the manifest lists are on disk (the replaced ones are gone)
      const listed = new Set([
        ...c.manifest.sources.flatMap((s) => [...s.parts.trajectories, ...s.parts.calls]),
        ...Object.values(c.manifest.labelSets).flatMap((l) => l.parts),
      ]);
      const onDisk = ["trajectories", "calls", "labels"].flatMap((t) =>
        readdirSync(join(dir, t)).map((f) => `${t}/${f}`),
      );
      expect(onDisk.sort()).toEqual([...listed].sort());
    } finally {
      c.close();
    }
  });

  it("reports bad records with file and line and keeps the good ones; strict mode fails fast", async () => {
    const base = tmpDir("bad-");
    const good = readFileSync(join(TRACES, "generated", "fathom-eval.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean);
    const f = join(base, "mixed.jsonl");
    writeFileSync(f, [good[0], "{not json", good[1], '{"score": 0}', good[2]].join("\n") + "\n");
    const dir = join(base, "corpus");
    const r = await convertToCorpus([f], dir, {});
    expect(r.trajectories).toBe(3);
    expect(r.report.issues.filter((i) => i.severity === "error").map((i) => [i.file, i.line])).toEqual([
      [f, 2],
      [f, 4],
    ]);
    const cliRun = cli(["convert", f, "--out", join(base, "c2")]);
    expect(cliRun.code).toBe(0);
    expect(cliRun.stderr).toContain(`${f}:2:`);
    const strict = cli(["convert", f, "--out", join(base, "c3"), "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it("rejects a directory that is not a corpus and a manifest of another schema version, clearly", async () => {
    const base = tmpDir("notc-");
    await expect(Corpus.open(base)).rejects.toThrow(/not a sounding corpus/);
    writeFileSync(join(base, "sounding-corpus.json"), JSON.stringify({ schema: "sounding-corpus", schemaVersion: 99 }));
    await expect(Corpus.open(base)).rejects.toThrow(CorpusError);
    await expect(Corpus.open(base)).rejects.toThrow(/schemaVersion 99/);
    const r = cli(["sweep", base]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/schemaVersion 99/)]);
  });

  it("writes the same Parquet bytes for the same input", async () => {
    const base = tmpDir("det-");
    const a = join(base, "a");
    const b = join(base, "b");
    await convertToCorpus([join(TRACES, "generated", "verl")], a, { label: "h" });
    await convertToCorpus([join(TRACES, "generated", "verl")], b, { label: "h" });
    for (const t of ["trajectories", "calls", "labels"]) {
      const fa = readdirSync(join(a, t)).sort();
      expect(readdirSync(join(b, t)).sort()).toEqual(fa);
      for (const f of fa)
        expect([t, f, readFileSync(join(a, t, f)).equals(readFileSync(join(b, t, f)))]).toEqual([t, f, true]);
    }
  });

  it("survives kill -9 mid-run: the previous corpus stays readable and a re-run completes it", async () => {
    const base = tmpDir("kill-");
    const src = join(base, "traces");
    for (let i = 0; i < 6; i++) await generateTraces(src, { seed: 500 + i, prompts: 400, labels: false }, `shard-${i}`);
    const dir = join(base, "corpus");
    const argv = [
      join(ROOT, "dist", "cli", "main.js"),
      "convert",
      src,
      "--out",
      dir,
      "--label",
      "h",
      "--part-calls",
      "2000",
    ];
    // run until the first source is committed, then kill -9
    const child = spawn(process.execPath, argv, { stdio: "ignore" });
    const t0 = Date.now();
    let committed = 0;
    while (Date.now() - t0 < 60_000) {
      await new Promise((r) => setTimeout(r, 20));
      if (existsSync(join(dir, "sounding-corpus.json"))) {
        try {
          committed = JSON.parse(readFileSync(join(dir, "sounding-corpus.json"), "utf8")).sources.length;
        } catch {
          committed = 0;
        }
        if (committed >= 1) break;
      }
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(committed).toBeGreaterThanOrEqual(1);
    // readable, and equal to the in-memory numbers of the sources it lists
    const c1 = await Corpus.open(dir);
    const listed = c1.manifest.sources.map((s) => s.path);
    expect(listed.length).toBeLessThan(6); // the run was really cut short
    const { trajectories } = await loadTrajectories(listed);
    const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
    expectRowsEqual(
      await corpusAggregate(c1, ["dataset"]),
      aggregate(trajectoryTable(trajectories, rows), ["dataset"]).objects() as never,
      "dataset",
    );
    c1.close();
    // the re-run completes; the result equals an uninterrupted conversion
    const again = cli(argv.slice(1));
    expect(again.code).toBe(0);
    const fresh = join(base, "fresh");
    await convertToCorpus([src], fresh, { label: "h", partCalls: 2000 });
    const [c2, c3] = [await Corpus.open(dir), await Corpus.open(fresh)];
    expect(await corpusAggregate(c2, ["dataset"])).toEqual(await corpusAggregate(c3, ["dataset"]));
    expect(c2.manifest.sources.map((s) => s.path).sort()).toEqual(c3.manifest.sources.map((s) => s.path).sort());
    const onDisk = ["trajectories", "calls", "labels"].flatMap((t) =>
      readdirSync(join(dir, t)).map((f) => `${t}/${f}`),
    );
    const listed2 = new Set([
      ...c2.manifest.sources.flatMap((s) => [...s.parts.trajectories, ...s.parts.calls]),
      ...Object.values(c2.manifest.labelSets).flatMap((l) => l.parts),
    ]);
    expect(onDisk.sort()).toEqual([...listed2].sort()); // no leftovers of the killed run
    c2.close();
    c3.close();
  }, 180_000);
});
