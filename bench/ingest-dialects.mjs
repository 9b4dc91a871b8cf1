// Benchmark: the text-rollout dialect readers (ReCall train saves, FlashRAG eval arrays, SkyRL eval
// dumps, verl dumps, Fathom harness rows, FireAct values) against a bare JSON.parse pass over the
// same bytes, in the same run. Files are built in bench/out by repeating the rows of the real
// harness files in ../shared/data (never committed); SkyRL rows are synthesised here. Each
// measurement runs in its own child process, alternating baseline / sounding; medians reported.
//
//   node bench/ingest-dialects.mjs [--mb 40] [--rounds 3]      (needs `npm run build` first)
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, "..", "..", "shared", "data");
const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "40" },
    rounds: { type: "string", default: "3" },
    child: { type: "string" },
    file: { type: "string" },
    format: { type: "string" },
    layout: { type: "string" },
  },
});

async function baseline(file, layout) {
  if (layout !== "jsonl") {
    const v = JSON.parse(readFileSync(file, "utf8"));
    return { rows: Array.isArray(v) ? v.length : Object.keys(v).length, calls: null };
  }
  let rows = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    JSON.parse(line);
    rows++;
  }
  return { rows, calls: null };
}

// module loading is a fixed start-up cost, not reading speed: each side's clock starts after its imports
let t0 = process.hrtime.bigint();

async function sounding(file, format, layout) {
  let rows = 0;
  let calls = 0;
  if (layout === "keyed") {
    // FireAct: the keyed object is expanded by the loader; here the values go to the reader directly
    const { reactReader } = await import("../dist/formats/react.js");
    const { toolRoles } = await import("../dist/trajectory/tool-roles.js");
    const roles = toolRoles();
    t0 = process.hrtime.bigint();
    for (const v of Object.values(JSON.parse(readFileSync(file, "utf8")))) {
      calls += reactReader.read(v, { file, line: 1, roles }).calls.length;
      rows++;
    }
    return { rows, calls };
  }
  const { streamTrajectories } = await import("../dist/formats/load.js");
  t0 = process.hrtime.bigint();
  for await (const t of streamTrajectories(file, { format })) {
    rows++;
    calls += t.calls.length;
  }
  return { rows, calls };
}

if (values.child) {
  t0 = process.hrtime.bigint();
  const r =
    values.child === "baseline"
      ? await baseline(values.file, values.layout)
      : await sounding(values.file, values.format, values.layout);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ...r, ms }));
  process.exit(0);
}

const target = Number(values.mb) * 1048576;
const out = join(here, "out");
mkdirSync(out, { recursive: true });

/** Repeat `unit` (an array of JSON values) until the serialised file reaches the target size. */
function build(name, unit, layout) {
  const file = join(out, name);
  if (existsSync(file) && statSync(file).size >= target) return file;
  const one = unit.map((v) => JSON.stringify(v));
  const unitBytes = one.reduce((n, s) => n + s.length + 1, 0);
  const reps = Math.max(1, Math.ceil(target / unitBytes));
  if (layout === "jsonl") {
    const lines = [];
    for (let i = 0; i < reps; i++) lines.push(...one);
    writeFileSync(file, lines.join("\n") + "\n");
  } else if (layout === "array") {
    const items = [];
    for (let i = 0; i < reps; i++) items.push(...one);
    writeFileSync(file, "[\n" + items.join(",\n") + "\n]\n");
  } else {
    const parts = [];
    for (let i = 0; i < reps; i++) unit.forEach((v, k) => parts.push(`${JSON.stringify(`${i}-${k}`)}: ${one[k]}`));
    writeFileSync(file, "{\n" + parts.join(",\n") + "\n}\n");
  }
  return file;
}

const jsonl = (p) =>
  readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

/** SkyRL search-env rows in the dump writer's layout (skyrl/train/utils/trainer_utils.py). */
function skyrlRows() {
  const rows = [];
  for (let i = 0; i < 50; i++) {
    let outText = "";
    for (let k = 0; k < 3; k++) {
      const docs = [1, 2, 3]
        .map((d) => `Doc ${d}: "Title ${i}-${k}-${d}"\n${"Passage text about the topic. ".repeat(20)}\n`)
        .join("");
      outText += `<think>Step ${k}: I need more.</think>\n<search> query ${i} ${k} </search><|im_end|>\n<|im_start|>user\n`;
      outText += `\n<information>${JSON.stringify({ result: docs })}</information>\n<|im_end|>\n<|im_start|>assistant\n`;
    }
    outText += `<think>Done.</think>\n<answer> answer ${i} </answer><|im_end|>`;
    rows.push({
      input_prompt: `<|im_start|>user\nAnswer the question. Question: q${i}?\n<|im_end|>\n<|im_start|>assistant\n`,
      output_response: outText,
      score: i % 2,
      stop_reason: "stop",
      env_class: "search",
      env_extras: {
        reward_spec: { method: "rule", ground_truth: { target: [`answer ${i}`] } },
        extra_info: { question: `q${i}?` },
      },
      data_source: "searchR1_nq",
    });
  }
  return rows;
}

const cases = [];
const add = (name, format, layout, src, unit) => {
  if (src && !existsSync(src)) {
    console.log(`${name}: skipped (${src} is not there: ../shared/data must sit beside the repository)`);
    return;
  }
  cases.push({
    name,
    format,
    layout,
    file: build(`dialect-${name}.${layout === "jsonl" ? "jsonl" : "json"}`, unit(), layout),
  });
};
const h = (rel) => join(shared, rel);
add("recall-train", "recall-train", "jsonl", h("harness/recall-train/train_1.jsonl"), () =>
  jsonl(h("harness/recall-train/train_1.jsonl")),
);
add("flashrag", "flashrag", "array", h("harness/recall-eval/intermediate_data.json"), () =>
  JSON.parse(readFileSync(h("harness/recall-eval/intermediate_data.json"), "utf8")),
);
add("skyrl", "skyrl", "jsonl", null, skyrlRows);
add("verl", "verl", "jsonl", h("harness/verl/1.jsonl"), () => jsonl(h("harness/verl/1.jsonl")));
add("fathom-harness", "fathom", "jsonl", h("harness/fathom/frames-Fathom-Search-4B.jsonl"), () =>
  jsonl(h("harness/fathom/frames-Fathom-Search-4B.jsonl")),
);
const fireact = h("fireact/hotpotqa_dev_0_500_llama-2-13b.json");
add("fireact-values", "react", "keyed", fireact, () => Object.values(JSON.parse(readFileSync(fireact, "utf8"))));

function measure(c, mode) {
  const args = [
    fileURLToPath(import.meta.url),
    "--child",
    mode,
    "--file",
    c.file,
    "--format",
    c.format,
    "--layout",
    c.layout,
  ];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${c.name} ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const c of cases) {
  const mb = statSync(c.file).size / 1048576;
  const runs = { baseline: [], sounding: [] };
  for (let i = 0; i < Number(values.rounds); i++) for (const m of ["baseline", "sounding"]) runs[m].push(measure(c, m));
  const rate = (m) => mb / (median(runs[m].map((r) => r.ms)) / 1000);
  const r = {
    dialect: c.name,
    fileMB: +mb.toFixed(1),
    rows: runs.sounding[0].rows,
    calls: runs.sounding[0].calls,
    baselineMBs: +rate("baseline").toFixed(1),
    soundingMBs: +rate("sounding").toFixed(1),
    ratio: +(rate("sounding") / rate("baseline")).toFixed(3),
  };
  results.push(r);
  console.log(
    `${r.dialect.padEnd(15)} ${String(r.fileMB).padStart(6)} MB ${String(r.rows).padStart(7)} rows  bare ${String(r.baselineMBs).padStart(6)} MB/s` +
      `  sounding ${String(r.soundingMBs).padStart(6)} MB/s  ratio ${r.ratio}${r.ratio < 0.5 ? "  (below 0.5)" : ""}`,
  );
}
writeFileSync(
  join(out, "ingest-dialects.json"),
  JSON.stringify({ rounds: Number(values.rounds), node: process.version, results }, null, 2) + "\n",
);
