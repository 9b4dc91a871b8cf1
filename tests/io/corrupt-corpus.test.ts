/**
 * The corrupt-input corpus: every kind of damage users' files really have, each giving the
 * documented report (file, line, reason, excerpt) while the valid records around it load.
 */
import { writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StrictModeError } from "../../lib/index.js";
import { JsonlSplitter } from "../../lib/io/jsonl-splitter.js";
import type { RawRecord } from "../../lib/io/raw-record.js";
import { im, load, tmpDir, tmpFile } from "../helpers.js";

const call = (q: string) => `{"name": "search_urls", "arguments": {"query": "${q}"}}`;
function goodRow(id: string, extraTurn = ""): string {
  const c = call(`about ${id}`);
  return JSON.stringify({
    id,
    question: `Question ${id}?`,
    answer_gt: "A",
    judge: "correct",
    tool_calls: [c],
    transcript:
      im("system", "sys") +
      im("user", `Question ${id}?`) +
      im("assistant", `<think>t</think>\n<tool_call>\n${c}\n</tool_call>`) +
      im(
        "user",
        `<tool_response>${c}\nresult: \n### 1. T\n**URL**: https://a.example/${id}\n\n**Snippet**: s\n</tool_response>\n`,
      ) +
      extraTurn +
      im("assistant", "<think>t</think>\n\\boxed{A}"),
  });
}

describe("corrupt-input corpus", () => {
  it("reports each bad line with file, line and reason, and loads every good record around them", async () => {
    const unbalancedMid = im("assistant", "<think>x</think>\n<tool_call>\n" + call("lost")) + im("user", "no response");
    const badCallJson =
      im("assistant", `<tool_call>\n{"name": "search_urls", "arguments": {"query": "oops"\n</tool_call>`) +
      im("user", "<tool_response>x\nParse tool call failed: bad\n</tool_response>");
    const lines: Buffer[] = [
      Buffer.from(goodRow("g1")), // 1
      Buffer.from('{"id": "x", "question": }'), // 2 invalid JSON
      Buffer.from(goodRow("g2")), // 3
      Buffer.concat([Buffer.from('{"id": "latin1", "question": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]), // 4 not UTF-8
      Buffer.from(goodRow("g3")), // 5
      Buffer.from('{"score": 0}'), // 6 harness placeholder
      Buffer.from(goodRow("g4", unbalancedMid)), // 7 unbalanced tags mid-transcript: loads, warning
      Buffer.from(goodRow("g5", badCallJson)), // 8 bad call JSON: loads, call flagged, warning
      Buffer.from(""), // 9 blank line: ignored
      Buffer.from("[1, 2, 3]"), // 10 JSON but not an object
      Buffer.from(goodRow("g6").slice(0, 200)), // 11 truncated last line (no newline)
    ];
    const f = tmpFile(
      "corpus.jsonl",
      Buffer.concat(lines.flatMap((l, i) => (i < lines.length - 1 ? [l, Buffer.from("\n")] : [l]))),
    );
    const { trajectories, report } = await load(f);

    expect(trajectories.map((t) => [t.id, t.provenance.source.line])).toEqual([
      ["g1", 1],
      ["g2", 3],
      ["g3", 5],
      ["g4", 7],
      ["g5", 8],
    ]);
    const errors = report.issues.filter((i) => i.severity === "error");
    expect(errors.map((e) => [e.file, e.line])).toEqual([
      [f, 2],
      [f, 4],
      [f, 6],
      [f, 10],
      [f, 11],
    ]);
    const reason = (line: number) => errors.find((e) => e.line === line)!.reason;
    expect(reason(2)).toMatch(/^invalid JSON: /);
    expect(reason(4)).toMatch(/not valid UTF-8/);
    expect(reason(6)).toMatch(/harness placeholder/);
    expect(reason(10)).toMatch(/expected a JSON object, found an array/);
    expect(reason(11)).toMatch(/truncated/);
    expect(errors.find((e) => e.line === 2)!.excerpt).toBe('{"id": "x", "question": }');
    expect(errors.find((e) => e.line === 4)!.excerpt).toContain("caf");

    const warnings = report.issues.filter((i) => i.severity === "warning");
    expect(warnings.map((w) => w.line)).toEqual([7, 8]);
    expect(warnings[0]!.reason).toMatch(/step 1: 1 <tool_call> but 0 <\/tool_call>; no calls extracted/);
    expect(warnings[1]!.reason).toMatch(/call 1 \(search_urls\): call is not valid JSON/);
    const g5 = trajectories.find((t) => t.id === "g5")!;
    expect(g5.calls[1]!).toMatchObject({ name: "search_urls", role: "search", queries: ["oops"], error: true });
    expect(report.files[0]).toMatchObject({ format: "fathom", trajectories: 5, errors: 5, warnings: 2 });
  });

  it("strict mode stops at the first bad record with its file and line", async () => {
    const f = tmpFile("strict.jsonl", [goodRow("a"), "{oops", goodRow("b")].join("\n"));
    const err = await load(f, { strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrictModeError);
    expect((err as StrictModeError).issue).toMatchObject({ file: f, line: 2 });
    expect((err as Error).message).toMatch(/strict\.jsonl:2: invalid JSON/);
  });

  it("an empty file is a warning, not a crash, and other files still load", async () => {
    const empty = tmpFile("empty.jsonl", "");
    const blank = tmpFile("blank.jsonl", "\n\n  \n");
    const good = tmpFile("good.jsonl", goodRow("x"));
    const { trajectories, report } = await load([empty, blank, good]);
    expect(trajectories).toHaveLength(1);
    expect(report.issues.map((i) => [i.file, i.severity, i.reason])).toEqual([
      [empty, "warning", "empty file: no records"],
      [blank, "warning", "no records (only blank lines)"],
    ]);
  });

  it("a JSON array cut in half keeps the complete elements and reports the cut one at its line", async () => {
    const text = JSON.stringify(
      [JSON.parse(goodRow("a1")), JSON.parse(goodRow("a2")), JSON.parse(goodRow("a3"))],
      null,
      2,
    );
    const cut = text.slice(0, Math.floor(text.length * 0.8));
    const f = tmpFile("cut.json", cut);
    const { trajectories, report } = await load(f);
    expect(trajectories.map((t) => t.id)).toEqual(["a1", "a2"]);
    const third = text.split("\n").flatMap((l, i) => (l === "  {" ? [i + 1] : []))[2]!;
    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]).toMatchObject({ file: f, line: third, severity: "error" });
    expect(report.issues[0]!.reason).toMatch(/JSON ends inside this element/);
  });

  it("a 50 MB line is reported as too large and skipped with bounded memory; a raised limit reads it", async () => {
    const dir = tmpDir();
    const f = join(dir, "huge.jsonl");
    const fd = openSync(f, "w");
    writeSync(fd, goodRow("before") + "\n");
    const big = JSON.parse(goodRow("huge"));
    const pad = "x".repeat(1 << 20);
    const head = JSON.stringify({ ...big, padding: "@@" }).split('"@@"');
    writeSync(fd, head[0] + '"');
    for (let i = 0; i < 50; i++) writeSync(fd, pad);
    writeSync(fd, '"' + head[1] + "\n");
    writeSync(fd, goodRow("after") + "\n");
    closeSync(fd);

    const { trajectories, report } = await load(f);
    expect(trajectories.map((t) => t.id)).toEqual(["before", "after"]);
    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]).toMatchObject({ line: 2, severity: "error" });
    expect(report.issues[0]!.reason).toMatch(/record too large: 50\.0 MB exceeds the 32\.0 MB limit/);

    const raised = await load(f, { maxRecordBytes: 64 * 1024 * 1024 });
    expect(raised.trajectories.map((t) => t.id)).toEqual(["before", "huge", "after"]);
    expect((raised.trajectories[1]!.extra.padding as string).length).toBe(50 << 20);
  });

  it("the line splitter never buffers more than the limit while skipping an oversized line", () => {
    const limit = 1 << 20;
    const sp = new JsonlSplitter(limit);
    const out: RawRecord[] = [];
    sp.push(Buffer.from('{"a": 1}\n{"big": "'), out);
    const chunk = Buffer.alloc(256 * 1024, 0x78);
    let peak = 0;
    for (let i = 0; i < 200; i++) {
      sp.push(chunk, out); // 50 MB in all
      peak = Math.max(peak, sp.bufferedBytes);
    }
    sp.push(Buffer.from('"}\n{"b": 2}\n'), out);
    sp.end(out);
    expect(peak).toBeLessThanOrEqual(limit);
    expect(out.map((r) => (r.kind === "value" ? r.value : r.reason.slice(0, 20)))).toEqual([
      { a: 1 },
      "record too large: 50",
      { b: 2 },
    ]);
    expect(out.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it("a file that cannot be read is reported, and the rest of the load goes on", async () => {
    const dir = tmpDir();
    const good = tmpFile("ok.jsonl", goodRow("ok"));
    writeFileSync(join(dir, "unknown.jsonl"), JSON.stringify({ hello: "world" }));
    const { trajectories, report } = await load([join(dir, "missing.jsonl"), join(dir, "unknown.jsonl"), good]);
    expect(trajectories.map((t) => t.id)).toEqual(["ok"]);
    expect(report.files.map((f) => f.unreadable)).toEqual([true, true, false]);
    expect(report.issues[0]!.reason).toBe("cannot read file: no such file");
    expect(report.issues[1]!.reason).toMatch(/could not tell the format.*pass --format/);
  });
});
