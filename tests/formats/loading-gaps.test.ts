/**
 * Files as their writers lay them out, written here from the writers' documented formats (no
 * third-party data): JSON documents pretty-printed with the first key on the `{` line, a BOM,
 * `[` alone on its line or leading blank lines; an Inspect `.eval` archive of zero samples; and
 * plain FlashRAG output (`Dataset.save` = `json.dump(…, indent=4)` of pipelines that retrieve
 * before generating, so `output` has no `final_response` and the model made no tool call).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decompress as fzstd } from "fzstd";
import { readRecords } from "../../lib/io/read-records.js";
import type { RawRecord } from "../../lib/io/raw-record.js";
import { openZip, readMember } from "../../lib/io/zip-reader.js";
import { cli, itShared, load, shared, tmpFile } from "../helpers.js";
import { writeZip } from "../io/zip-writer.js";

async function records(path: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const b of readRecords(path)) out.push(...b);
  return out;
}

/** An Inspect sample (EvalSample): `n` web_search calls, each answered by id, scored `C` or `I`. */
function sample(id: number, n: number, correct: boolean): object {
  const messages: object[] = [{ role: "user", content: `Question ${id}?`, source: "input" }];
  for (let k = 0; k < n; k++) {
    messages.push({
      role: "assistant",
      content: `step ${k}`,
      tool_calls: [{ id: `c${id}_${k}`, function: "web_search", arguments: { query: `q ${id} ${k}` } }],
    });
    messages.push({ role: "tool", tool_call_id: `c${id}_${k}`, function: "web_search", content: `result ${k}` });
  }
  messages.push({ role: "assistant", content: `answer ${id}` });
  return {
    id,
    epoch: 1,
    input: `Question ${id}?`,
    target: `a${id}`,
    messages,
    scores: { m: { value: correct ? "C" : "I" } },
  };
}

const log = (samples: object[]) => ({
  version: 2,
  status: "success",
  eval: { task: "t", model: "m/x" },
  plan: {},
  results: { total_samples: samples.length },
  samples,
});

describe("a JSON document whose first line is not `{` alone", () => {
  const samples = [sample(1, 2, true), sample(2, 3, false), sample(3, 1, true)];
  const pretty = JSON.stringify(log(samples), null, 2);
  const variants: Array<[string, string]> = [
    // the first key on the brace's line, as some pretty-printers write it
    ["first key on the { line", pretty.replace(/^\{\n\s*/, "{ ")],
    ["no space after {", pretty.replace(/^\{\n\s*/, "{")],
    [
      "a value closed on a later line",
      JSON.stringify({ version: 2, eval: { task: "t" } }).slice(0, -1) +
        ",\n" +
        pretty.slice(1).replace(/^\n\s*"version": 2,\n/, "\n"),
    ],
    ["a BOM", "\ufeff" + pretty],
    ["leading blank lines and indentation", "\n\n   \n\t" + pretty],
    ["CRLF line ends", pretty.replace(/\n/g, "\r\n").replace(/^\{\r\n\s*/, "{ ")],
  ];
  for (const [name, text] of variants) {
    it(`${name}: every sample, every call`, async () => {
      expect(() => JSON.parse(text.replace(/^\ufeff/, ""))).not.toThrow();
      const { trajectories, report } = await load(tmpFile("log.json", text));
      expect(report.issues.filter((i) => i.severity === "error")).toEqual([]);
      expect(report.files[0]!.format).toBe("inspect");
      expect(trajectories.map((t) => t.calls.length)).toEqual([2, 3, 1]);
      expect(trajectories.map((t) => t.verdict)).toEqual(["correct", "incorrect", "correct"]);
    });
  }

  it("an array of samples with `[` alone on its line, after a BOM", async () => {
    const text = "\ufeff[\n" + samples.map((s) => JSON.stringify(s, null, 4)).join(",\n") + "\n]\n";
    const { trajectories, report } = await load(tmpFile("samples.json", text));
    expect(report.issues).toEqual([]);
    expect(trajectories.map((t) => t.calls.length)).toEqual([2, 3, 1]);
  });

  it("JSON Lines stay JSON Lines: records line by line, a cut first line is one bad line", async () => {
    const rows = samples.map((s) => JSON.stringify(s));
    const ok = await records(tmpFile("ok.jsonl", rows.join("\n") + "\n"));
    expect(ok.map((r) => [r.kind, r.line])).toEqual([
      ["value", 1],
      ["value", 2],
      ["value", 3],
    ]);
    const cut = await records(tmpFile("cut.jsonl", [rows[0]!.slice(0, 40), ...rows.slice(1)].join("\n") + "\n"));
    expect(cut.map((r) => [r.kind, r.line])).toEqual([
      ["bad", 1],
      ["value", 2],
      ["value", 3],
    ]);
  });
});

describe("an Inspect .eval archive of zero samples", () => {
  const start = { version: 2, eval: { task: "t", model: "m/x" }, plan: {} };
  const header = { ...start, status: "success", results: { total_samples: 0 }, stats: {} };
  for (const [name, members] of [
    ["header.json only", [{ name: "header.json", data: JSON.stringify(header) }]],
    [
      "a run stopped before its first sample (_journal/start.json only)",
      [{ name: "_journal/start.json", data: JSON.stringify(start) }],
    ],
    [
      "journal, summaries and header",
      [
        { name: "_journal/start.json", data: JSON.stringify(start) },
        { name: "summaries.json", data: "[]" },
        { name: "reductions.json", data: "[]" },
        { name: "header.json", data: JSON.stringify(header) },
      ],
    ],
  ] as const) {
    it(`${name}: one warning saying it has no samples, no error, no trajectory`, async () => {
      const { trajectories, report } = await load(tmpFile("empty.eval", writeZip(members)));
      expect(trajectories).toEqual([]);
      expect(report.issues.map((i) => [i.severity, i.line, i.reason])).toEqual([
        ["warning", 0, "an Inspect log without samples (header only): no rollouts"],
      ]);
      expect(report.files[0]!.unreadable).toBe(false);
    });
  }

  it("`sounding inspect` says so in one line and exits 1 (nothing to do)", () => {
    const f = tmpFile("empty.eval", writeZip([{ name: "header.json", data: JSON.stringify(header) }]));
    const r = cli(["inspect", f]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `sounding: no trajectory read from ${f}: an Inspect log without samples (header only): no rollouts`,
    ]);
  });

  it("a zip with a header.json that is not an Inspect header is still not an Inspect log", async () => {
    const { report } = await load(tmpFile("other.eval", writeZip([{ name: "header.json", data: '{"title": "x"}' }])));
    expect(report.files[0]!.unreadable).toBe(true);
    expect(report.issues.map((i) => i.reason)).toEqual([
      "a zip archive with no samples/*.json members (its members: header.json), not an Inspect .eval log",
    ]);
  });
});

describe("plain FlashRAG output (no tool calls)", () => {
  // SequentialPipeline: retrieval_result, prompt, pred, then the evaluator's metric_score
  const item = (i: number, em: number) => ({
    id: `test_${i}`,
    question: `Who wrote book ${i}?`,
    golden_answers: [`Author ${i}`],
    output: {
      retrieval_result: [{ id: String(100 + i), contents: `"Book ${i}"\nA book by Author ${i}.` }],
      prompt: `Answer the question based on the given document.\nQuestion: Who wrote book ${i}?\nAnswer:`,
      raw_pred: ` Author ${em ? i : 0}\n`,
      pred: `Author ${em ? i : 0}`,
      metric_score: { em, f1: em },
    },
  });
  const rows = [item(1, 1), item(2, 0), item(3, 1), item(4, 1)];

  it("reads each row as a trajectory with 0 calls, its verdict and pred; one note in the load report", async () => {
    const { trajectories, report } = await load(tmpFile("intermediate_data.json", JSON.stringify(rows, null, 4)));
    expect(report.files[0]!.format).toBe("flashrag");
    expect(trajectories.map((t) => [t.provenance.recordId, t.calls.length, t.verdict, t.finalAnswer])).toEqual([
      ["test_1", 0, "correct", "Author 1"],
      ["test_2", 0, "incorrect", "Author 0"],
      ["test_3", 0, "correct", "Author 3"],
      ["test_4", 0, "correct", "Author 4"],
    ]);
    expect(trajectories.map((t) => t.question)).toEqual(rows.map((r) => r.question));
    expect(trajectories.every((t) => t.anomalies.length === 0)).toBe(true);
    const notes = report.issues.map((i) => [i.severity, i.line, i.reason]);
    expect(notes).toHaveLength(1);
    expect(notes[0]![0]).toBe("warning");
    expect(notes[0]![1]).toBe(0);
    expect(notes[0]![2]).toMatch(/^FlashRAG output without output\.final_response .*0 calls.* \(4 records\)$/);
  });

  it("a file mixing ReCall rows and plain rows counts only the plain ones in the note", async () => {
    const recall = {
      ...item(5, 1),
      output: {
        final_response:
          "<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\n<think>x</think> \\boxed{Author 5}<|im_end|>",
        pred: "Author 5",
        metric_score: { em: 1 },
      },
    };
    const { trajectories, report } = await load(tmpFile("mixed.json", JSON.stringify([recall, item(6, 0)], null, 4)));
    expect(trajectories).toHaveLength(2);
    expect(report.issues.map((i) => i.reason).filter((r) => r.startsWith("FlashRAG output"))).toHaveLength(1);
    expect(report.issues.find((i) => i.reason.startsWith("FlashRAG output"))!.reason).toMatch(/\(1 record\)$/);
  });
});

describe("zstd members", () => {
  itShared("the wasm decoder gives the bytes fzstd gives for every member of a real zstd .eval", async () => {
    const path = shared("inspect/retry-2-then-success.zstd.eval");
    const { fh, entries } = await openZip(path);
    try {
      const file = readFileSync(path);
      let n = 0;
      for (const e of entries.filter((x) => x.method === 93)) {
        const got = await readMember(fh, e, 1 << 28);
        const at =
          e.localHeaderOffset +
          30 +
          file.readUInt16LE(e.localHeaderOffset + 26) +
          file.readUInt16LE(e.localHeaderOffset + 28);
        expect(Buffer.from(fzstd(file.subarray(at, at + e.compressedSize))).equals(got)).toBe(true);
        n++;
      }
      expect(n).toBeGreaterThan(0);
    } finally {
      await fh.close();
    }
  });

  itShared("a corrupt zstd member is one bad record naming it; the others load", async () => {
    const path = shared("inspect/retry-2-then-success.zstd.eval");
    const b = Buffer.from(readFileSync(path));
    const { fh, entries } = await openZip(path);
    await fh.close();
    const samples = entries.filter((e) => /^samples\//.test(e.name) && e.method === 93);
    const e = samples[0]!;
    const at =
      e.localHeaderOffset + 30 + b.readUInt16LE(e.localHeaderOffset + 26) + b.readUInt16LE(e.localHeaderOffset + 28);
    // scramble bytes past the frame header
    for (let k = 8; k < Math.min(e.compressedSize, 40); k++) b[at + k] = b[at + k]! ^ 0x5a;
    const recs = await records(tmpFile("corrupt.zstd.eval", b));
    const bad = recs.filter((r) => r.kind === "bad");
    expect(bad).toHaveLength(1);
    expect(bad[0]!.member).toBe(e.name);
    expect(bad[0]!.kind === "bad" && bad[0]!.reason.startsWith(`${e.name}: `)).toBe(true);
    expect(recs.filter((r) => r.kind === "value")).toHaveLength(samples.length - 1);
  });
});
