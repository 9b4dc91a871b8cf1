/**
 * Property tests for the framing layer: any JSON records, written as JSON Lines (with blank
 * lines and CRLF) or as a pretty-printed JSON array, and cut into chunks at arbitrary byte
 * boundaries (through multi-byte characters too), read back as the same values at the right
 * lines.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { JsonlSplitter } from "../../lib/io/jsonl-splitter.js";
import { JsonArraySplitter } from "../../lib/io/json-array-splitter.js";
import type { RawRecord } from "../../lib/io/raw-record.js";

const record = fc.dictionary(
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 30 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ unit: "grapheme-composite", maxLength: 5 }), { maxLength: 4 }),
  ),
  { maxKeys: 6 },
);

function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const pts = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of pts) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe("framing properties", () => {
  it("JSON Lines: values and line numbers survive any chunking, blank lines and CRLF", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(record, fc.nat(2), fc.boolean()), { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (rows, cuts) => {
          let text = "";
          let line = 0;
          const expected: Array<[number, unknown]> = [];
          for (const [r, blanks, crlf] of rows) {
            for (let b = 0; b < blanks; b++) {
              text += "\n";
              line++;
            }
            line++;
            expected.push([line, r]);
            text += JSON.stringify(r) + (crlf ? "\r\n" : "\n");
          }
          const sp = new JsonlSplitter(1 << 20);
          const out: RawRecord[] = [];
          for (const c of chunked(Buffer.from(text), cuts)) sp.push(c, out);
          sp.end(out);
          expect(out.map((o) => (o.kind === "value" ? [o.line, o.value] : ["bad", o.reason]))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("JSON arrays: elements and their start lines survive any chunking and indentation", () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 15 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (rows, indent, cuts) => {
          const text = JSON.stringify(rows, null, indent);
          // independent start lines: every element is an object, so it opens with "{" at exactly one indent
          const pad = " ".repeat(indent);
          const starts =
            indent === 0
              ? rows.map(() => 1)
              : text.split("\n").flatMap((l, i) => (l.startsWith(pad + "{") ? [i + 1] : []));
          const sp = new JsonArraySplitter(1 << 20);
          const out: RawRecord[] = [];
          for (const c of chunked(Buffer.from(text), cuts)) sp.push(c, out);
          sp.end(out);
          expect(out.every((o) => o.kind === "value")).toBe(true);
          expect(out.map((o) => (o.kind === "value" ? o.value : null))).toEqual(rows);
          if (indent > 0) expect(out.map((o) => o.line)).toEqual(starts);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a JSON array cut anywhere yields a prefix of its elements and at most one report", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), (rows, at) => {
        const buf = Buffer.from(JSON.stringify(rows, null, 2));
        const cut = buf.subarray(0, at % buf.length);
        const sp = new JsonArraySplitter(1 << 20);
        const out: RawRecord[] = [];
        sp.push(cut, out);
        sp.end(out);
        const values = out.filter((o) => o.kind === "value").map((o) => (o as { value: unknown }).value);
        expect(values).toEqual(rows.slice(0, values.length));
        expect(out.filter((o) => o.kind === "bad").length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  // an Inspect JSON log read sample by sample (StreamArray): the fields before `samples` are the head
  const headKeys = fc.dictionary(
    fc.oneof(fc.constant("samples"), fc.constant("eval"), fc.string({ unit: "grapheme", maxLength: 8 })),
    fc.oneof(record, fc.constant("samples"), fc.array(record, { maxLength: 2 })),
    { maxKeys: 4 },
  );
  const stream = { key: "samples", when: (h: unknown) => typeof h === "object" && h !== null && "version" in h };

  it("a log object's samples stream one by one with its head, through any chunking; others stay whole", () => {
    fc.assert(
      fc.property(
        headKeys,
        fc.array(record, { maxLength: 8 }),
        headKeys,
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (before, samples, after, isLog, indent, cuts) => {
          const head: Record<string, unknown> = { ...(isLog ? { version: 2 } : {}), ...before };
          delete head.samples;
          const tail = { ...after };
          for (const k of Object.keys(head)) delete tail[k];
          delete tail.samples;
          const log = { ...head, samples, ...tail };
          const text = " \n" + JSON.stringify(log, null, indent);
          const sp = new JsonArraySplitter(1 << 20, stream);
          const out: RawRecord[] = [];
          for (const c of chunked(Buffer.from(text), cuts)) sp.push(c, out);
          sp.end(out);
          expect(out.every((o) => o.kind === "value" && o.line === 2)).toBe(true);
          const got = out.map((o) => (o.kind === "value" ? [o.value, o.parent] : null));
          if (!isLog) expect(got).toEqual([[log, undefined]]);
          else if (samples.length === 0) expect(got).toEqual([[{ ...head, samples: [] }, undefined]]);
          else expect(got).toEqual(samples.map((s) => [s, { ...head, samples: null }]));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a streamed log cut anywhere yields a prefix of its samples and at most one report", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), fc.nat(), (samples, at) => {
        const buf = Buffer.from(JSON.stringify({ version: 2, eval: { task: "t" }, samples, stats: {} }, null, 2));
        const cut = buf.subarray(0, at % buf.length);
        const sp = new JsonArraySplitter(1 << 20, stream);
        const out: RawRecord[] = [];
        sp.push(cut, out);
        sp.end(out);
        const values = out
          .filter((o) => o.kind === "value" && o.parent !== undefined)
          .map((o) => (o as { value: unknown }).value);
        expect(values).toEqual(samples.slice(0, values.length));
        expect(out.filter((o) => o.kind === "bad").length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("each streamed sample is held to the record limit, not the whole log", () => {
    const samples = Array.from({ length: 30 }, (_, i) => ({ id: i, text: "x".repeat(200) }));
    const text = JSON.stringify({ version: 2, eval: { task: "t" }, samples }, null, 2);
    const sp = new JsonArraySplitter(1000, stream);
    const out: RawRecord[] = [];
    sp.push(Buffer.from(text), out);
    sp.end(out);
    expect(text.length).toBeGreaterThan(1000 * 5);
    expect(out.map((o) => (o.kind === "value" ? o.value : o.reason))).toEqual(samples);
  });
});
