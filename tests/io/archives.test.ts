/**
 * Files told by their bytes: zip archives read as Inspect `.eval` logs sample by sample
 * (DEFLATE, zstd, stored, ZIP64, data descriptors, superseded names), binaries and compressed
 * streams named in one file-level line, and text that is not JSON reported once.
 */
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readRecords, NOT_JSON_LINES } from "../../lib/io/read-records.js";
import { sniffKind, fileKind } from "../../lib/io/file-kind.js";
import type { RawRecord } from "../../lib/io/raw-record.js";
import { SHARED_DATA, shared, tmpFile } from "../helpers.js";
import { writeZip, zstdRawFrame, type ZipInput } from "./zip-writer.js";

async function all(path: string, maxRecordBytes?: number): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const b of readRecords(path, maxRecordBytes ? { maxRecordBytes } : {})) out.push(...b);
  return out;
}

const HAVE_SHARED = existsSync(SHARED_DATA);
const sample = (id: string | number, epoch: number, extra: object = {}) => ({ id, epoch, messages: [], ...extra });

describe("zip archives as Inspect .eval logs", () => {
  it("yields one value record per samples/*.json member, by epoch then id (numbers as numbers), with its member name", async () => {
    const members: ZipInput[] = [
      { name: "header.json", data: JSON.stringify({ version: 2 }) },
      { name: "samples/10_epoch_1.json", data: JSON.stringify(sample(10, 1)) },
      { name: "samples/2_epoch_2.json", data: JSON.stringify(sample(2, 2)), method: 0 },
      { name: "samples/2_epoch_1.json", data: JSON.stringify(sample(2, 1)), method: 93 },
      { name: "samples/abc_epoch_1.json", data: JSON.stringify(sample("abc", 1)) },
      { name: "summaries.json", data: "[]" },
      { name: "_journal/start.json", data: "{}" },
    ];
    const f = tmpFile("log.eval", writeZip(members));
    const recs = await all(f);
    expect(recs.map((r) => [r.kind, r.line, r.member])).toEqual([
      ["value", 1, "samples/2_epoch_1.json"],
      ["value", 2, "samples/10_epoch_1.json"],
      ["value", 3, "samples/abc_epoch_1.json"],
      ["value", 4, "samples/2_epoch_2.json"],
    ]);
    expect(recs.map((r) => (r.kind === "value" ? r.value : null))).toEqual([
      sample(2, 1),
      sample(10, 1),
      sample("abc", 1),
      sample(2, 2),
    ]);
  });

  it("any layout a writer may use reads the same samples: stored/DEFLATE/zstd, data descriptors, ZIP64, a comment", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            id: fc.oneof(fc.nat(5000), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/)),
            epoch: fc.integer({ min: 1, max: 4 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
            selector: (s) => `${s.id}_${s.epoch}`,
          },
        ),
        fc.array(fc.constantFrom<0 | 8 | 93>(0, 8, 93), { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        fc.string({ maxLength: 40 }),
        async (samples, methods, descriptor, zip64, text) => {
          const members = samples.map((s, k) => ({
            name: `samples/${s.id}_epoch_${s.epoch}.json`,
            data: JSON.stringify(sample(s.id, s.epoch, { text })),
            method: methods[k]!,
          }));
          const f = tmpFile(
            "p.eval",
            writeZip([{ name: "header.json", data: "{}" }, ...members], { descriptor, zip64, comment: text }),
          );
          const recs = await all(f);
          // the documented order, computed here from the sample fields rather than member names
          const key = (id: string | number) => (typeof id === "number" ? String(id).padStart(20, "0") : id);
          const want = [...samples].sort(
            (a, b) => a.epoch - b.epoch || (key(a.id) < key(b.id) ? -1 : key(a.id) > key(b.id) ? 1 : 0),
          );
          expect(recs.map((r) => (r.kind === "value" ? r.value : r.reason))).toEqual(
            want.map((s) => sample(s.id, s.epoch, { text })),
          );
        },
      ),
      { numRuns: 60, seed: 16 },
    );
  });

  it("a name written twice is the last entry (Inspect supersedes a requeued sample)", async () => {
    const f = tmpFile(
      "dup.eval",
      writeZip([
        { name: "samples/1_epoch_1.json", data: JSON.stringify(sample(1, 1, { attempt: 1 })) },
        { name: "samples/1_epoch_1.json", data: JSON.stringify(sample(1, 1, { attempt: 2 })) },
      ]),
    );
    const recs = await all(f);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.kind === "value" && recs[0]!.value).toEqual(sample(1, 1, { attempt: 2 }));
  });

  it("a corrupt member is one bad record naming it; the other samples load", async () => {
    const good = JSON.stringify(sample(1, 1));
    const zip = writeZip([
      { name: "samples/1_epoch_1.json", data: good, method: 0 },
      { name: "samples/2_epoch_1.json", data: JSON.stringify(sample(2, 1)), method: 0 },
      { name: "samples/3_epoch_1.json", data: '{"id": 3, "epoch": ', method: 0 },
    ]);
    const at = zip.indexOf(Buffer.from('"id":2'));
    zip[at + 5] = "7".charCodeAt(0); // flip one byte of member 2: its CRC no longer matches
    const recs = await all(tmpFile("bad.eval", zip));
    expect(recs.map((r) => [r.kind, r.line])).toEqual([
      ["value", 1],
      ["bad", 2],
      ["bad", 3],
    ]);
    expect(recs[1]!.kind === "bad" && recs[1]!.reason).toBe(
      "samples/2_epoch_1.json: CRC-32 mismatch (the member is corrupt)",
    );
    expect(recs[2]!.kind === "bad" && recs[2]!.reason).toMatch(
      /^samples\/3_epoch_1\.json: invalid JSON: record ends early/,
    );
  });

  it("a member over the record limit is skipped by its declared size, without decompressing it", async () => {
    const big = JSON.stringify(sample(1, 1, { pad: "x".repeat(5000) }));
    const recs = await all(tmpFile("big.eval", writeZip([{ name: "samples/1_epoch_1.json", data: big }])), 1000);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.kind === "bad" && recs[0]!.reason).toMatch(
      /^samples\/1_epoch_1\.json: record too large: 4\.9 KB exceeds the 1000 B limit/,
    );
  });

  it("a zip without samples, and one with neither a directory nor a readable local header, are one line each", async () => {
    const other = await all(
      tmpFile(
        "x.zip",
        writeZip([
          { name: "README.txt", data: "hello" },
          { name: "data/a.csv", data: "a,b" },
        ]),
      ),
    );
    expect(other).toEqual([
      {
        kind: "bad",
        line: 0,
        fileLevel: true,
        excerpt: "",
        reason:
          "a zip archive with no samples/*.json members (its members: README.txt, data/a.csv), not an Inspect .eval log",
      },
    ]);
    const junk = await all(tmpFile("junk.eval", Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(40, 7)])));
    expect(junk).toHaveLength(1);
    expect(junk[0]).toMatchObject({ kind: "bad", line: 0, fileLevel: true });
    expect(junk[0]!.kind === "bad" && junk[0]!.reason).toMatch(
      /^a zip archive that cannot be read: no end-of-central-directory record/,
    );
  });

  it("an archive cut short keeps the samples whose bytes are complete, read from their local headers", async () => {
    for (const zip64 of [false, true]) {
      const members = [1, 2, 3].map((i) => ({ name: `samples/${i}_epoch_1.json`, data: JSON.stringify(sample(i, 1)) }));
      const zip = writeZip(members, { zip64 });
      const third = zip.indexOf(Buffer.from("samples/3_epoch_1.json"));
      const recs = await all(tmpFile("cut.eval", zip.subarray(0, third + 40)));
      expect(recs.map((r) => [r.kind, r.line, r.member ?? null])).toEqual([
        ["bad", 0, null],
        ["value", 1, "samples/1_epoch_1.json"],
        ["value", 2, "samples/2_epoch_1.json"],
      ]);
      expect(recs[0]!.kind === "bad" && recs[0]!.reason).toMatch(
        /^a zip archive without a readable central directory \(no end-of-central-directory record.*\): 2 sample members recovered from local headers; later ones are lost$/,
      );
    }
  });

  it("the zstd test frames are real zstd: the zstd tool reads them back (when installed)", (ctx) => {
    let ok = true;
    try {
      execFileSync("zstd", ["--version"], { stdio: "ignore" });
    } catch {
      ok = false;
    }
    if (!ok) return ctx.skip("the zstd command-line tool is not installed");
    const data = Buffer.from("a".repeat(70000) + "tail ünïcode");
    expect(execFileSync("zstd", ["-d", "-c"], { input: zstdRawFrame(data) }).equals(data)).toBe(true);
  });
});

describe.skipIf(!HAVE_SHARED)("real Inspect .eval logs (needs ../shared/data beside the repository)", () => {
  /** Sample member names found by scanning the raw bytes for central-directory signatures. */
  function centralSampleNames(path: string): string[] {
    const b = readFileSync(path);
    const names: string[] = [];
    for (let i = b.indexOf("PK\x01\x02"); i !== -1; i = b.indexOf("PK\x01\x02", i + 4)) {
      const name = b.toString("utf8", i + 46, i + 46 + b.readUInt16LE(i + 28));
      if (/^samples\/.*\.json$/.test(name)) names.push(name);
    }
    return names;
  }

  for (const [file, method] of [
    ["inspect/log_message_deduplication.eval", 8],
    ["inspect/retry-2-then-success.zstd.eval", 93],
  ] as const) {
    it(`${file}: every sample member, parsed whole (method ${method})`, async () => {
      const path = shared(file);
      const b = readFileSync(path);
      expect(b.readUInt16LE(b.indexOf("PK\x01\x02") + 10)).toBe(method);
      const names = centralSampleNames(path);
      const recs = await all(path);
      expect(recs.map((r) => r.member)).toEqual(names);
      for (const r of recs) {
        expect(r.kind).toBe("value");
        if (r.kind !== "value") continue;
        const v = r.value as { id: unknown; epoch: unknown; messages: unknown[] };
        expect(r.member).toBe(`samples/${String(v.id)}_epoch_${String(v.epoch)}.json`);
        expect(Array.isArray(v.messages)).toBe(true);
      }
      if (method === 8) {
        // the deduplicated layout: 5 assistant tool calls, 5 tool replies (PROVENANCE.md)
        const v = (recs[0] as { value: { messages: Array<{ role: string; tool_calls?: unknown[] }> } }).value;
        const calls = v.messages.reduce((n, m) => n + (m.tool_calls?.length ?? 0), 0);
        expect([calls, v.messages.filter((m) => m.role === "tool").length]).toEqual([5, 5]);
      }
    });
  }
});

describe("binaries and non-JSON text", () => {
  const head = (...bytes: number[]) => Buffer.concat([Buffer.from(bytes), Buffer.alloc(64, 0x41)]);
  const cases: Array<[string, Buffer, string]> = [
    ["ELF", head(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1), "ELF executable"],
    ["PE", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62, 0x90)]), "PE/DOS executable"],
    ["Mach-O", head(0xcf, 0xfa, 0xed, 0xfe), "Mach-O executable"],
    ["PNG", head(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), "PNG image"],
    ["JPEG", head(0xff, 0xd8, 0xff, 0xe0), "JPEG image"],
    ["GIF", Buffer.from("GIF89a\x01\x00"), "GIF image"],
    ["PDF", Buffer.from("%PDF-1.7\n%âãÏÓ\n"), "PDF document"],
    ["SQLite", Buffer.from("SQLite format 3\0\x10\x00"), "SQLite database"],
    ["Parquet", Buffer.from("PAR1\x15\x04"), "Parquet file"],
    ["zstd", zstdRawFrame(Buffer.from('{"a":1}\n')), "zstd-compressed stream"],
    ["xz", head(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00), "xz-compressed stream"],
    ["bzip2", Buffer.from("BZh91AY&SY"), "bzip2-compressed stream"],
    ["7z", head(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c), "7-Zip archive"],
    ["random bytes", Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 73 + 11) & 0xff)), "binary data"],
  ];
  for (const [label, bytes, what] of cases) {
    it(`${label} is one file-level line`, async () => {
      expect(sniffKind(bytes)).toEqual({ kind: "binary", what });
      const recs = await all(tmpFile(`x.${label}.jsonl`, bytes));
      expect(recs).toEqual([
        { kind: "bad", line: 0, reason: `a binary file (${what}), not a trace`, excerpt: "", fileLevel: true },
      ]);
    });
  }

  it("a tar archive (ustar at offset 257) and a gzip holding one are named, not parsed", async () => {
    const tar = Buffer.alloc(1024, 0);
    tar.write("trace.jsonl", 0);
    tar.write("ustar", 257);
    expect(sniffKind(tar)).toEqual({ kind: "binary", what: "tar archive" });
    const recs = await all(tmpFile("t.tar.gz", gzipSync(tar)));
    expect(recs).toEqual([
      {
        kind: "bad",
        line: 0,
        reason: "a gzip stream holding a binary file (tar archive), not a trace",
        excerpt: "",
        fileLevel: true,
      },
    ]);
  });

  it("UTF-16 text is named with the conversion to run", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"id": 1}\n', "utf16le")]);
    const recs = await all(tmpFile("u16.jsonl", utf16));
    expect(recs).toHaveLength(1);
    expect(recs[0]!.kind === "bad" && recs[0]!.reason).toMatch(/^UTF-16 text, not UTF-8: convert it first \(iconv/);
    expect(sniffKind(Buffer.from('{"id": 1}\n', "utf16le")).kind).toBe("binary");
  });

  it("JSON text, a few Latin-1 bytes and a truncated multi-byte character at the sniff boundary stay text", () => {
    expect(sniffKind(Buffer.from('{"q": "café — naïve 日本"}\n'))).toEqual({ kind: "text" });
    expect(
      sniffKind(Buffer.concat([Buffer.from('{"q": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n'.repeat(20))])),
    ).toEqual({ kind: "text" });
    expect(sniffKind(Buffer.from("x".repeat(10) + "日").subarray(0, 12))).toEqual({ kind: "text" });
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.nat(), q: fc.string({ unit: "grapheme" }) }), { maxLength: 20 }),
        (rows) => {
          const text = Buffer.from(rows.map((r) => JSON.stringify(r)).join("\n"));
          const cut = text.subarray(0, Math.min(text.length, 4096));
          expect(sniffKind(cut).kind).toBe(text.length === 0 || text[0] !== 0x1f ? "text" : "gzip");
        },
      ),
      { seed: 16 },
    );
  });

  it("fileKind reads the head of a file: gzip, zip, text", async () => {
    expect(await fileKind(tmpFile("a.gz", gzipSync("{}\n")))).toEqual({ kind: "gzip" });
    expect(await fileKind(tmpFile("a.eval", writeZip([{ name: "samples/1_epoch_1.json", data: "{}" }])))).toEqual({
      kind: "zip",
    });
    expect(await fileKind(tmpFile("a.jsonl", "{}\n"))).toEqual({ kind: "text" });
  });

  it("a README and a CSV are one 'not JSON' line, whatever their length", async () => {
    const readme = "# sounding\n\nA toolkit.\n\n- item one\n- item two\n".repeat(40);
    const r = await all(tmpFile("README.md", readme));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ kind: "bad", line: 0, fileLevel: true });
    expect(r[0]!.kind === "bad" && r[0]!.reason).toMatch(
      new RegExp(
        `^not JSON: a text file, and none of its first ${NOT_JSON_LINES} lines parses as JSON \\(first bad line 1: invalid JSON: `,
      ),
    );
    const csv = await all(tmpFile("q.csv", "id,question,answer\n1,Who?,Ann\n2,When?,1990\n"));
    expect(csv).toHaveLength(1);
    expect(csv[0]!.kind === "bad" && csv[0]!.reason).toMatch(
      /^not JSON: a text file, and none of its first 3 lines parses as JSON \(first bad line 1: /,
    );
    const one = await all(tmpFile("one.txt", "\n\nhello world\n"));
    expect(one[0]!.kind === "bad" && one[0]!.reason).toMatch(
      /^not JSON: a text file, and its only line does not parse as JSON \(first bad line 3: /,
    );
  });

  it("a JSON Lines file whose first lines look like JSON but are corrupt is still reported line by line", async () => {
    const lines = Array.from({ length: 12 }, (_, i) => `{"id": ${i}, "cut": `);
    const recs = await all(tmpFile("corrupt.jsonl", lines.join("\n")));
    expect(recs.map((r) => [r.kind, r.line])).toEqual(lines.map((_, i) => ["bad", i + 1]));
  });

  it("text lines before the first JSON line are reported one by one and the JSON loads", async () => {
    const recs = await all(tmpFile("mixed.jsonl", 'garbage\nmore garbage\n{"id": 1}\n'));
    expect(recs.map((r) => [r.kind, r.line])).toEqual([
      ["bad", 1],
      ["bad", 2],
      ["value", 3],
    ]);
  });

  it("a 'not JSON' file stops after the sample: records beyond it are never framed", async () => {
    const text = "not json\n".repeat(NOT_JSON_LINES) + '{"id": "late"}\n';
    const recs = await all(tmpFile("late.txt", text));
    expect(recs).toHaveLength(1);
    expect(recs[0]!.kind).toBe("bad");
  });
});

describe("byte-range splitting only cuts text", () => {
  it("a large zip is one whole-file range, never cut into line ranges", async () => {
    const { splitJsonlRanges } = await import("../../lib/io/read-records.js");
    const members = Array.from({ length: 40 }, (_, i) => ({
      name: `samples/${i}_epoch_1.json`,
      data: JSON.stringify(sample(i, 1, { pad: "y\n".repeat(20000) })),
      method: 0 as const,
    }));
    const zip = writeZip(members);
    const f = tmpFile("big.eval", zip);
    expect(await splitJsonlRanges(f, 4, 1 << 18)).toEqual([{ start: 0, end: zip.length, firstLine: 1 }]);
    const text = tmpFile(
      "big.jsonl",
      Array.from({ length: 4000 }, (_, i) => JSON.stringify({ i, pad: "z".repeat(300) })).join("\n") + "\n",
    );
    expect((await splitJsonlRanges(text, 4, 1 << 18)).length).toBeGreaterThan(1);
  });
});

describe("an archive written by Python's zipfile, as Inspect writes .eval logs", () => {
  it("streamed force_zip64 members, writestr members and a superseded name read back (when python3 is installed)", async (ctx) => {
    const script = [
      "import json, sys, zipfile",
      "with zipfile.ZipFile(sys.argv[1], 'w', compression=zipfile.ZIP_DEFLATED) as z:",
      "    z.writestr('header.json', json.dumps({'version': 2}))",
      "    for i in (3, 1, 2):",
      "        with z.open(f'samples/{i}_epoch_1.json', 'w', force_zip64=True) as f:",
      "            f.write(json.dumps({'id': i, 'epoch': 1, 'messages': [], 'pad': 'x' * 5000 * i}).encode())",
      "    import warnings; warnings.simplefilter('ignore')",
      "    z.writestr('samples/2_epoch_1.json', json.dumps({'id': 2, 'epoch': 1, 'messages': [], 'pad': 'again'}))",
    ].join("\n");
    const f = tmpFile("py.eval", "");
    try {
      execFileSync("python3", ["-c", script, f], { stdio: "pipe" });
    } catch {
      return ctx.skip("python3 is not installed (or its zipfile failed)");
    }
    const recs = await all(f);
    expect(
      recs.map((r) => [r.member, r.kind === "value" ? (r.value as { pad: string }).pad.length : r.reason]),
    ).toEqual([
      ["samples/1_epoch_1.json", 5000],
      ["samples/2_epoch_1.json", 5],
      ["samples/3_epoch_1.json", 15000],
    ]);
  });
});
