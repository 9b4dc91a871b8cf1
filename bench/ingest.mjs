// Benchmark: every reader against a bare JSON.parse pass over the same file, in one process.
// For each reader a file of its writer's layout (`--mb` MB, built under bench/out by repeating
// rows of the real samples in ../shared/data, or generated from the writer's schema) is read
// as a user's load reads it (`streamTrajectories`, format detected), alternating with the bare
// pass (JSON Lines: readline + JSON.parse a line; a JSON document: readFile + one JSON.parse;
// an Inspect `.eval` zip: the same sample texts uncompressed, one a line). After one warm-up of
// each, `--rounds` rounds; the ratio is bare / sounding CPU ms over the medians (≥ 0.5 is the
// bar; CPU time, as the machine is shared: see lib.mjs `timed`).
// A compressed archive has two baselines, both reported: `ratio` (the bar) against JSON.parse of
// the decompressed sample texts, which charges sounding for decompression; `ratioUnzip` against
// reading the archive, decompressing each member with the fastest decoder at hand (zlib inflate;
// zstd: Node's own where it exists, else the same wasm decoder sounding uses) and JSON.parse:
// the least any reader of the file must do (lib.mjs `bareUnzipParse`).
// The large-file Fathom run with peak RSS per process is bench/ingest-large.mjs.
//
//   npm run build && node bench/ingest.mjs [--mb 20] [--rounds 3] [--only verl,inspect-json]
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { crc32, deflateRawSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import {
  OUT_DIR,
  bareParse,
  bareUnzipParse,
  buildFile,
  cycle,
  hasZstd,
  median,
  readJsonl,
  rng,
  shared,
  SHARED,
  timed,
  zip,
} from "./lib.mjs";
import {
  atifTraj,
  inspectSample,
  miniTraj,
  miroflowLog,
  searchO1Row,
  searchR1Row,
  skyrlRow,
  sweTraj,
  verifiersRow,
} from "./dialect-files.mjs";
import { existsSync } from "node:fs";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
  },
});
const MB = Number(values.mb);
const BYTES = MB * 1048576;
const ROUNDS = Number(values.rounds);
const only = values.only ? new Set(values.only.split(",")) : null;
mkdirSync(OUT_DIR, { recursive: true });

const { streamTrajectories, emptyReport } = await import("../dist/index.js");

/** Cases: {name, reader (the format detection must pick), file, baseFile}. */
const cases = [];
const skipped = [];
const seeded = (make) => {
  const r = rng(42);
  return (i) => make(r, i);
};
const add = (name, reader, needs, build) => {
  if (only && !only.has(name)) return;
  if (needs && !existsSync(shared(needs))) {
    skipped.push(
      `${name}: skipped (${join(SHARED, needs)} is not there: ../shared/data must sit beside the repository)`,
    );
    return;
  }
  const { file, baseFile } = build();
  cases.push({ name, reader, file, baseFile: baseFile ?? file, zipped: file.endsWith(".eval") });
};
const f = (name, ext) => `${name}-${MB}mb.${ext}`;
const jsonOf = (rel) => JSON.parse(readFileSync(shared(rel), "utf8"));
const one = (file) => ({ file });

add("fathom", "fathom", "harness/fathom/frames-Fathom-Search-4B.jsonl", () =>
  one(
    buildFile(
      f("fathom", "jsonl"),
      "jsonl",
      BYTES,
      cycle(readJsonl(shared("harness/fathom/frames-Fathom-Search-4B.jsonl"))),
    ),
  ),
);
add("qwen-agent", "qwen-agent", "webdancer/sample_traj.jsonl", () =>
  one(buildFile(f("qwen-agent", "jsonl"), "jsonl", BYTES, cycle(readJsonl(shared("webdancer/sample_traj.jsonl"))))),
);
add("openai-chat", "openai-chat", "tau_bench/gpt-4o-airline.json", () =>
  one(buildFile(f("openai-chat", "json"), "array", BYTES, cycle(jsonOf("tau_bench/gpt-4o-airline.json")))),
);
add("openai-responses", "openai-responses", "nemo_gym/google_search__example_rollouts.jsonl", () =>
  one(
    buildFile(
      f("openai-responses", "jsonl"),
      "jsonl",
      BYTES,
      cycle(readJsonl(shared("nemo_gym/google_search__example_rollouts.jsonl"))),
    ),
  ),
);
add("r1-searcher", "r1-searcher", "r1_searcher/bamboogle_qwen.jsonl", () =>
  one(
    buildFile(f("r1-searcher", "jsonl"), "jsonl", BYTES, cycle(readJsonl(shared("r1_searcher/bamboogle_qwen.jsonl")))),
  ),
);
add("search-r1", "search-r1", null, () => one(buildFile(f("search-r1", "jsonl"), "jsonl", BYTES, seeded(searchR1Row))));
add("search-o1", "search-o1", null, () => one(buildFile(f("search-o1", "jsonl"), "jsonl", BYTES, seeded(searchO1Row))));
add("react", "react", "fireact/hotpotqa_dev_0_500_llama-2-13b.json", () => {
  const vs = Object.values(jsonOf("fireact/hotpotqa_dev_0_500_llama-2-13b.json"));
  return one(buildFile(f("react-keyed", "json"), "keyed", BYTES, cycle(vs)));
});
add("verl", "verl", "harness/verl/1.jsonl", () =>
  one(buildFile(f("verl", "jsonl"), "jsonl", BYTES, cycle(readJsonl(shared("harness/verl/1.jsonl"))))),
);
add("verifiers", "verifiers", null, () =>
  one(buildFile(f("verifiers", "jsonl"), "jsonl", BYTES, seeded(verifiersRow))),
);
add("inspect-json", "inspect", null, () => {
  const file = join(OUT_DIR, f("inspect-log", "json"));
  if (!(existsSync(file) && statSync(file).size >= BYTES)) {
    const make = seeded(inspectSample);
    const samples = [];
    for (let i = 0, n = 0; n < BYTES; i++) {
      const s = make(i);
      n += JSON.stringify(s, null, 2).length;
      samples.push(s);
    }
    const log = {
      version: 2,
      status: "success",
      eval: { task: "bench", model: "bench/model" },
      plan: {},
      results: {},
      stats: {},
      samples,
    };
    writeFileSync(file, JSON.stringify(log, null, 2) + "\n");
  }
  return { file };
});
{
  // .eval archives: one samples/{id}_epoch_{n}.json member a sample; the baseline parses the same texts
  const evalCase = (name, method, compress) =>
    add(name, "inspect", null, () => {
      const baseFile = buildFile(f("eval-samples", "jsonl"), "jsonl", BYTES, seeded(inspectSample));
      const file = join(OUT_DIR, f(name, "eval"));
      if (!(existsSync(file) && statSync(file).mtimeMs >= statSync(baseFile).mtimeMs)) {
        const texts = readFileSync(baseFile, "utf8").split("\n").filter(Boolean);
        const members = texts.map((t, i) => {
          const v = JSON.parse(t);
          return {
            name: `samples/${v.id}_epoch_${v.epoch}.json`,
            body: compress(t),
            method,
            size: Buffer.byteLength(t),
            crc: crc32(t) >>> 0,
            i,
          };
        });
        writeFileSync(file, zip(members));
      }
      return { file, baseFile };
    });
  evalCase("eval-deflate", 8, (t) => deflateRawSync(Buffer.from(t)));
  if (hasZstd())
    evalCase(
      "eval-zstd",
      93,
      (t) => spawnSync("zstd", ["-3", "-q", "-c"], { input: Buffer.from(t), maxBuffer: 1 << 28 }).stdout,
    );
  else if (!only || only.has("eval-zstd"))
    skipped.push("eval-zstd: skipped (no `zstd` tool to compress the members with)");
}
add("swe-agent", "swe-agent", null, () => one(buildFile(f("swe-agent", "jsonl"), "jsonl", BYTES, seeded(sweTraj))));
add("mini-swe-agent", "mini-swe-agent", null, () =>
  one(buildFile(f("mini-swe-agent", "jsonl"), "jsonl", BYTES, seeded(miniTraj))),
);
add("openhands", "openhands", "openhands/basic_gui_mode.json", () => {
  const events = jsonOf("openhands/basic_gui_mode.json");
  return one(
    buildFile(f("openhands", "jsonl"), "jsonl", BYTES, (i) => ({
      instance_id: `inst-${i}`,
      instruction: "task",
      history: events,
      test_result: { resolved: i % 2 === 0 },
    })),
  );
});
add("atif", "atif", null, () => one(buildFile(f("atif", "jsonl"), "jsonl", BYTES, seeded(atifTraj))));
add("toolbench", "toolbench", "toolbench/G1_59_ChatGPT_DFS_woFilter_w2.json", () => {
  const a = jsonOf("toolbench/G1_59_ChatGPT_DFS_woFilter_w2.json");
  return one(buildFile(f("toolbench", "jsonl"), "jsonl", BYTES, (i) => ({ ...a, win: i % 3 === 0 })));
});
add("miroflow", "miroflow", null, () => one(buildFile(f("miroflow", "jsonl"), "jsonl", BYTES, seeded(miroflowLog))));
add("recall-train", "recall-train", "harness/recall-train/train_1.jsonl", () =>
  one(
    buildFile(
      f("recall-train", "jsonl"),
      "jsonl",
      BYTES,
      cycle(readJsonl(shared("harness/recall-train/train_1.jsonl"))),
    ),
  ),
);
add("flashrag", "flashrag", "harness/recall-eval/intermediate_data.json", () =>
  one(buildFile(f("flashrag", "json"), "array", BYTES, cycle(jsonOf("harness/recall-eval/intermediate_data.json")))),
);
add("skyrl", "skyrl", null, () => one(buildFile(f("skyrl", "jsonl"), "jsonl", BYTES, seeded(skyrlRow))));

async function sounding(file) {
  const report = emptyReport();
  let rows = 0;
  let calls = 0;
  for await (const t of streamTrajectories(file, {}, report)) {
    rows++;
    calls += t.calls.length;
  }
  const fr = report.files[0];
  return { rows, calls, format: fr?.format ?? null, errors: fr?.errors ?? 0 };
}

for (const s of skipped) console.log(s);
const results = [];
for (const c of cases) {
  await bareParse(c.baseFile); // warm-up
  const first = await sounding(c.file);
  if (first.format !== c.reader) throw new Error(`${c.name}: detected as ${first.format}, not ${c.reader}`);
  if (first.errors) throw new Error(`${c.name}: ${first.errors} errors reading ${c.file}`);
  const bare = [];
  const mine = [];
  const unzip = [];
  if (c.zipped) await bareUnzipParse(c.file); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    bare.push((await timed(() => bareParse(c.baseFile))).ms);
    mine.push((await timed(() => sounding(c.file))).ms);
    if (c.zipped) unzip.push((await timed(() => bareUnzipParse(c.file))).ms);
  }
  const mb = statSync(c.baseFile).size / 1048576;
  const b = median(bare);
  const s = median(mine);
  const r = {
    name: c.name,
    reader: c.reader,
    contentMB: +mb.toFixed(1),
    trajectories: first.rows,
    calls: first.calls,
    bareMBps: +(mb / (b / 1000)).toFixed(1),
    soundingMBps: +(mb / (s / 1000)).toFixed(1),
    ratio: +(b / s).toFixed(3),
    ...(c.zipped ? { ratioUnzip: +(median(unzip) / s).toFixed(3) } : {}),
  };
  results.push(r);
  console.log(
    `${r.name.padEnd(17)} ${String(r.contentMB).padStart(5)} MB ${String(r.trajectories).padStart(7)} traj ${String(r.calls).padStart(8)} calls` +
      `  bare ${String(r.bareMBps).padStart(6)} MB/s  sounding ${String(r.soundingMBps).padStart(6)} MB/s  ratio ${r.ratio.toFixed(3)}` +
      (r.ratioUnzip !== undefined ? ` (unzip+parse baseline: ${r.ratioUnzip.toFixed(3)})` : "") +
      (r.ratio < 0.5 ? "  BELOW 0.5" : ""),
  );
}
const below = results.filter((r) => r.ratio < 0.5);
console.log(
  below.length
    ? `${below.length} of ${results.length} below 0.5: ${below.map((r) => `${r.name} ${r.ratio.toFixed(3)}`).join(", ")}`
    : `all ${results.length} readers at or above 0.5 × bare JSON.parse (lowest: ${[...results].sort((a, b) => a.ratio - b.ratio)[0]?.name})`,
);
writeFileSync(
  join(OUT_DIR, "ingest.json"),
  JSON.stringify({ mb: MB, rounds: ROUNDS, node: process.version, skipped, results }, null, 2) + "\n",
);
