// Benchmark: `calibrateHeuristic` on generated traces whose reference labels come from a labeller with
// other thresholds. The search labels with the similarity features (computed once per trajectory,
// thresholds then comparisons); the baseline in the same run is the same search labelling with the
// real labeller (evaluator "labeller"), on the same trajectories and reference. Both give the same
// result (checked here too).
//
//   node bench/calibrate.mjs [--prompts 40] [--dist dist]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { prompts: { type: "string", default: "40" }, dist: { type: "string", default: join(here, "..", "dist") } },
});
const lib = await import(pathToFileURL(join(resolve(values.dist), "index.js")).href);
const { generateTraces, loadTrajectories, runLabeller, HeuristicLabeller, calibrateHeuristic } = lib;
const dir = mkdtempSync(join(tmpdir(), "sounding-bench-calibrate-"));
await generateTraces(dir, { seed: 11, prompts: Number(values.prompts), parallel: 0.5, redundancy: 0.4, breadth: 3 });
const { trajectories } = await loadTrajectories([dir]);
const other = {
  tokenThreshold: 0.37,
  charThreshold: 0.42,
  resultOverlap: 0.25,
  minResultsForOverlap: 1,
  goalThreshold: 0.2,
  newNumbers: "term",
  newNames: "term",
};
const reference = (await runLabeller(new HeuristicLabeller(other), trajectories)).rows;
const opts = { folds: 5, seed: 1, bootstrap: { samples: 200 } };
const time = (evaluator) => {
  const t0 = performance.now();
  const r = calibrateHeuristic(trajectories, reference, { ...opts, evaluator });
  return { r, ms: performance.now() - t0 };
};
const fast = time("features");
const slow = time("labeller");
const same = JSON.stringify({ ...slow.r, evaluator: "features" }) === JSON.stringify(fast.r);
console.log(
  `calibrate ${trajectories.length} trajectories, ${fast.r.calls.scored} reference calls, 5 folds:\n` +
    `  features ${fast.ms.toFixed(0)} ms, labeller (baseline) ${slow.ms.toFixed(0)} ms: ` +
    `${(slow.ms / fast.ms).toFixed(1)}× faster; same result: ${same}\n` +
    `  κ held-out: before ${fast.r.before.overall.kappa.toFixed(3)}, after ${fast.r.after.overall.kappa.toFixed(3)}`,
);
