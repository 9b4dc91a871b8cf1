// Benchmark: a sweep of 10^4 reward settings over ≥ 10^5 trajectories. Tallies come from the
// generated Fathom corpus of bench/ingest.mjs labelled by the deterministic labeller (loading and
// labelling not counted; tally extraction timed separately), tiled to --trajectories slots. A
// baseline in the same run: one pass that only sums the tallies per setting (the least work).
//
//   node bench/sweep.mjs [--settings 10000] [--trajectories 100000] [--working 14000]
//                        [--file bench/out/fathom-200mb.jsonl] [--dist dist] [--jobs N]
//
// --dist runs the same measurements on another build, e.g. the code a change started from (built
// from that commit with `npx tsc -p tsconfig.build.json --outDir bench/out/base-dist`), so before /
// after ratios come from one session on the same input. --file reads another generated Fathom file
// (bench/ingest.mjs writes the default; any `generateTraces` Fathom output with ≥ --working rows).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    settings: { type: "string", default: "10000" },
    trajectories: { type: "string", default: "100000" },
    working: { type: "string", default: "14000" },
    ranks: { type: "string", default: "true" },
    file: { type: "string", default: join(here, "out", "fathom-200mb.jsonl") },
    dist: { type: "string", default: join(here, "..", "dist") },
    jobs: { type: "string", default: String(availableParallelism()) },
  },
});
const lib = await import(pathToFileURL(join(resolve(values.dist), "index.js")).href);
const { streamTrajectories, HeuristicLabeller, labelSync, tallyArrays, randomSettings, rewardConfig } = lib;
const { sweep, sweepParallel } = lib;
const file = values.file;
const labeller = new HeuristicLabeller();
const ts = [];
const rows = [];
for await (const t of streamTrajectories(file, { format: "fathom" })) {
  ts.push(t);
  rows.push(...labelSync(labeller, t));
  if (ts.length >= Number(values.working)) break;
}
// groups of 5 rollouts, as GRPO batches have
ts.forEach((t, i) => (t.provenance.groupId = `g${Math.floor(i / 5)}`));
let t0 = performance.now();
const base = tallyArrays(ts, rows);
const extractMs = performance.now() - t0;

// tile to the requested size (copies of the groups)
const want = Number(values.trajectories);
const reps = Math.ceil(want / base.n);
const tile = (arr) => {
  const out = new arr.constructor(arr.length * reps);
  for (let r = 0; r < reps; r++) out.set(arr, r * arr.length);
  return out;
};
const a = { ...base, n: base.n * reps, keys: [], labelsBv: 1 };
for (const k of [
  "T",
  "labelled",
  "nUniqS",
  "nRedS",
  "nExplore",
  "nVerify",
  "nRedQ",
  "nRedQFixed",
  "hasClaims",
  "correct",
  "formatOk",
])
  a[k] = tile(base[k]);
a.checks = tile(base.checks);
a.checkStart = new Int32Array(a.n + 1);
for (let r = 0; r < reps; r++)
  for (let i = 0; i <= base.n; i++) a.checkStart[r * base.n + i] = base.checkStart[i] + r * base.checks.length;
const gsz = base.groupStart.length - 1;
a.groupStart = new Int32Array(gsz * reps + 1);
for (let r = 0; r < reps; r++)
  for (let g = 0; g < gsz; g++) a.groupStart[r * gsz + g] = base.groupStart[g] + r * base.n;
a.groupStart[gsz * reps] = a.n;

const settings = [
  rewardConfig({}),
  ...randomSettings(
    rewardConfig({}),
    { c1: [0, 0.4], c2: [0, 0.4], CS: [2, 16], CQ: [4, 32], Bv: [0, 3], floor: [0.3, 0.7], formatWeight: [0, 0.2] },
    Number(values.settings) - 1,
    7,
  ),
];

// baseline: per setting, one pass over the slots summing a tally (memory-bound minimum)
t0 = performance.now();
let sink = 0;
for (const s of settings) {
  let acc = 0;
  for (let i = 0; i < a.n; i++) acc += a.T[i] * s.c1;
  sink += acc;
}
const baseMs = performance.now() - t0;

t0 = performance.now();
const fast = sweep(a, settings, { groups: false });
const fastMs = performance.now() - t0;

t0 = performance.now();
const result = sweep(a, settings, { ranks: values.ranks !== "false" });
const sweepMs = performance.now() - t0;

const jobs = Number(values.jobs);
t0 = performance.now();
const par = await sweepParallel(a, settings, { ranks: values.ranks !== "false", jobs });
const parMs = performance.now() - t0;
const identical = JSON.stringify(par) === JSON.stringify(result);
const evals = settings.length * a.n;
const out = {
  settings: settings.length,
  trajectories: a.n,
  groups: a.groupStart.length - 1,
  tallyExtraction: {
    trajectories: base.n,
    seconds: +(extractMs / 1000).toFixed(3),
    trajectoriesPerSecond: Math.round(base.n / (extractMs / 1000)),
  },
  meansOnly: {
    seconds: +(fastMs / 1000).toFixed(3),
    settingsTimesTrajectoriesPerSecond: Math.round(evals / (fastMs / 1000)),
    maxSeparationDiff: Math.max(...fast.map((f, i) => Math.abs(f.separation - result[i].separation))),
  },
  sweepSeconds: +(sweepMs / 1000).toFixed(2),
  parallel: {
    jobs,
    seconds: +(parMs / 1000).toFixed(2),
    settingsTimesTrajectoriesPerSecond: Math.round(evals / (parMs / 1000)),
    identicalToSingleThread: identical,
  },
  settingsTimesTrajectoriesPerSecond: Math.round(evals / (sweepMs / 1000)),
  baselineSeconds: +(baseMs / 1000).toFixed(2),
  ratioToBaseline: +(baseMs / sweepMs).toFixed(3),
  ranks: values.ranks !== "false",
  warnings: result.filter((r) => r.warnings.length).length,
  sink: sink > 0,
  node: process.version,
};
mkdirSync(join(here, "out"), { recursive: true });
writeFileSync(join(here, "out", "sweep.json"), JSON.stringify(out, null, 2) + "\n");
console.log(`code: ${resolve(values.dist)}`);
console.log(`tally extraction: ${base.n} trajectories in ${out.tallyExtraction.seconds} s`);
console.log(
  `sweep: ${settings.length} settings × ${a.n} trajectories (${out.groups} groups${out.ranks ? ", with rank changes" : ""}) in ${out.sweepSeconds} s = ${out.settingsTimesTrajectoriesPerSecond.toLocaleString("en")} settings×trajectories/s`,
);
console.log(
  `the same on ${jobs} threads: ${out.parallel.seconds} s = ${out.parallel.settingsTimesTrajectoriesPerSecond.toLocaleString("en")} settings×trajectories/s (identical rows: ${identical})`,
);
console.log(
  `means, separation and guardrails only (sorted prefix sums): ${out.meansOnly.seconds} s = ${out.meansOnly.settingsTimesTrajectoriesPerSecond.toLocaleString("en")} settings×trajectories/s (max |Δ separation| vs full pass ${out.meansOnly.maxSeparationDiff.toExponential(1)})`,
);
console.log(`baseline sum pass: ${out.baselineSeconds} s (ratio ${out.ratioToBaseline})`);
