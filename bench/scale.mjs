// Benchmark: a corpus larger than memory comfortably holds. Generates ≥ 2 GB of Fathom rows
// (≥ 10^6 tool calls, several files), converts them to a Parquet corpus while labelling every
// call, then computes per-dataset breadth / depth / horizon and a 10^3-setting sweep in SQL.
// Each phase runs in its own child process, so its peak RSS (JavaScript + DuckDB) is its own.
// Baselines in the same run: a bare readline + JSON.parse pass over the same files (for convert)
// and a plain scan of the corpus (SELECT dataset, COUNT(*) … GROUP BY) for the queries.
//
//   node bench/scale.mjs [--gb 2] [--settings 1000] [--jobs 1] [--keep]
// (--jobs N: convert with N worker threads reading and labelling, convertToCorpus `jobs`)
import { spawnSync } from "node:child_process";
import { createReadStream, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    gb: { type: "string", default: "2" },
    settings: { type: "string", default: "1000" },
    jobs: { type: "string", default: "1" },
    child: { type: "string" },
    dir: { type: "string" },
    corpus: { type: "string" },
    keep: { type: "boolean" },
  },
});
const rss = () => process.resourceUsage().maxRSS / 1024;

async function child(kind) {
  const m = await import("../dist/index.js");
  const t0 = process.hrtime.bigint();
  let r;
  if (kind === "baseline-parse") {
    let rows = 0;
    for (const f of readdirSync(values.dir)
      .filter((f) => f.endsWith(".jsonl"))
      .sort()) {
      const rl = createInterface({ input: createReadStream(join(values.dir, f)), crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line) continue;
        JSON.parse(line);
        rows++;
      }
    }
    r = { rows };
  } else if (kind === "convert") {
    rmSync(values.corpus, { recursive: true, force: true });
    const res = await m.convertToCorpus([values.dir], values.corpus, { label: "heuristic", jobs: Number(values.jobs) });
    r = {
      trajectories: res.trajectories,
      calls: res.calls,
      errors: res.report.issues.filter((i) => i.severity === "error").length,
    };
  } else {
    const c = await m.Corpus.open(values.corpus);
    if (kind === "baseline-scan")
      r = {
        groups: (await c.sql("SELECT dataset, COUNT(*) AS n, SUM(n_calls) AS calls FROM trajectories GROUP BY dataset"))
          .length,
      };
    else if (kind === "aggregate") r = { rows: await m.corpusAggregate(c, ["dataset"]) };
    else if (kind === "sweep") {
      const base = m.rewardConfig({});
      const settings = [
        base,
        ...m.randomSettings(
          base,
          { c1: [0, 0.6], c2: [0, 0.5], CS: [1, 20], CQ: [1, 30], Bv: [0, 3], floor: [0, 0.9] },
          Number(values.settings) - 1,
          7,
        ),
      ];
      const rows = await m.corpusSweep(c, settings);
      r = { settings: rows.length, best: rows.reduce((a, b) => (b.separation > a.separation ? b : a)).setting };
    }
    c.close();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ...r, ms, maxRssMB: rss() }));
}

if (values.child) {
  await child(values.child);
  process.exit(0);
}

const out = join(here, "out", "scale");
const traces = join(out, "traces");
const corpus = join(out, "corpus");
mkdirSync(traces, { recursive: true });
const targetBytes = Number(values.gb) * 1024 ** 3;
const sizeOf = () =>
  readdirSync(traces)
    .filter((f) => f.endsWith(".jsonl"))
    .reduce((n, f) => n + statSync(join(traces, f)).size, 0);
if (sizeOf() < targetBytes) {
  const { generateTraces } = await import("../dist/index.js");
  // eight files of Fathom eval rows, each its own seed (a run's shards)
  const files = 8;
  let prompts = Math.ceil(targetBytes / files / 19000);
  for (let i = 0; i < files; i++) {
    const t0 = Date.now();
    await generateTraces(
      traces,
      { seed: 100 + i, prompts, breadth: 2.5, verification: 1.5, labels: false },
      `shard-${i}`,
    );
    process.stderr.write(
      `generated shard-${i}.jsonl: ${(statSync(join(traces, `shard-${i}.jsonl`)).size / 1048576).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  }
  for (let i = files; sizeOf() < targetBytes; i++)
    await generateTraces(
      traces,
      { seed: 100 + i, prompts, breadth: 2.5, verification: 1.5, labels: false },
      `shard-${i}`,
    );
}
const bytes = sizeOf();

function run(kind) {
  const r = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      "--child",
      kind,
      "--dir",
      traces,
      "--corpus",
      corpus,
      "--settings",
      values.settings,
      "--jobs",
      values.jobs,
    ],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const parse = run("baseline-parse");
const conv = run("convert");
const scan = run("baseline-scan");
const agg = run("aggregate");
const sw = run("sweep");
const parquetBytes = ["trajectories", "calls", "labels"].reduce(
  (n, t) => n + readdirSync(join(corpus, t)).reduce((m, f) => m + statSync(join(corpus, t, f)).size, 0),
  0,
);
const s = (ms) => (ms / 1000).toFixed(1);
const report = {
  input: {
    files: readdirSync(traces).filter((f) => f.endsWith(".jsonl")).length,
    GB: +(bytes / 1024 ** 3).toFixed(2),
    trajectories: conv.trajectories,
    calls: conv.calls,
    parquetMB: Math.round(parquetBytes / 1048576),
  },
  baselineParse: {
    s: +s(parse.ms),
    MBps: Math.round(bytes / 1048576 / (parse.ms / 1000)),
    maxRssMB: Math.round(parse.maxRssMB),
  },
  convertAndLabel: {
    jobs: Number(values.jobs),
    s: +s(conv.ms),
    MBps: Math.round(bytes / 1048576 / (conv.ms / 1000)),
    ratioToParse: +(conv.ms / parse.ms).toFixed(2),
    maxRssMB: Math.round(conv.maxRssMB),
  },
  baselineScan: { s: +(scan.ms / 1000).toFixed(2), maxRssMB: Math.round(scan.maxRssMB) },
  aggregateByDataset: {
    s: +(agg.ms / 1000).toFixed(2),
    ratioToScan: +(agg.ms / scan.ms).toFixed(1),
    maxRssMB: Math.round(agg.maxRssMB),
    datasets: agg.rows.length,
  },
  sweep: {
    settings: sw.settings,
    s: +s(sw.ms),
    ratioToScan: +(sw.ms / scan.ms).toFixed(1),
    maxRssMB: Math.round(sw.maxRssMB),
  },
};
console.log(JSON.stringify(report, null, 1));
writeFileSync(join(here, "out", "scale.json"), JSON.stringify(report, null, 1) + "\n");
for (const [k, v] of Object.entries(report))
  if (v.maxRssMB > 1536) console.log(`over the 1.5 GB budget: ${k} peak RSS ${v.maxRssMB} MB`);
if (!values.keep) rmSync(corpus, { recursive: true, force: true });
