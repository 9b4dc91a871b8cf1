// Benchmark: sounding's Fathom reader vs a bare `readline` + `JSON.parse` loop over the same
// generated ≥ 200 MB file, in the same run. Each measurement runs in its own child process
// (so peak RSS is per reader), alternating baseline / sounding, 3 rounds; medians reported.
// Then the chat dialects (verifiers, Inspect JSON log, SWE-agent, mini-swe-agent), each on a
// generated file of its writer's layout (bench/dialect-files.mjs, `--dialect-mb` MB each),
// detected as a user's load would, against a bare JSON.parse pass over the same file.
//
//   npm run bench            (or: node bench/ingest.mjs [--mb 200] [--rounds 3] [--dialect-mb 40] [--dialects-only])
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    child: { type: "string" },
    file: { type: "string" },
    "dialect-mb": { type: "string", default: "40" },
    "dialects-only": { type: "boolean", default: false },
  },
});

/** A bare JSON.parse pass: JSON Lines line by line, a JSON document whole. */
async function bareParse(file) {
  const { readFile } = await import("node:fs/promises");
  if (file.endsWith(".jsonl")) return baseline(file);
  const v = JSON.parse(await readFile(file, "utf8"));
  return { rows: Array.isArray(v) ? v.length : Array.isArray(v.samples) ? v.samples.length : 1, calls: null };
}

async function baseline(file) {
  let rows = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    JSON.parse(line);
    rows++;
  }
  return { rows, calls: null };
}

async function sounding(file, format) {
  const { streamTrajectories } = await import("../dist/index.js");
  let rows = 0;
  let calls = 0;
  for await (const t of streamTrajectories(file, format ? { format } : {})) {
    rows++;
    calls += t.calls.length;
  }
  return { rows, calls };
}

if (values.child) {
  // the dialect runs time the read only (the library import is not part of a file's read)
  if (values.child === "dialect") await import("../dist/index.js");
  const t0 = process.hrtime.bigint();
  const c = values.child;
  const r =
    c === "baseline"
      ? await baseline(values.file)
      : c === "bare"
        ? await bareParse(values.file)
        : await sounding(values.file, c === "sounding" ? "fathom" : undefined); // "dialect": detected
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ...r, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const out = join(here, "out");
mkdirSync(out, { recursive: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(mode, file) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", mode, "--file", file], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

if (!values["dialects-only"]) {
  const targetMB = Number(values.mb);
  const file = join(out, `fathom-${targetMB}mb.jsonl`);
  if (!existsSync(file) || statSync(file).size < targetMB * 1048576) {
    const { generateTraces } = await import("../dist/index.js");
    let prompts = Math.ceil((targetMB * 1048576) / 15000);
    for (;;) {
      const t0 = Date.now();
      await generateTraces(
        out,
        { seed: 42, prompts, breadth: 2.5, verification: 1.5, labels: false },
        `fathom-${targetMB}mb`,
      );
      const size = statSync(file).size;
      process.stderr.write(
        `generated ${file}: ${(size / 1048576).toFixed(0)} MB, ${prompts} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
      );
      if (size >= targetMB * 1048576) break;
      prompts = Math.ceil((prompts * targetMB * 1048576) / size) + 100;
    }
  }
  const bytes = statSync(file).size;
  const mb = bytes / 1048576;

  const modes = ["baseline", "sounding", "sounding-detect"];
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < Number(values.rounds); i++) for (const m of modes) runs[m].push(measure(m, file));
  const summary = {};
  for (const m of modes) {
    const ms = median(runs[m].map((r) => r.ms));
    summary[m] = {
      mbPerS: +(mb / (ms / 1000)).toFixed(1),
      medianMs: +ms.toFixed(0),
      peakRssMB: +Math.max(...runs[m].map((r) => r.maxRssMB)).toFixed(0),
      rows: runs[m][0].rows,
      calls: runs[m][0].calls,
    };
  }
  const result = {
    file,
    fileMB: +mb.toFixed(1),
    rounds: Number(values.rounds),
    ...summary,
    ratio: +(summary.sounding.mbPerS / summary.baseline.mbPerS).toFixed(3),
    ratioWithDetection: +(summary["sounding-detect"].mbPerS / summary.baseline.mbPerS).toFixed(3),
    node: process.version,
  };
  writeFileSync(join(out, "ingest.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(
    `file ${result.fileMB} MB, ${summary.baseline.rows} rows, ${summary.sounding.calls} tool calls; median of ${result.rounds} rounds`,
  );
  for (const m of modes)
    console.log(
      `${m.padEnd(16)} ${String(summary[m].mbPerS).padStart(7)} MB/s  ${String(summary[m].medianMs).padStart(6)} ms  peak RSS ${summary[m].peakRssMB} MB`,
    );
  console.log(
    `ratio sounding / bare readline+JSON.parse: ${result.ratio} (with format detection: ${result.ratioWithDetection})`,
  );
}

// the chat dialects: each file of its writer's layout, detected, vs a bare JSON.parse pass
{
  const { dialectFiles } = await import("./dialect-files.mjs");
  const files = dialectFiles(out, Number(values["dialect-mb"]));
  const dialects = {};
  for (const [name, file] of Object.entries(files)) {
    const runs = { bare: [], detect: [] };
    for (let i = 0; i < Number(values.rounds); i++)
      for (const m of ["bare", "detect"]) runs[m].push(measure(m === "detect" ? "dialect" : "bare", file));
    const fmb = statSync(file).size / 1048576;
    const bare = median(runs.bare.map((r) => r.ms));
    const ms = median(runs.detect.map((r) => r.ms));
    dialects[name] = {
      file,
      fileMB: +fmb.toFixed(1),
      rollouts: runs.detect[0].rows,
      calls: runs.detect[0].calls,
      bareMbPerS: +(fmb / (bare / 1000)).toFixed(1),
      soundingMbPerS: +(fmb / (ms / 1000)).toFixed(1),
      ratio: +(bare / ms).toFixed(3),
    };
    const d = dialects[name];
    console.log(
      `${name.padEnd(16)} ${d.fileMB} MB, ${d.rollouts} rollouts, ${d.calls} calls: bare JSON.parse ${d.bareMbPerS} MB/s, sounding ${d.soundingMbPerS} MB/s, ratio ${d.ratio}`,
    );
  }
  writeFileSync(
    join(out, "ingest-dialects.json"),
    JSON.stringify({ rounds: Number(values.rounds), node: process.version, dialects }, null, 2) + "\n",
  );
}
