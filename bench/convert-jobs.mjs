// Benchmark: `convert --jobs N` (worker threads read and label, one writer) against a bare
// `JSON.parse` pass over the same files (read, split lines, parse each: the least work any reader
// does), in one run; the bar is convert --jobs 2 ≤ 2× the JSON.parse pass. Also checks
// that the corpus is byte-identical for 1 and N jobs. Timings are the best of --rounds (the
// machine is shared).
//
//   node bench/convert-jobs.mjs [--prompts 60] [--steps 2] [--group 8] [--jobs 2] [--rounds 2] [--dist dist]
//
// Generated verl rollouts are cached under bench/out.
import { readdirSync, readFileSync, rmSync, existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    prompts: { type: "string", default: "60" },
    steps: { type: "string", default: "2" },
    group: { type: "string", default: "8" },
    jobs: { type: "string", default: "2" },
    rounds: { type: "string", default: "2" },
    dist: { type: "string", default: join(here, "..", "dist") },
  },
});
const lib = await import(pathToFileURL(join(resolve(values.dist), "index.js")).href);
const { generateTraces, convertToCorpus, streamTrajectories, emptyReport } = lib;
const [prompts, steps, group, jobs, rounds] = [
  values.prompts,
  values.steps,
  values.group,
  values.jobs,
  values.rounds,
].map(Number);
const src = join(here, "out", `convert-jobs-verl-${prompts}x${steps}x${group}`);
if (!existsSync(src)) {
  mkdirSync(src, { recursive: true });
  await generateTraces(src, { format: "verl", seed: 11, prompts, steps, groupSize: group, truncationRate: 0.05 });
}
const files = readdirSync(src)
  .filter((f) => f.endsWith(".jsonl") && !f.endsWith(".labels.jsonl"))
  .sort()
  .map((f) => join(src, f));
const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);

async function jsonParsePass() {
  let records = 0;
  for (const f of files) {
    const text = await readFile(f, "utf8");
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      JSON.parse(line);
      records++;
    }
  }
  return records;
}

/** Reading alone (format reader into trajectories, one thread): where convert's time goes. */
async function loadPass() {
  const report = emptyReport();
  for (const f of files) for await (const t of streamTrajectories(f, {}, report)) void t;
}

const out = join(here, "out", "convert-jobs-corpus");
async function convert(n, label) {
  rmSync(out, { recursive: true, force: true });
  await convertToCorpus(files, out, { jobs: n, ...(label ? { label: "heuristic" } : {}) });
}
/** Every file of a directory: relative path → bytes. */
function snapshot(dir) {
  const m = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else m.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return m;
}

const best = async (f) => {
  let ms = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await f();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
};

const records = await jsonParsePass();
const parseMs = await best(jsonParsePass);
const loadMs = await best(loadPass);
const plainMs = await best(() => convert(jobs, false));
const labelMs = await best(() => convert(jobs, true));
const labelled = snapshot(out);
const label1Ms = await best(() => convert(1, true));
const one = snapshot(out);
const identical = one.size === labelled.size && [...one].every(([k, v]) => labelled.get(k)?.equals(v));
rmSync(out, { recursive: true, force: true });

const mb = bytes / 1e6;
console.log(`${files.length} files, ${mb.toFixed(1)} MB, ${records} records; best of ${rounds}`);
console.log(
  `bare JSON.parse pass:                 ${parseMs.toFixed(0)} ms (${(mb / (parseMs / 1e3)).toFixed(0)} MB/s)`,
);
console.log(`read into trajectories (1 thread):     ${loadMs.toFixed(0)} ms  ratio ${(loadMs / parseMs).toFixed(2)}`);
console.log(
  `convert --jobs ${jobs} (no labels):        ${plainMs.toFixed(0)} ms  ratio ${(plainMs / parseMs).toFixed(2)}`,
);
console.log(
  `convert --jobs ${jobs} --label heuristic:  ${labelMs.toFixed(0)} ms  ratio ${(labelMs / parseMs).toFixed(2)} (bar ≤ 2)`,
);
console.log(`convert --jobs 1 --label heuristic:  ${label1Ms.toFixed(0)} ms  ratio ${(label1Ms / parseMs).toFixed(2)}`);
console.log(`corpus byte-identical for --jobs 1 and --jobs ${jobs}: ${identical}`);
if (!identical) process.exitCode = 1;
