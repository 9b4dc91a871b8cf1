// Benchmark: Inspect .eval archives and the event-style readers against a bare JSON.parse pass over
// the same content, in the same run. Each measurement runs in its own child process, alternating
// baseline / sounding, 3 rounds; medians reported.
//
// - eval-deflate / eval-zstd: `readRecords` over a .eval zip of N sample members (DEFLATE, and zstd
//   when the `zstd` tool is installed to compress with) vs readline + JSON.parse over a JSON Lines
//   file holding the same sample texts uncompressed.
// - openhands / toolbench / atif / miroflow: `streamTrajectories` (format detection on) over a
//   JSON Lines file of records vs readline + JSON.parse over that file. OpenHands and ToolBench
//   rows are built from ../shared/data samples (skipped when absent); ATIF and MiroFlow rows are
//   generated here from the writers' schemas. Files are written to bench/out (not committed).
//
//   npm run build && node bench/ingest-archive.mjs [--mb 40] [--rounds 3]
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { crc32, deflateRawSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const SHARED = join(here, "..", "..", "shared", "data");
const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "40" },
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

async function records(file) {
  const { readRecords } = await import("../dist/index.js");
  let rows = 0;
  let bad = 0;
  for await (const batch of readRecords(file))
    for (const r of batch) {
      if (r.kind === "value") rows++;
      else bad++;
    }
  if (bad) throw new Error(`${bad} bad records in ${file}`);
  return { rows, calls: null };
}

async function trajectories(file) {
  const { streamTrajectories, emptyReport } = await import("../dist/index.js");
  let rows = 0;
  let calls = 0;
  const report = emptyReport();
  for await (const t of streamTrajectories(file, {}, report)) {
    rows++;
    calls += t.calls.length;
  }
  return { rows, calls, format: report.files[0]?.format ?? null, errors: report.files[0]?.errors ?? 0 };
}

if (values.child) {
  if (values.child !== "baseline") await import("../dist/index.js"); // module load is not ingest time
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r =
    values.child === "baseline"
      ? await baseline(values.file)
      : values.child === "records"
        ? await records(values.file)
        : await trajectories(values.file);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ...r, ms: (c.user + c.system) / 1000, wallMs }));
  process.exit(0);
}

// ------------------------------------------------------------------ inputs

/** A zip of `members` ({name, body, method, size, crc}), written from PKWARE's APPNOTE. */
function zip(members) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x800, 6);
    h.writeUInt16LE(m.method, 8);
    h.writeUInt32LE(m.crc, 14);
    h.writeUInt32LE(m.body.length, 18);
    h.writeUInt32LE(m.size, 22);
    h.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(m.method, 10);
    c.writeUInt32LE(m.crc, 16);
    c.writeUInt32LE(m.body.length, 20);
    c.writeUInt32LE(m.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    parts.push(h, name, m.body);
    offset += 30 + name.length + m.body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

function hasZstd() {
  return spawnSync("zstd", ["--version"], { stdio: "ignore" }).status === 0;
}

const out = join(here, "out");
mkdirSync(out, { recursive: true });
const targetBytes = Number(values.mb) * 1048576;
const cases = []; // {name, file, baseFile, mode}

function writeJsonl(name, makeRow) {
  const file = join(out, `${name}-${values.mb}mb.jsonl`);
  if (!existsSync(file) || statSync(file).size < targetBytes) {
    const lines = [];
    let bytes = 0;
    for (let i = 0; bytes < targetBytes; i++) {
      const l = JSON.stringify(makeRow(i));
      lines.push(l);
      bytes += l.length + 1;
    }
    writeFileSync(file, lines.join("\n") + "\n");
  }
  return file;
}

// .eval archives from the real Inspect sample (or a generated one without ../shared)
async function realEvalSample() {
  const path = join(SHARED, "inspect/log_message_deduplication.eval");
  if (!existsSync(path)) return null;
  const { readRecords } = await import("../dist/index.js");
  for await (const batch of readRecords(path)) for (const r of batch) if (r.kind === "value") return r.value;
  return null;
}
const evalSample = await realEvalSample();
const sampleOf = (i) =>
  evalSample
    ? { ...evalSample, id: i, epoch: 1 }
    : {
        id: i,
        epoch: 1,
        messages: Array.from({ length: 40 }, (_, k) => ({
          role: k % 2 ? "assistant" : "user",
          content: `turn ${k} `.repeat(200),
        })),
      };
const texts = [];
for (let i = 0, bytes = 0; bytes < targetBytes; i++) {
  const t = JSON.stringify(sampleOf(i));
  texts.push(t);
  bytes += t.length;
}
const evalBase = join(out, `eval-samples-${values.mb}mb.jsonl`);
writeFileSync(evalBase, texts.join("\n") + "\n");
const deflated = join(out, `eval-deflate-${values.mb}mb.eval`);
writeFileSync(
  deflated,
  zip(
    texts.map((t, i) => ({
      name: `samples/${i}_epoch_1.json`,
      body: deflateRawSync(Buffer.from(t)),
      method: 8,
      size: Buffer.byteLength(t),
      crc: crc32(t) >>> 0,
    })),
  ),
);
cases.push({ name: "eval-deflate", file: deflated, baseFile: evalBase, mode: "records" });
if (hasZstd()) {
  const zstdOf = (t) => spawnSync("zstd", ["-3", "-q", "-c"], { input: Buffer.from(t), maxBuffer: 1 << 28 }).stdout;
  const zf = join(out, `eval-zstd-${values.mb}mb.eval`);
  writeFileSync(
    zf,
    zip(
      texts.map((t, i) => ({
        name: `samples/${i}_epoch_1.json`,
        body: zstdOf(t),
        method: 93,
        size: Buffer.byteLength(t),
        crc: crc32(t) >>> 0,
      })),
    ),
  );
  cases.push({ name: "eval-zstd", file: zf, baseFile: evalBase, mode: "records" });
}

if (existsSync(join(SHARED, "openhands"))) {
  const events = JSON.parse(readFileSync(join(SHARED, "openhands/basic_gui_mode.json"), "utf8"));
  const f = writeJsonl("openhands", (i) => ({
    instance_id: `inst-${i}`,
    instruction: "task",
    history: events,
    test_result: { resolved: i % 2 === 0 },
  }));
  cases.push({ name: "openhands", file: f, baseFile: f, mode: "trajectories" });
}
if (existsSync(join(SHARED, "toolbench"))) {
  const a = JSON.parse(readFileSync(join(SHARED, "toolbench/G1_59_ChatGPT_DFS_woFilter_w2.json"), "utf8"));
  const f = writeJsonl("toolbench", (i) => ({ ...a, win: i % 3 === 0 }));
  cases.push({ name: "toolbench", file: f, baseFile: f, mode: "trajectories" });
}
{
  const f = writeJsonl("atif", (i) => ({
    schema_version: "ATIF-v1.5",
    session_id: `s-${i}`,
    agent: { name: "terminus-2", version: "2.0.0", model_name: "qwen3-4b" },
    steps: [
      { step_id: 1, source: "user", message: `Question ${i}?` },
      ...Array.from({ length: 12 }, (_, k) => ({
        step_id: k + 2,
        source: "agent",
        message: `step ${k}`,
        reasoning_content: "Thinking about what to look up next. ".repeat(30),
        tool_calls: [
          {
            tool_call_id: `c${k}`,
            function_name: k % 2 ? "fetch_url" : "web_search",
            arguments: k % 2 ? { url: `https://x.example/${k}` } : { query: `q ${i} ${k}` },
          },
        ],
        observation: {
          results: [
            {
              source_call_id: `c${k}`,
              content: Array.from(
                { length: 8 },
                (_, h) =>
                  `${h + 1}. [Title ${h}](https://x${h}.example/${k})\n` + "Snippet text of the hit. ".repeat(12),
              ).join("\n"),
            },
          ],
        },
      })),
      { step_id: 14, source: "agent", message: "final answer" },
    ],
  }));
  cases.push({ name: "atif", file: f, baseFile: f, mode: "trajectories" });
}
{
  const call = (server, tool, args) =>
    `<use_mcp_tool>\n<server_name>${server}</server_name>\n<tool_name>${tool}</tool_name>\n<arguments>\n${JSON.stringify(args)}\n</arguments>\n</use_mcp_tool>`;
  const text = (t) => [{ type: "text", text: t }];
  // a Serper-style result list as MiroFlow's google_search returns it: ten hits, a few KB
  const hits = (i, k) =>
    JSON.stringify({
      organic: Array.from({ length: 10 }, (_, h) => ({
        title: `Result ${h} for query ${i}/${k}`,
        link: `https://site${h}.example/page/${i}/${k}`,
        snippet: "A snippet of the page that matched the query, as the search engine returned it. ".repeat(3),
        position: h + 1,
      })),
    });
  const f = writeJsonl("miroflow", (i) => ({
    status: "completed",
    task_id: `task-${i}`,
    ground_truth: "Lima",
    input: { task_description: `Question ${i}?`, task_file_name: "", metadata: {} },
    final_boxed_answer: "Lima",
    judge_result: i % 2 ? "CORRECT" : "INCORRECT",
    main_agent_message_history: {
      system_prompt: "system ".repeat(100),
      message_history: [
        { role: "user", content: text(`Question ${i}?`) },
        ...Array.from({ length: 10 }, (_, k) => [
          {
            role: "assistant",
            content: text(
              "I should look this up. ".repeat(60) + call("tool-google-search", "google_search", { q: `q ${i} ${k}` }),
            ),
          },
          { role: "user", content: text(hits(i, k)) },
        ]).flat(),
        { role: "assistant", content: text("\\boxed{Lima}") },
      ],
    },
    sub_agent_message_history_sessions: {},
    step_logs: [],
  }));
  cases.push({ name: "miroflow", file: f, baseFile: f, mode: "trajectories" });
}

// ------------------------------------------------------------------ runs

function measure(mode, file) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", mode, "--file", file], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${mode} ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = { rounds: Number(values.rounds), node: process.version, cases: {} };
for (const c of cases) {
  const base = [];
  const mine = [];
  for (let i = 0; i < result.rounds; i++) {
    base.push(measure("baseline", c.baseFile));
    mine.push(measure(c.mode, c.file));
  }
  const mb = statSync(c.baseFile).size / 1048576;
  const b = median(base.map((r) => r.ms));
  const s = median(mine.map((r) => r.ms));
  result.cases[c.name] = {
    contentMB: +mb.toFixed(1),
    fileMB: +(statSync(c.file).size / 1048576).toFixed(1),
    rows: mine[0].rows,
    calls: mine[0].calls,
    format: mine[0].format ?? null,
    baselineMBps: +(mb / (b / 1000)).toFixed(1),
    soundingMBps: +(mb / (s / 1000)).toFixed(1),
    ratio: +(b / s).toFixed(3),
    wallRatio: +(median(base.map((r) => r.wallMs)) / median(mine.map((r) => r.wallMs))).toFixed(3),
  };
  if (mine[0].rows !== base[0].rows)
    throw new Error(`${c.name}: ${mine[0].rows} records read, ${base[0].rows} in the baseline`);
  const r = result.cases[c.name];
  console.log(
    `${c.name.padEnd(13)} ${String(r.rows).padStart(6)} rows  baseline ${String(r.baselineMBps).padStart(6)} MB/s  sounding ${String(r.soundingMBps).padStart(6)} MB/s  ratio ${r.ratio} (wall ${r.wallRatio})`,
  );
}
writeFileSync(join(out, "ingest-archive.json"), JSON.stringify(result, null, 2) + "\n");
