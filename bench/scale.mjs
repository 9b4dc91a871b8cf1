// Benchmark: a corpus of 10^6 (or 10^7) tool calls in GRPO groups. Generates verl rollout dumps
// (groups of 8 rollouts per prompt, 4 training steps, shards of ~175k calls / 275 MB, cached under
// bench/out/scale-<calls>/traces and reused by later runs), then times the phases of the issue:
// convert (every call labelled), per-dataset breadth / depth / horizon in SQL, a 10^3-setting sweep
// whose group statistics (informative groups, rank changes, favoured behaviour) run over the GRPO
// groups, and the behaviour pressure of the reference setting (1,000 bootstrap resamples over the
// groups). The sweep and pressure take the path `sounding sweep` / `sounding pressure` take on a
// corpus: its tallies read into typed arrays (corpusTallies) when they fit the default memory
// budget, the SQL sweep beyond it.
// Each phase runs in its own child process, so its time, CPU time and peak RSS
// (process.resourceUsage().maxRSS of that process: JavaScript + DuckDB) are its own; the budget is
// 1.5 GB per phase. Baselines in the same run: a bare readline + JSON.parse pass over the same files
// (for convert) and a plain scan of the corpus (SELECT dataset, COUNT(*) … GROUP BY) for the queries.
// bench/out/scale-<calls>/scale.json gets each phase's numbers as soon as the phase ends.
//
//   node bench/scale.mjs [--calls 1e6] [--settings 1000] [--jobs 1] [--keep] [--lib DIR] [--generate-only]
//   npm run bench:scale -- --calls 1e7
// (--jobs N: convert with N worker threads reading and labelling, convertToCorpus `jobs`;
//  --lib DIR: the built library to time, default dist/; --generate-only: fill the cache and stop)
import { spawnSync } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createInterface } from "node:readline";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "1e6" },
    settings: { type: "string", default: "1000" },
    jobs: { type: "string", default: "1" },
    child: { type: "string" },
    dir: { type: "string" },
    corpus: { type: "string" },
    keep: { type: "boolean" },
    "generate-only": { type: "boolean" },
    lib: { type: "string" },
  },
});
// the library under test: dist/ by default; --lib DIR runs a copy (a rebuild of dist/ during a long run
// then changes nothing)
const lib = values.lib ? pathToFileURL(resolve(values.lib, "index.js")).href : "../dist/index.js";
const rss = () => process.resourceUsage().maxRSS / 1024;
/** The trace files under the shard directories, in a fixed order. */
function traceFiles(dir) {
  return readdirSync(dir)
    .filter((d) => d.startsWith("shard-"))
    .sort()
    .flatMap((d) =>
      readdirSync(join(dir, d))
        .filter((f) => f.endsWith(".jsonl"))
        .sort((a, b) => parseInt(a) - parseInt(b))
        .map((f) => join(dir, d, f)),
    );
}

async function child(kind) {
  const m = await import(lib);
  const t0 = process.hrtime.bigint();
  let r;
  if (kind === "baseline-parse") {
    let rows = 0;
    for (const f of traceFiles(values.dir)) {
      const rl = createInterface({ input: createReadStream(f), crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line) continue;
        JSON.parse(line);
        rows++;
      }
    }
    r = { rows };
  } else if (kind === "convert") {
    rmSync(values.corpus, { recursive: true, force: true });
    const res = await m.convertToCorpus(traceFiles(values.dir), values.corpus, {
      label: "heuristic",
      jobs: Number(values.jobs),
    });
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
    else if (kind === "sweep" || kind === "pressure") {
      // as `sounding sweep` / `sounding pressure` on a corpus: tallies into typed arrays when they
      // fit the default --memory-mb (2,048 MB), else (sweep only) the SQL sweep
      const base = m.rewardConfig({});
      const n = m.corpusSize(c);
      const typed = m.fitsInMemory(n, 2048 * 1024 * 1024);
      if (kind === "pressure" && !typed)
        throw new Error(`pressure: ${n} rollouts do not fit the default memory budget`);
      const tLoad = process.hrtime.bigint();
      const a = typed ? await m.corpusTallies(c, { keys: false }) : null;
      const loadMs = Number(process.hrtime.bigint() - tLoad) / 1e6;
      const loadRssMB = rss();
      const groups = a
        ? a.groupStart.length - 1
        : Number((await c.sql("SELECT COUNT(DISTINCT group_id) AS g FROM trajectories"))[0].g);
      if (kind === "sweep") {
        const settings = [
          base,
          ...m.randomSettings(
            base,
            { c1: [0, 0.6], c2: [0, 0.5], CS: [1, 20], CQ: [1, 30], Bv: [0, 3], floor: [0, 0.9] },
            Number(values.settings) - 1,
            7,
          ),
        ];
        const tSweep = process.hrtime.bigint();
        const rows = a ? m.sweep(a, settings) : await m.corpusSweep(c, settings);
        const sweepMs = Number(process.hrtime.bigint() - tSweep) / 1e6;
        r = {
          path: a ? "typed arrays (corpusTallies + sweep)" : "SQL (corpusSweep)",
          settings: rows.length,
          rollouts: n,
          groups,
          loadMs,
          loadRssMB,
          sweepMs,
          informative: rows[0].informativeGroups,
          rankChanges: rows.reduce((k, x) => k + x.rankChanges, 0),
          best: rows.reduce((x, y) => (y.separation > x.separation ? y : x)).setting,
        };
      } else {
        const tP = process.hrtime.bigint();
        const p = m.behaviourPressure(a, base, { resamples: 1000, seed: 0 });
        const pressureMs = Number(process.hrtime.bigint() - tP) / 1e6;
        r = {
          rollouts: n,
          groups,
          loadMs,
          loadRssMB,
          pressureMs,
          resamples: 1000,
          sigmaGroups: p.groups,
          multiGroups: p.multiGroups,
          measures: Object.keys(p.pressure).length,
          redundantSearch: p.pressure.REDUNDANTSEARCH,
        };
      }
    }
    c.close();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const u = process.resourceUsage();
  const cpuS = (u.userCPUTime + u.systemCPUTime) / 1e6;
  process.stdout.write(JSON.stringify({ ...r, ms, cpuS, load: loadavg()[0], maxRssMB: rss() }));
}

if (values.child) {
  await child(values.child);
  process.exit(0);
}

const targetCalls = Number(values.calls);
if (!(targetCalls >= 1)) throw new Error(`--calls ${values.calls}: not a number of calls`);
const out = join(here, "out", `scale-${targetCalls}`);
const traces = join(out, "traces");
const corpus = join(out, "corpus");
mkdirSync(traces, { recursive: true });
// the generated rows are cached: shard-i/ holds the dumps of seed 100 + i, stamp.json the calls so far
const stampPath = join(traces, "stamp.json");
let gen = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, "utf8")) : { shards: 0, calls: 0, rollouts: 0 };
if (gen.calls < targetCalls) {
  // generation only fills the cache (untimed): from dist/, whose ../data holds the question bank
  const { generateTraces } = await import("../dist/index.js");
  // a shard: 4 training steps × 512 prompts × 8 rollouts (≈ 175k calls, ≈ 275 MB; fewer prompts for small runs)
  const prompts = Math.min(512, Math.max(4, Math.ceil(targetCalls / 250)));
  for (let i = gen.shards; gen.calls < targetCalls; i++) {
    const t0 = Date.now();
    const dir = join(traces, `shard-${String(i).padStart(3, "0")}`);
    rmSync(dir, { recursive: true, force: true });
    const files = await generateTraces(dir, {
      format: "verl",
      seed: 100 + i,
      prompts,
      groupSize: 8,
      steps: 4,
      breadth: 2.5,
      verification: 1.5,
      labels: false,
    });
    const calls = files.reduce((n, f) => n + f.calls, 0);
    gen = { shards: i + 1, calls: gen.calls + calls, rollouts: gen.rollouts + files.reduce((n, f) => n + f.rows, 0) };
    writeFileSync(stampPath, JSON.stringify(gen) + "\n");
    process.stderr.write(
      `generated ${dir}: ${calls} calls in ${((Date.now() - t0) / 1000).toFixed(1)} s (${gen.calls} so far)\n`,
    );
  }
}
if (values["generate-only"]) {
  console.log(`generated rows cached in ${traces}: ${gen.calls} calls, ${gen.rollouts} rollouts`);
  process.exit(0);
}
const bytes = traceFiles(traces).reduce((n, f) => n + statSync(f).size, 0);
const logPath = join(out, "scale.json");

function run(kind) {
  process.stderr.write(`${new Date().toISOString()} ${kind} …\n`);
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
      ...(values.lib ? ["--lib", values.lib] : []),
    ],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  process.stderr.write(
    `${new Date().toISOString()} ${kind}: ${(res.ms / 1000).toFixed(1)} s wall, ${res.cpuS.toFixed(1)} s CPU, ` +
      `peak RSS ${Math.round(res.maxRssMB)} MB, load ${res.load.toFixed(1)}\n`,
  );
  return res;
}

const s = (ms) => +(ms / 1000).toFixed(1);
const phase = (x, extra = {}) => ({
  s: s(x.ms),
  cpuS: +x.cpuS.toFixed(1),
  maxRssMB: Math.round(x.maxRssMB),
  loadAvg: +x.load.toFixed(1),
  ...extra,
});
const report = {
  calls: targetCalls,
  rss: "peak RSS of the phase's own child process (process.resourceUsage().maxRSS: JavaScript heap, typed arrays and DuckDB)",
};
const save = () => writeFileSync(logPath, JSON.stringify(report, null, 1) + "\n");
// each phase's numbers are saved as soon as it ends (a long run can be read while it goes on); the
// parse baseline runs last, so the phases of the issue are in first
const conv = run("convert");
const parquetBytes = ["trajectories", "calls", "labels"].reduce(
  (n, t) => n + readdirSync(join(corpus, t)).reduce((k, f) => k + statSync(join(corpus, t, f)).size, 0),
  0,
);
report.input = {
  files: traceFiles(traces).length,
  GB: +(bytes / 1024 ** 3).toFixed(2),
  trajectories: conv.trajectories,
  calls: conv.calls,
  parquetMB: Math.round(parquetBytes / 1048576),
};
report.convertAndLabel = phase(conv, {
  jobs: Number(values.jobs),
  MBps: Math.round(bytes / 1048576 / (conv.ms / 1000)),
  errors: conv.errors,
});
save();
const scan = run("baseline-scan");
report.baselineScan = phase(scan);
save();
const agg = run("aggregate");
report.aggregateByDataset = phase(agg, { ratioToScan: +(agg.ms / scan.ms).toFixed(1), datasets: agg.rows.length });
save();
const sw = run("sweep");
report.input.groups = sw.groups;
report.sweepGrpo = phase(sw, {
  path: sw.path,
  settings: sw.settings,
  rollouts: sw.rollouts,
  groups: sw.groups,
  informativeGroupsAtReference: sw.informative,
  rankChanges: sw.rankChanges,
  loadS: s(sw.loadMs),
  loadRssMB: Math.round(sw.loadRssMB),
  sweepS: s(sw.sweepMs),
  settingRolloutsPerS: Math.round((sw.settings * sw.rollouts) / (sw.sweepMs / 1000)),
});
save();
const pr = run("pressure");
report.pressure = phase(pr, {
  rollouts: pr.rollouts,
  groups: pr.groups,
  sigmaGroups: pr.sigmaGroups,
  resamples: pr.resamples,
  measures: pr.measures,
  loadS: s(pr.loadMs),
  loadRssMB: Math.round(pr.loadRssMB),
  pressureS: s(pr.pressureMs),
  redundantSearch: pr.redundantSearch,
});
save();
const parse = run("baseline-parse");
report.baselineParse = phase(parse, { MBps: Math.round(bytes / 1048576 / (parse.ms / 1000)) });
report.convertAndLabel.ratioToParse = +(conv.ms / parse.ms).toFixed(2);
report.convertAndLabel.cpuRatioToParse = +(conv.cpuS / parse.cpuS).toFixed(2);
save();
console.log(JSON.stringify(report, null, 1));
let over = 0;
for (const [k, v] of Object.entries(report))
  if (v.maxRssMB > 1536) {
    console.log(`over the 1.5 GB budget: ${k} peak RSS ${v.maxRssMB} MB`);
    over++;
  }
if (!over) console.log("every phase within the 1.5 GB peak RSS budget");
if (!values.keep) rmSync(corpus, { recursive: true, force: true });
