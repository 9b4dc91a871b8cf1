// Helpers shared by the ingest benchmarks: seeded text, file builders (JSON Lines, JSON array,
// keyed object, zip), the bare JSON.parse baseline and in-process timing. Nothing here reads
// the library; inputs are written under bench/out (never committed).
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(BENCH_DIR, "out");
/** The real samples (../shared/data beside the repository); absent in a fresh clone. */
export const SHARED = join(BENCH_DIR, "..", "..", "shared", "data");
export const shared = (rel) => join(SHARED, rel);

/** A seeded LCG in [0, 1). */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const WORDS =
  "the river city council museum founded author novel election bridge century painter orbit protein coast".split(" ");
/** `n` seeded words. */
export function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out.join(" ");
}

/** Five search hits as a Python-repr list (Exa's reply text). */
export function pyHits(r) {
  const xs = [];
  for (let k = 0; k < 5; k++)
    xs.push(
      `{'title': '${words(r, 5)}', 'url': 'https://example.org/${k}/${Math.floor(r() * 1e6)}', 'highlights': '${words(r, 60)}'}`,
    );
  return `[${xs.join(", ")}]`;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The parsed rows of a JSON Lines file. */
export const readJsonl = (p) =>
  readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

const fresh = (file, bytes) => existsSync(file) && statSync(file).size >= bytes;

/**
 * Write `out/name` holding `make(i)` values (i = 0, 1, …) until the file reaches `bytes`, laid out
 * as JSON Lines (`jsonl`), a JSON array (`array`) or an object keyed by `"<i>"` (`keyed`). Kept
 * when a file of that size is already there.
 */
export function buildFile(name, layout, bytes, make) {
  const file = join(OUT_DIR, name);
  if (fresh(file, bytes)) return file;
  const parts = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const s = JSON.stringify(make(i));
    parts.push(layout === "keyed" ? `${JSON.stringify(String(i))}: ${s}` : s);
    n += s.length + 1;
  }
  if (layout === "jsonl") writeFileSync(file, parts.join("\n") + "\n");
  else if (layout === "array") writeFileSync(file, "[\n" + parts.join(",\n") + "\n]\n");
  else writeFileSync(file, "{\n" + parts.join(",\n") + "\n}\n");
  return file;
}

/** Cycle through `rows`, the i-th copy of each. */
export const cycle = (rows) => (i) => rows[i % rows.length];

/** A zip of `members` ({name, body, method, size, crc}), written from PKWARE's APPNOTE. */
export function zip(members) {
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

export function hasZstd() {
  return spawnSync("zstd", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * The bare baseline: JSON.parse over the same bytes with nothing else. JSON Lines line by line
 * (readline), any other file whole (one readFile, one JSON.parse). Returns the values parsed.
 */
export async function bareParse(file) {
  if (file.endsWith(".jsonl")) {
    let rows = 0;
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line) continue;
      JSON.parse(line);
      rows++;
    }
    return rows;
  }
  const v = JSON.parse(await readFile(file, "utf8"));
  return Array.isArray(v) ? v.length : 1;
}

/** Zstandard decoding for the baselines: Node's own where it exists (>= 22.15), else the wasm decoder sounding uses. */
let zstdDecode = null;
async function zstd() {
  if (zstdDecode) return zstdDecode;
  const zlib = await import("node:zlib");
  if (typeof zlib.zstdDecompressSync === "function") zstdDecode = (b) => zlib.zstdDecompressSync(b);
  else {
    const { ZSTDDecoder } = await import("zstddec");
    const d = new ZSTDDecoder();
    await d.init();
    zstdDecode = (b, size) => d.decode(b, size);
  }
  return zstdDecode;
}

/**
 * The second baseline for a zip of JSON members (an Inspect `.eval` as `zip` writes it: local
 * headers in order, sizes in them): read the file, decompress each member with the fastest
 * decoder at hand (zlib's inflate; zstd as `zstd()` picks) and JSON.parse it. This is the least
 * any reader of the archive must do; `bareParse` over the decompressed texts is the stricter bar.
 */
export async function bareUnzipParse(file) {
  const { inflateRawSync } = await import("node:zlib");
  const unzstd = await zstd();
  const b = await readFile(file);
  let rows = 0;
  for (let at = 0; b.readUInt32LE(at) === 0x04034b50;) {
    const method = b.readUInt16LE(at + 8);
    const size = b.readUInt32LE(at + 18);
    const raw = b.readUInt32LE(at + 22);
    const body = at + 30 + b.readUInt16LE(at + 26) + b.readUInt16LE(at + 28);
    const data = b.subarray(body, body + size);
    const out = method === 8 ? inflateRawSync(data) : method === 93 ? unzstd(data, raw) : data;
    JSON.parse(Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString("utf8"));
    rows++;
    at = body + size;
  }
  return rows;
}

/**
 * Milliseconds `fn` takes (awaited), with its result: `ms` is the process's CPU time (user +
 * system), which a machine shared with other jobs inflates far less than the wall clock
 * (`wallMs`, also returned).
 */
export async function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, wallMs, result };
}
