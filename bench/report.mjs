// Benchmark: `reportHtml` over generated verl rollouts (lib/generate; default 10^5 rollouts: 5 steps ×
// 2500 prompts × groups of 8), labelled by the deterministic labeller (loading and labelling timed
// apart). Reports the build time, the file size (bar: ≤ 25 MB with the default sample of 2000), the
// time to first paint, until the table is drawn and until the sample's text is searchable in headless
// Chromium (/usr/bin/chromium), and the tuner's update per slider move measured in the page (bar:
// median ≤ 50 ms): `--moves` moves over every slider in turn (B_v included), each timed from its input
// event to the end of the DOM update after layout (the page forces layout inside the update), split
// into the kernel (the library's sweep: rewards and row), setting the views, and layout; beside it,
// from the input event to the end of the next painted frame, seen from the benchmark. Baselines in the
// same run: for the build, JSON.stringify + gzip of as many trajectories as the sample holds (the least
// embedding their text costs); for the tuner, the kernel's share of the update.
//
//   node bench/report.mjs [--rollouts 100000] [--sample 2000] [--moves 35] [--dist dist] [--page-only]
//                         [--viewport 1400x1000]
//
// The page lays out and paints only what is in view (the table, figures and comparison below the fold
// skip rendering while off screen): --viewport 1400x3000 measures the moves with the whole page in view.
//
// --page-only re-wraps the payload of the report an earlier run wrote (bench/out/report-N/report.html)
// with the current page script and measures only the page (no generating, loading, labelling).
// In the page, a baseline pass (one multiply-add per rollout over the same arrays) is timed beside the
// tuner, so its times read as a ratio on a machine shared with other work.
/* global document, window, requestAnimationFrame, Event */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rollouts: { type: "string", default: "100000" },
    sample: { type: "string", default: "2000" },
    moves: { type: "string", default: "35" },
    dist: { type: "string", default: join(here, "..", "dist") },
    "page-only": { type: "boolean", default: false },
    viewport: { type: "string", default: "1400x1000" },
  },
});
const dist = resolve(values.dist);
const lib = await import(pathToFileURL(join(dist, "index.js")).href);
const { generateTraces, loadTrajectories, HeuristicLabeller, runLabeller, reportHtml } = lib;

const want = Number(values.rollouts);
const groupSize = 8;
const steps = want >= 5 * groupSize ? 5 : 1;
const prompts = Math.max(1, Math.round(want / (steps * groupSize)));
const out = join(here, "out", `report-${want}`);
mkdirSync(out, { recursive: true });
const file = join(out, "report.html");
let r0 = {};
if (values["page-only"]) {
  // the payload of the earlier run, under the current page script
  const { payloadHtml } = await import(pathToFileURL(join(dist, "report", "report-html.js")).href);
  const old = readFileSync(file, "utf8");
  const block = (id) => {
    const m = new RegExp(`<script id="${id}"[^>]*>([A-Za-z0-9+/=]*)</script>`).exec(old);
    return JSON.parse(gunzipSync(Buffer.from(m[1], "base64")).toString("utf8"));
  };
  const t0 = performance.now();
  writeFileSync(file, await payloadHtml({ ...block("sounding-data"), text: block("sounding-text") }));
  r0 = { rewrapMs: Math.round(performance.now() - t0) };
} else r0 = await build();
const bytes = statSync(file).size;

async function build() {
  // the generator is deterministic: files of an earlier run with the same size are reused
  const stamp = join(out, "generated.json");
  const same = JSON.stringify({ seed: 3, prompts, steps, groupSize });
  let t0 = performance.now();
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== same) {
    await generateTraces(out, { format: "verl", seed: 3, prompts, steps, groupSize, labels: false });
    writeFileSync(stamp, same);
  }
  const genMs = performance.now() - t0;
  t0 = performance.now();
  const { trajectories } = await loadTrajectories(Array.from({ length: steps }, (_, k) => join(out, `${k + 1}.jsonl`)));
  const loadMs = performance.now() - t0;
  t0 = performance.now();
  const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
  const labelMs = performance.now() - t0;

  t0 = performance.now();
  // the least the sample's full text costs: JSON + gzip of as many trajectories as the sample holds
  const baseline = gzipSync(Buffer.from(JSON.stringify(trajectories.slice(0, Number(values.sample)))), {
    level: 9,
  }).length;
  const baselineMs = performance.now() - t0;
  t0 = performance.now();
  const html = await reportHtml(trajectories, rows, { sample: Number(values.sample), source: out });
  const buildMs = performance.now() - t0;
  writeFileSync(file, html);
  return {
    generateMs: Math.round(genMs),
    loadMs: Math.round(loadMs),
    labelMs: Math.round(labelMs),
    buildMs: Math.round(buildMs),
    baselineJsonGzipMs: Math.round(baselineMs),
    buildOverBaseline: +(buildMs / baselineMs).toFixed(2),
    sampleJsonGzipMB: +(baseline / 1e6).toFixed(2),
    rollouts: trajectories.length,
  };
}

const browser = await chromium.launch({
  executablePath: process.env.SOUNDING_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const [vw, vh] = values.viewport.split("x").map(Number);
const page = await browser.newPage({ viewport: { width: vw, height: vh } });
const requests = [];
page.on("request", (r) => requests.push(r.url()));
await page.goto(pathToFileURL(file).href);
await page.waitForSelector("body[data-ready='1'][data-text='1']", { timeout: 300_000 });
const paint = await page.evaluate(() => ({
  fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
  ready: performance.getEntriesByName("sounding-ready")[0]?.startTime ?? NaN,
  text: performance.getEntriesByName("sounding-text")[0]?.startTime ?? NaN,
}));
const moves = Number(values.moves);
const measured = await page.evaluate(async (count) => {
  // every slider in turn, each to a value drawn from its range by a fixed LCG (B_v included: a new
  // B_v replays the columns the first time)
  const inputs = [...document.querySelectorAll("input[data-knob]")];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const perMove = [];
  for (let k = 0; k < count; k++) {
    const input = inputs[k % inputs.length];
    const min = Number(input.min);
    const max = Number(input.max);
    const step = Number(input.step);
    const at = Math.round(rand() * Math.round((max - min) / step));
    input.value = String(+(min + at * step).toFixed(6));
    const t0 = performance.now();
    input.dispatchEvent(new Event("input"));
    // the frame after the update is painted before the next move
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    perMove.push({ knob: input.getAttribute("data-knob"), nextPaint: performance.now() - t0 });
  }
  const times = window.soundingReport.updateTimes();
  // baseline: one multiply-add per rollout over arrays of the same length, timed here
  const n = window.soundingReport.rewards().length;
  const x = new Float64Array(n).map((_, i) => (i % 7) / 7);
  const y = new Float64Array(n);
  const base = [];
  for (let k = 0; k < 21; k++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) y[i] = 0.1 * x[i] + k;
    base.push(performance.now() - t0);
  }
  return { times, perMove, base, n };
}, moves);
await page.screenshot({ path: join(out, "report.png") });
await browser.close();

const { times, perMove, base: basePass } = measured;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const med = (key) => +median(times.map((t) => t[key])).toFixed(1);
const total = median(times.map((t) => t.total));
const kernel = median(times.map((t) => t.kernel));
const passMs = median(basePass);
const byKnob = {};
perMove.forEach((m, k) => (byKnob[m.knob] ??= []).push(times[k]?.total ?? NaN));
const r = {
  rollouts: measured.n,
  sample: Number(values.sample),
  ...r0,
  fileMB: +(bytes / 1e6).toFixed(2),
  firstContentfulPaintMs: Math.round(paint.fcp),
  tableDrawnMs: Math.round(paint.ready),
  sampleTextLoadedMs: Math.round(paint.text),
  moves: perMove.length,
  updates: times.length,
  tunerMedianMs: +total.toFixed(1),
  tunerWaitMedianMs: med("wait"),
  tunerKernelMedianMs: +kernel.toFixed(1),
  tunerViewsMedianMs: med("views"),
  tunerLayoutMedianMs: med("layout"),
  tunerToNextPaintMedianMs: +median(perMove.map((m) => m.nextPaint)).toFixed(1),
  tunerMedianMsByKnob: Object.fromEntries(Object.entries(byKnob).map(([k, v]) => [k, +median(v).toFixed(1)])),
  tunerMaxMs: +Math.max(...times.map((t) => t.total)).toFixed(1),
  kernelShareOfUpdate: +(kernel / total).toFixed(2),
  baselinePassMedianMs: +passMs.toFixed(2),
  tunerOverBaselinePass: +(total / passMs).toFixed(1),
  requestsBesidesTheFile: requests.length - 1,
  viewport: values.viewport,
  loadAverage: loadavg().map((x) => +x.toFixed(2)),
  bars: { fileMB: "≤ 25", tunerMedianMs: "≤ 50" },
};
console.log(JSON.stringify(r, null, 2));
writeFileSync(join(out, "result.json"), JSON.stringify(r, null, 2) + "\n");
writeFileSync(
  join(out, "moves.json"),
  JSON.stringify(times.map((t, k) => ({ knob: perMove[k]?.knob, ...t, nextPaint: perMove[k]?.nextPaint }))) + "\n",
);
