// Benchmark: the sweep on a corpus (tallies read from Parquet into typed arrays, `corpusTallies`)
// against the sweep on the trace files the corpus came from (load, label, `tallyArrays`), in one
// run. The measure is the marginal rate of each: (time of --settings settings − time of 1 setting)
// per (setting × rollout), so loading is not counted and only the per-setting work compares. The
// SQL sweep (`corpusSweep`) is timed the same way on --sql-settings settings, for scale. The heap
// growth of the typed-array path (arrays + one sweep) per rollout checks TALLY_BYTES_PER_ROLLOUT,
// the cut-over between the two corpus paths.
//
//   node --expose-gc bench/corpus-sweep.mjs [--prompts 250] [--steps 4] [--group 8]
//                                           [--settings 2000] [--sql-settings 11] [--dist dist]
//
// Generated verl rollouts (grouped, deterministic labeller) are cached under bench/out.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    prompts: { type: "string", default: "250" },
    steps: { type: "string", default: "4" },
    group: { type: "string", default: "8" },
    settings: { type: "string", default: "2000" },
    "sql-settings": { type: "string", default: "11" },
    dist: { type: "string", default: join(here, "..", "dist") },
  },
});
const lib = await import(pathToFileURL(join(resolve(values.dist), "index.js")).href);
const { generateTraces, convertToCorpus, Corpus, corpusTallies, corpusSweep, TALLY_BYTES_PER_ROLLOUT } = lib;
const { loadTrajectories, runLabeller, HeuristicLabeller, tallyArrays, sweep, randomSettings, rewardConfig } = lib;

const [prompts, steps, group] = [values.prompts, values.steps, values.group].map(Number);
const src = join(here, "out", `corpus-sweep-verl-${prompts}x${steps}x${group}`);
const dir = join(src + "-corpus");
if (!existsSync(join(dir, "sounding-corpus.json"))) {
  rmSync(src, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  await generateTraces(src, { format: "verl", seed: 7, prompts, steps, groupSize: group, truncationRate: 0.05 });
  await convertToCorpus([src], dir, { label: "heuristic" });
}

const base = rewardConfig({});
const ranges = { c1: [-0.2, 0.6], c2: [0, 0.5], CS: [1, 20], CQ: [1, 30], Bv: [0, 3], floor: [0, 0.9] };
const nSettings = Number(values.settings);
const settings = [base, ...randomSettings(base, ranges, nSettings - 1, 3)];
const one = [base];
const gc = globalThis.gc ?? (() => {});
const heap = () => (gc(), process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers);

const time = (f) => {
  const t0 = performance.now();
  const r = f();
  return { ms: performance.now() - t0, r };
};
/** Marginal ns per setting × rollout of each input: best of 3 rounds, inputs interleaved (the machine is shared). */
function marginal(inputs) {
  const out = inputs.map(() => ({ ns: Infinity, rows: null }));
  for (let k = 0; k < 3; k++)
    inputs.forEach((a, i) => {
      const t1 = time(() => sweep(a, one)).ms;
      const tn = time(() => sweep(a, settings));
      out[i].rows = tn.r;
      out[i].ns = Math.min(out[i].ns, ((tn.ms - t1) * 1e6) / ((settings.length - 1) * a.n));
    });
  return out;
}

// trace-file path
let t0 = performance.now();
const { trajectories } = await loadTrajectories([src]);
const { rows: labels } = await runLabeller(new HeuristicLabeller(), trajectories);
const files = tallyArrays(trajectories, labels);
const filesLoadMs = performance.now() - t0;

// typed-array corpus path
const corpus = await Corpus.open(dir);
const h0 = heap();
t0 = performance.now();
const fromCorpus = await corpusTallies(corpus, { keys: false });
const corpusLoadMs = performance.now() - t0;
const bytes = (heap() - h0) / fromCorpus.n;
// the sweep's own per-rollout columns (lib/reward): group layout 16 B, reference rewards + ranks 12 B,
// per replay key the rollout types' `of` + n_verify 12 B, and 32 B of replay columns while a key's types are built
const replayKeys = new Set(
  settings.map((s) => lib.replayKey?.(s) ?? `${s.Bv}|${s.clipDelta}|${s.countT}|${s.rhoWhenNoCalls}`),
).size;
const working = 16 + 12 + 12 * replayKeys + 32;

const [f, c] = marginal([files, fromCorpus]);
const same = JSON.stringify(c.rows) === JSON.stringify(f.rows);

// the SQL path, for scale (few settings: it is slow)
const sqlSettings = settings.slice(0, Number(values["sql-settings"]));
t0 = performance.now();
await corpusSweep(corpus, one);
const sql1 = performance.now() - t0;
t0 = performance.now();
await corpusSweep(corpus, sqlSettings);
const sqlN = performance.now() - t0;
const sqlNs = ((sqlN - sql1) * 1e6) / ((sqlSettings.length - 1) * fromCorpus.n);
corpus.close();

const rate = (ns) => `${(1e3 / ns).toFixed(1)} M settings×rollouts/s (${ns.toFixed(2)} ns each)`;
console.log(`${fromCorpus.n} rollouts in ${fromCorpus.groupStart.length - 1} groups; ${settings.length} settings`);
console.log(
  `load: trace files (read + label + tallyArrays) ${filesLoadMs.toFixed(0)} ms; corpus (corpusTallies) ${corpusLoadMs.toFixed(0)} ms`,
);
console.log(`marginal rate, trace-file sweep:        ${rate(f.ns)}`);
console.log(`marginal rate, corpus typed-array sweep: ${rate(c.ns)}`);
console.log(`marginal rate, corpus SQL sweep:         ${rate(sqlNs)} (${sqlSettings.length} settings)`);
console.log(
  `ratio corpus / trace-file marginal rate: ${(f.ns / c.ns).toFixed(3)} (bar ≥ 0.5); rows identical: ${same}`,
);
console.log(`ratio corpus typed-array / SQL rate:     ${(sqlNs / c.ns).toFixed(1)}×`);
console.log(
  `bytes per rollout: arrays ${bytes.toFixed(0)} B measured (heap growth over corpusTallies, no keys)` +
    (globalThis.gc ? "" : " — run with node --expose-gc for a meaningful figure") +
    ` + sweep working set ${working} B (${replayKeys} replay keys) = ${(bytes + working).toFixed(0)} B; TALLY_BYTES_PER_ROLLOUT = ${TALLY_BYTES_PER_ROLLOUT}`,
);
if (!same) process.exitCode = 1;
