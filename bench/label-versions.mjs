// Benchmark: the deterministic labeller of this build against an older build, in one run and on
// the same working set (issue 15: labelling speed within 20 % of the previous rules). The older
// build is a `dist/` directory compiled from an earlier commit, e.g.
//
//   git archive <ref> lib tsconfig.json tsconfig.build.json package.json | tar -x -C bench/out/old
//   (cd bench/out/old && ln -s ../../../node_modules . && npx tsc -p tsconfig.build.json)
//   node bench/label-versions.mjs --baseline bench/out/old/dist
//
// The working set is --prompts generated Fathom rollouts (seed 42); the two labellers label it in
// alternating passes (after a warm-up), so machine noise falls on both alike. Prints the calls per
// second of each and the ratio new / old.
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { generateTraces, HeuristicLabeller, HEURISTIC_VERSION, loadTrajectories } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    baseline: { type: "string", default: join(here, "out", "baseline-dist") },
    prompts: { type: "string", default: "1500" },
    passes: { type: "string", default: "6" },
  },
});
let old;
try {
  old = await import(pathToFileURL(join(resolve(values.baseline), "index.js")).href);
} catch (err) {
  console.error(
    `bench/label-versions: no older build at ${values.baseline} (${err.message}); see the header for how to make one`,
  );
  process.exit(1);
}
const dir = join(here, "out", "label-versions");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
await generateTraces(
  dir,
  { seed: 42, prompts: Number(values.prompts), breadth: 2.5, verification: 1.5, labels: false },
  "work",
);
const { trajectories } = await loadTrajectories([dir]);
const calls = trajectories.reduce((n, t) => n + t.calls.length, 0);
const labellers = [
  ["old", new old.HeuristicLabeller(), old.HEURISTIC_VERSION],
  ["new", new HeuristicLabeller(), HEURISTIC_VERSION],
];
const ms = { old: 0, new: 0 };
const pass = (l) => {
  let n = 0;
  for (const t of trajectories) n += l.label(t).length;
  return n;
};
for (const [, l] of labellers) pass(l); // warm up
for (let p = 0; p < Number(values.passes); p++)
  for (const [name, l] of p % 2 ? [...labellers].reverse() : labellers) {
    const t0 = performance.now();
    pass(l);
    ms[name] += performance.now() - t0;
  }
const rate = (name) => Math.round((calls * Number(values.passes)) / (ms[name] / 1000));
console.log(`${trajectories.length} rollouts, ${calls} calls, ${values.passes} passes each`);
console.log(`heuristic ${labellers[0][2]} (baseline): ${rate("old")} calls/s`);
console.log(`heuristic ${labellers[1][2]} (this build): ${rate("new")} calls/s`);
console.log(`speed ratio new / old: ${(ms.old / ms.new).toFixed(3)}`);
