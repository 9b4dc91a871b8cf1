// Benchmark: sounding's Fathom reader vs a bare `readline` + `JSON.parse` loop over the same
// generated ≥ 200 MB file, in the same run. Each measurement runs in its own child process
// (so peak RSS is per reader), alternating baseline / sounding, 3 rounds; medians reported.
// Every reader at tens of MB in one process is bench/ingest.mjs.
//
//   node bench/ingest-large.mjs [--mb 200] [--rounds 3]
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    child: { type: "string" },
    file: { type: "string" },
  },
});

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
  const t0 = process.hrtime.bigint();
  const c = values.child;
  const r =
    c === "baseline"
      ? await baseline(values.file)
      : await sounding(values.file, c === "sounding" ? "fathom" : undefined);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ...r, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const out = join(here, "out");
mkdirSync(out, { recursive: true });

function measure(mode, file) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", mode, "--file", file], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

{
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
  writeFileSync(join(out, "ingest-large.json"), JSON.stringify(result, null, 2) + "\n");
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
