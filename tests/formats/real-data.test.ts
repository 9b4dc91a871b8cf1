/**
 * Readers on the real recorded trajectories in ../shared/data. Every count is computed a
 * second, independent way in the test (plain JSON.parse and string counting over the raw
 * file), and pinned to the number a Python count gave when the fixture was chosen.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import { z } from "zod";
import { describeShared, load, ROOT, shared, SHARED_DATA, tmpDir } from "../helpers.js";

/** Each line parsed with JSON.parse, then checked against the few raw fields the counts use. */
function jsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => schema.parse(JSON.parse(l)));
}
// the raw layouts, as far as the independent counts read them (PROVENANCE.md describes the rest)
const WebDancerRow = z.object({ messages: z.array(z.object({ role: z.string(), content: z.string() })) });
const QwenCall = z.object({ name: z.string(), arguments: z.object({ query: z.array(z.string()).optional() }) });
const R1Row = z.object({ gen_text_store: z.string(), gpt4o_output: z.unknown() });
const NemoRow = z.object({
  reward: z.number(),
  response: z.object({ output: z.array(z.object({ type: z.string(), name: z.string().optional() })) }),
});
const TauRows = z.array(
  z.object({
    task_id: z.union([z.number(), z.string()]),
    traj: z.array(z.object({ role: z.string(), tool_calls: z.array(z.unknown()).nullish() })),
  }),
);
function occurrences(s: string, needle: string): number {
  return s.split(needle).length - 1;
}

describeShared("real files from ../shared/data", () => {
  it("WebDancer (Qwen-agent messages): 200 trajectories, 222 calls (204 search with array queries, 18 visit)", async () => {
    const path = shared("webdancer/sample_traj.jsonl");
    const raw = jsonl(path, WebDancerRow);
    let calls = 0;
    const names: Record<string, number> = {};
    let queries = 0;
    for (const r of raw)
      for (const m of r.messages)
        if (m.role === "assistant")
          for (const part of m.content.split("<tool_call>").slice(1)) {
            calls++;
            const j = QwenCall.parse(JSON.parse(part.split("</tool_call>")[0]!));
            names[j.name] = (names[j.name] ?? 0) + 1;
            if (j.name === "search") queries += j.arguments.query?.length ?? 0;
          }
    expect([raw.length, calls, names.search, names.visit]).toEqual([200, 222, 204, 18]);

    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("qwen-agent");
    expect(report.issues).toEqual([]);
    expect(trajectories).toHaveLength(raw.length);
    expect(report.toolCalls).toBe(calls);
    expect(report.files[0]!.byRole).toEqual({ search: names.search, page: names.visit, answer: 0, other: 0 });
    // batched queries are kept one by one
    expect(
      trajectories
        .flatMap((t) => t.calls)
        .filter((c) => c.role === "search")
        .reduce((n, c) => n + c.queries.length, 0),
    ).toBe(queries);
    // every call got its response; the question is the text after "User:"
    expect(trajectories.flatMap((t) => t.calls).every((c) => c.response !== null)).toBe(true);
    expect(trajectories[0]!.question.startsWith("In a prestigious British equestrian event")).toBe(true);
    expect(trajectories[0]!.goldAnswers).toEqual(["English horse race Derby"]);
    expect(trajectories.every((t) => t.finalAnswer !== null)).toBe(true);
    expect(trajectories[0]!.provenance.dataset).toBe("e2hqa");
    const visits = trajectories.flatMap((t) => t.calls).filter((c) => c.name === "visit");
    expect(visits.every((c) => c.urls.length >= 1 && c.goal)).toBe(true);
    // search results carry URLs parsed from the markdown list
    expect(trajectories[0]!.calls[0]!.results[0]).toMatchObject({ url: "https://www.britishpathe.com/asset/241055" });
  });

  it("R1-Searcher: 125 trajectories, 248 queries paired with their documents, verdicts from gpt4o_output", async () => {
    const path = shared("r1_searcher/bamboogle_qwen.jsonl");
    const raw = jsonl(path, R1Row);
    const q = raw.reduce((n, r) => n + occurrences(r.gen_text_store, "<|begin_of_query|>"), 0);
    const trueN = raw.filter((r) => r.gpt4o_output === "True").length;
    expect([raw.length, q, trueN]).toEqual([125, 248, 68]);
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("r1-searcher");
    expect(report.issues).toEqual([]);
    expect(trajectories).toHaveLength(125);
    expect(report.toolCalls).toBe(q);
    expect(report.files[0]!.verdicts).toEqual({ correct: trueN, incorrect: raw.length - trueN, unknown: 0 });
    const calls = trajectories.flatMap((t) => t.calls);
    expect(calls.every((c) => c.role === "search" && c.queries.length === 1 && c.response !== null)).toBe(true);
    const withQuery = trajectories.find((t) => t.calls.length > 0)!;
    expect(withQuery.calls[0]!.queries).toEqual(["military top level domain"]);
    expect(withQuery.calls[0]!.results.length).toBe(5);
    expect(trajectories[0]!.finalAnswer).toBe("Yes");
  });

  it("NeMo Gym (OpenAI Responses items): 5 rollouts, calls paired by call_id, search results from Google JSON", async () => {
    const path = shared("nemo_gym/google_search__example_rollouts.jsonl");
    const raw = jsonl(path, NemoRow);
    const fc = raw.map((r) => r.response.output.filter((i) => i.type === "function_call").length);
    expect(fc).toEqual([0, 2, 0, 2, 1]);
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("openai-responses");
    expect(report.issues).toEqual([]);
    expect(trajectories.map((t) => t.calls.length)).toEqual(fc);
    const roles = trajectories.flatMap((t) => t.calls.map((c) => c.role));
    expect(roles.filter((r) => r === "search")).toHaveLength(
      raw.reduce((n, r) => n + r.response.output.filter((i) => i.name === "search").length, 0),
    );
    expect(roles.filter((r) => r === "page")).toHaveLength(
      raw.reduce((n, r) => n + r.response.output.filter((i) => i.name === "browse").length, 0),
    );
    expect(trajectories.map((t) => t.verdict)).toEqual(raw.map((r) => (r.reward === 1 ? "correct" : "incorrect")));
    const s = trajectories[1]!.calls[0]!;
    expect(s.results.length).toBe(10);
    expect(s.results[0]!.url).toMatch(/^https?:\/\//);
    expect(trajectories[1]!.finalAnswer).toBe("C");
    expect(trajectories[1]!.provenance.model).toBe("gpt-4.1-2025-04-14");
  });

  it("tau-bench (OpenAI Chat, JSON array): 200 trajectories, 1164 calls of non-search tools kept as 'other'", async () => {
    const path = shared("tau_bench/gpt-4o-airline.json");
    const raw = TauRows.parse(JSON.parse(readFileSync(path, "utf8")));
    const calls = raw.reduce((n, r) => n + r.traj.reduce((m, x) => m + (x.tool_calls?.length ?? 0), 0), 0);
    const replies = raw.reduce((n, r) => n + r.traj.filter((x) => x.role === "tool").length, 0);
    expect([raw.length, calls, replies]).toEqual([200, 1164, 1164]);
    const { trajectories, report } = await load(path);
    expect(report.files[0]!.format).toBe("openai-chat");
    expect(report.issues).toEqual([]);
    expect(trajectories).toHaveLength(200);
    expect(report.toolCalls).toBe(calls);
    expect(report.files[0]!.byRole.other).toBe(calls);
    expect(trajectories.flatMap((t) => t.calls).every((c) => c.response !== null)).toBe(true);
    expect(trajectories[0]!.id).toBe("task-0/trial-0");
    expect(trajectories[0]!.provenance.groupId).toBe("task-0");
    // each element's line is where it starts in the pretty-printed array
    const lines = readFileSync(path, "utf8").split("\n");
    for (const t of trajectories.slice(0, 20)) expect(lines[t.provenance.source.line - 1]!.trim()).toBe("{");
    expect(lines[trajectories[1]!.provenance.source.line]!.trim()).toBe(`"task_id": ${raw[1]!.task_id},`);
  });
});

function walk(dir: string): string[] {
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return names.flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : []));
}
const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

/** What of ../shared/data must never be in the repository: whole files, JSONL rows, benchmark questions. */
interface SharedIndex {
  files: Map<string, string>;
  rows: Map<string, string>;
  questions: Map<string, string>;
}
function indexShared(): SharedIndex {
  const idx: SharedIndex = { files: new Map(), rows: new Map(), questions: new Map() };
  for (const f of walk(SHARED_DATA)) {
    const bytes = readFileSync(f);
    const rel = relative(SHARED_DATA, f);
    idx.files.set(sha(bytes), rel);
    if (!f.endsWith(".jsonl")) continue;
    readFileSync(f, "utf8")
      .split("\n")
      .forEach((line, i) => {
        const t = line.trim();
        if (t.length < 32) return;
        idx.rows.set(sha(t), `${rel}:${i + 1}`);
        let row: unknown;
        try {
          row = JSON.parse(t);
        } catch {
          return; // a line that is not JSON still counts as a row (above), it has no question field
        }
        if (row && typeof row === "object" && "question" in row && typeof row.question === "string")
          idx.questions.set(row.question.trim(), `${rel}:${i + 1}`);
      });
  }
  return idx;
}

function strings(v: unknown, out: string[]): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** Every copy of shared data under `dirs`, one line each ("path: what it copies"). */
function copiesIn(dirs: string[], idx: SharedIndex): string[] {
  const found: string[] = [];
  for (const f of dirs.flatMap(walk)) {
    const bytes = readFileSync(f);
    const rel = relative(ROOT, f);
    const whole = idx.files.get(sha(bytes));
    if (whole) found.push(`${rel}: a copy of ${whole}`);
    if (bytes.includes(0)) continue; // binary
    bytes
      .toString("utf8")
      .split("\n")
      .forEach((line, i) => {
        const t = line.trim();
        const row = t.length >= 32 ? idx.rows.get(sha(t)) : undefined;
        if (row) found.push(`${rel}:${i + 1}: a copy of the row ${row}`);
        if (!t.startsWith("{")) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(t);
        } catch {
          return;
        }
        // a benchmark question anywhere in the row: a field, or a line of a transcript
        for (const s of strings(parsed, []))
          for (const piece of s.split(/\n|<\|im_(?:start|end)\|>/)) {
            const q = idx.questions.get(piece.trim());
            if (q) found.push(`${rel}:${i + 1}: carries the question of ${q}`);
          }
      });
  }
  return found;
}

describeShared("no third-party data in the repository", () => {
  const idx = indexShared();
  it("no file under traces/, data/ or tests/fixtures/ is a copy of a file, a JSONL row or a question of ../shared/data", () => {
    expect(idx.files.size).toBeGreaterThan(40);
    expect(idx.questions.size).toBeGreaterThan(8000);
    expect(
      copiesIn(
        ["traces", "data", join("tests", "fixtures")].map((d) => join(ROOT, d)),
        idx,
      ),
    ).toEqual([]);
  });

  it("the check finds a copied file, a copied row and a carried question", () => {
    const dir = tmpDir("copies-");
    const lic = readFileSync(shared("webdancer/LICENSE"));
    writeFileSync(join(dir, "LICENSE"), lic);
    const row = readFileSync(shared("nemo_gym/google_search__example_rollouts.jsonl"), "utf8").split("\n")[2]!;
    writeFileSync(join(dir, "mine.jsonl"), `{"id": 1}\n  ${row}\n`);
    const q = JSON.parse(readFileSync(shared("questions/frames.jsonl"), "utf8").split("\n")[5]!).question as string;
    const transcript = `<|im_start|>user\n${q}<|im_end|>\n`;
    writeFileSync(join(dir, "gen.jsonl"), JSON.stringify({ id: "x", transcript }) + "\n");
    const found = copiesIn([dir], idx);
    // identical licence texts sit in several folders, so any of them may be named
    expect(found.some((l) => l.startsWith(`${relative(ROOT, join(dir, "LICENSE"))}: a copy of `))).toBe(true);
    expect(found).toContain(
      `${relative(ROOT, join(dir, "mine.jsonl"))}:2: a copy of the row nemo_gym/google_search__example_rollouts.jsonl:3`,
    );
    expect(
      found.some((l) =>
        l.startsWith(`${relative(ROOT, join(dir, "gen.jsonl"))}:1: carries the question of questions/frames.jsonl:`),
      ),
    ).toBe(true);
  });
});
