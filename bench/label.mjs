// Benchmark: the deterministic labeller over ≥ 10^6 tool calls, against a baseline pass in the
// same process that only reads every call's query, URLs and response once (the least any
// labeller must do). The working set is the first --working trajectories of the generated
// 200 MB Fathom file of bench/ingest.mjs (default 3,000 ≈ 30k calls), labelled in repeated
// passes, alternating with the baseline; loading is timed separately and not counted. A
// second measurement times the end-to-end streaming path (read + label + write) over the
// whole file, as `sounding label` runs it.
//
//   npm run bench:label      (or: node bench/label.mjs [--calls 1000000])
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { availableParallelism } from "node:os";
import {
  generateTraces,
  HeuristicLabeller,
  streamTrajectories,
  labelSync,
  LabelSetWriter,
  labelFilesParallel,
  emptyReport,
} from "../dist/index.js";

if (!isMainThread) {
  // a labelling thread: load the same working set, wait for "go", label its share of the passes
  const ts = [];
  for await (const t of streamTrajectories(workerData.file, { format: "fathom" })) {
    ts.push(t);
    if (ts.length >= workerData.working) break;
  }
  const l = new HeuristicLabeller();
  for (const t of ts) l.label(t); // warm up
  parentPort.postMessage("ready");
  parentPort.once("message", () => {
    let n = 0;
    for (let p = 0; p < workerData.passes; p++) for (const t of ts) n += l.label(t).length;
    parentPort.postMessage(n);
  });
}

if (isMainThread) {
  const here = dirname(fileURLToPath(import.meta.url));
  const { values } = parseArgs({
    options: {
      calls: { type: "string", default: "1000000" },
      mb: { type: "string", default: "200" },
      working: { type: "string", default: "3000" },
    },
  });
  const target = Number(values.calls);
  const out = join(here, "out");
  mkdirSync(out, { recursive: true });
  const file = join(out, `fathom-${values.mb}mb.jsonl`);
  if (!existsSync(file) || statSync(file).size < Number(values.mb) * 1048576 * 0.9) {
    process.stderr.write(`generating ${file} …\n`);
    await generateTraces(
      out,
      {
        seed: 42,
        prompts: Math.ceil((Number(values.mb) * 1048576) / 15000),
        breadth: 2.5,
        verification: 1.5,
        labels: false,
      },
      `fathom-${values.mb}mb`,
    );
  }

  let t0 = performance.now();
  const trajectories = [];
  for await (const t of streamTrajectories(file, { format: "fathom" })) {
    trajectories.push(t);
    if (trajectories.length >= Number(values.working)) break;
  }
  const loadMs = performance.now() - t0;
  const perPass = trajectories.reduce((n, t) => n + t.calls.length, 0);
  const passes = Math.ceil(target / perPass);

  function baselinePass() {
    let h = 0;
    for (const t of trajectories)
      for (const c of t.calls) {
        for (const q of c.queries) h = (h + q.length) | 0;
        for (const u of c.urls) h = (h + u.length) | 0;
        const r = c.response ?? "";
        for (let i = 0; i < r.length; i += 64) h = (h * 31 + r.charCodeAt(i)) | 0;
      }
    return h;
  }

  const labeller = new HeuristicLabeller();
  function labelPass() {
    let n = 0;
    for (const t of trajectories) n += labeller.label(t).length;
    return n;
  }

  // warm up both, then alternate passes and sum
  baselinePass();
  labelPass();
  let baseMs = 0;
  let labelMs = 0;
  let labelled = 0;
  for (let p = 0; p < passes; p++) {
    t0 = performance.now();
    baselinePass();
    baseMs += performance.now() - t0;
    t0 = performance.now();
    labelled += labelPass();
    labelMs += performance.now() - t0;
  }
  // the same passes on every core: one labelling thread per core, each doing its share
  const threads = availableParallelism();
  const share = Math.ceil(passes / threads);
  const ws = Array.from(
    { length: threads },
    () =>
      new Worker(fileURLToPath(import.meta.url), {
        workerData: { file, working: Number(values.working), passes: share },
      }),
  );
  await Promise.all(ws.map((w) => new Promise((r) => w.once("message", r))));
  t0 = performance.now();
  const counts = await Promise.all(
    ws.map(
      (w) =>
        new Promise((r) => {
          w.once("message", r);
          w.postMessage("go");
        }),
    ),
  );
  const parallelMs = performance.now() - t0;
  await Promise.all(ws.map((w) => w.terminate()));
  const parallelCalls = counts.reduce((a, b) => a + b, 0);

  // end to end: stream the whole file, label, write the label set
  t0 = performance.now();
  const writer = await LabelSetWriter.open(join(out, "label-e2e"));
  let e2eCalls = 0;
  for await (const t of streamTrajectories(file, { format: "fathom" })) {
    const rows = labelSync(labeller, t);
    e2eCalls += rows.length;
    await writer.write(rows);
  }
  await writer.close(labeller.info);
  const e2eMs = performance.now() - t0;

  // end to end on every core: `sounding label --jobs N`
  t0 = performance.now();
  const pw = await LabelSetWriter.open(join(out, "label-e2e-jobs"));
  const prep = emptyReport();
  await labelFilesParallel([file], { jobs: threads, load: { format: "fathom" }, heuristic: {} }, pw, prep);
  await pw.close(labeller.info);
  const e2eJobsMs = performance.now() - t0;

  const result = {
    file,
    trajectories: trajectories.length,
    callsPerPass: perPass,
    passes,
    callsLabelled: labelled,
    loadSeconds: +(loadMs / 1000).toFixed(2),
    labelSeconds: +(labelMs / 1000).toFixed(2),
    callsPerSecond: Math.round(labelled / (labelMs / 1000)),
    baselineCallsPerSecond: Math.round(labelled / (baseMs / 1000)),
    ratioToBaseline: +(baseMs / labelMs).toFixed(3),
    allCores: {
      threads,
      calls: parallelCalls,
      seconds: +(parallelMs / 1000).toFixed(2),
      callsPerSecond: Math.round(parallelCalls / (parallelMs / 1000)),
    },
    endToEndJobs: {
      jobs: threads,
      calls: prep.toolCalls,
      seconds: +(e2eJobsMs / 1000).toFixed(2),
      callsPerSecond: Math.round(prep.toolCalls / (e2eJobsMs / 1000)),
    },
    endToEnd: {
      file,
      fileMB: +(statSync(file).size / 1048576).toFixed(1),
      calls: e2eCalls,
      seconds: +(e2eMs / 1000).toFixed(2),
      callsPerSecond: Math.round(e2eCalls / (e2eMs / 1000)),
    },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    node: process.version,
  };
  writeFileSync(join(out, "label.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(
    `${result.callsLabelled} calls (${passes} passes over ${result.trajectories} trajectories) labelled in ${result.labelSeconds} s: ${result.callsPerSecond} calls/s`,
  );
  console.log(
    `baseline read-every-call pass: ${result.baselineCallsPerSecond} calls/s; labeller / baseline speed ratio ${result.ratioToBaseline}`,
  );
  console.log(`load of the working set (not counted) ${result.loadSeconds} s; peak RSS ${result.peakRssMB} MB`);
  console.log(
    `on ${threads} threads: ${result.allCores.calls} calls in ${result.allCores.seconds} s = ${result.allCores.callsPerSecond} calls/s`,
  );
  console.log(
    `end to end (read + label + write) over ${result.endToEnd.fileMB} MB: ${result.endToEnd.calls} calls in ${result.endToEnd.seconds} s = ${result.endToEnd.callsPerSecond} calls/s; with --jobs ${threads}: ${result.endToEndJobs.seconds} s = ${result.endToEndJobs.callsPerSecond} calls/s`,
  );
}
