/**
 * The question bank that seeds the generator: the bundled one (written for sounding), a user's own
 * file through `questions` / `--questions`, and clear one-line errors for bad files.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  generateTraces,
  loadQuestionBank,
  loadTrajectories,
  questionBankPath,
  QuestionFileError,
  type Question,
} from "../../lib/index.js";
import { cli, ROOT, tmpDir, tmpFile } from "../helpers.js";

const STYLES = ["simpleqa", "frames", "musique", "webwalker", "seal0"];

describe("the bundled question bank", () => {
  it("is data/question-bank.jsonl: ≥ 200 questions in five styles, unique ids and questions, every answer given", () => {
    expect(questionBankPath()).toBe(join(ROOT, "data", "question-bank.jsonl"));
    const raw = readFileSync(questionBankPath(), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const bank = loadQuestionBank();
    const all = [...bank.values()].flat();
    expect(all).toHaveLength(raw.length);
    expect(all.length).toBeGreaterThanOrEqual(200);
    expect([...bank.keys()].sort()).toEqual([...STYLES].sort());
    for (const s of STYLES) expect(bank.get(s)!.length, s).toBeGreaterThanOrEqual(40);
    expect(new Set(all.map((q) => q.id)).size).toBe(all.length);
    expect(new Set(all.map((q) => q.question.toLowerCase())).size).toBe(all.length);
    for (const q of all) {
      expect(q.id).toMatch(new RegExp(`^sb-${q.dataset}-\\d{3}$`));
      expect(q.answer.trim().length).toBeGreaterThan(0);
      expect(q.question.endsWith("?"), q.id).toBe(true);
    }
    // the file's rows come back field for field
    expect(all.map((q) => [q.id, q.dataset, q.question, q.answer])).toEqual(
      [...STYLES.flatMap((s) => raw.filter((r) => r.style === s))].map((r) => [r.id, r.style, r.question, r.answer]),
    );
  });

  it("seeds the bundled generated traces: every question there is a bank question", async () => {
    const bank = new Map([...loadQuestionBank().values()].flat().map((q) => [q.question.trim(), q]));
    const { trajectories } = await loadTrajectories([join(ROOT, "traces", "generated")]);
    expect(trajectories.length).toBe(270);
    for (const t of trajectories) {
      const q = bank.get(t.question);
      expect(q, `${t.provenance.source.file}:${t.provenance.source.line}`).toBeDefined();
      expect(t.question).toBe(q!.question.trim());
      expect(t.goldAnswers).toEqual([q!.answer]);
    }
  });
});

describe("a user's own questions", () => {
  it("load from JSONL with defaults: id <stem>-<line>, style from the row or the file name; a directory of files", () => {
    const dir = tmpDir("qs-");
    writeFileSync(
      join(dir, "mine.jsonl"),
      '{"question": "Q one?", "answer": 1}\n\n{"id": "x", "question": "Q two?", "answer": "b", "style": "hard"}\n',
    );
    writeFileSync(
      join(dir, "frames.jsonl"),
      '{"id": "frames-0", "question": "F?", "answer": "f", "aliases": ["ef"]}\n',
    );
    writeFileSync(join(dir, "notes.txt"), "not questions");
    const one = loadQuestionBank(join(dir, "mine.jsonl"));
    expect([...one.entries()]).toEqual([
      ["mine", [{ id: "mine-1", dataset: "mine", question: "Q one?", answer: "1" }]],
      ["hard", [{ id: "x", dataset: "hard", question: "Q two?", answer: "b" }]],
    ]);
    const all = loadQuestionBank(dir);
    expect([...all.keys()]).toEqual(["frames", "mine", "hard"]);
    expect(all.get("frames")).toEqual([
      { id: "frames-0", dataset: "frames", question: "F?", answer: "f", aliases: ["ef"] },
    ]);
  });

  it("any question and answer text round-trips through a question file", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            question: fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0),
            answer: fc.string().filter((s) => s.trim().length > 0),
          }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (rows) => {
          const p = tmpFile("q.jsonl", rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
          const got = loadQuestionBank(p).get("q")!;
          expect(got.map((q) => [q.question, q.answer])).toEqual(rows.map((r) => [r.question.trim(), r.answer]));
          expect(got.map((q) => q.id)).toEqual(rows.map((_, i) => `q-${i + 1}`));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("bad files fail with one line naming the file and line", () => {
    const bad = (content: string) => tmpFile("bad.jsonl", content);
    const msg = (p: string) => {
      try {
        loadQuestionBank(p);
      } catch (e) {
        expect(e).toBeInstanceOf(QuestionFileError);
        return (e as Error).message;
      }
      return "no error";
    };
    const a = bad('{"question": "ok?", "answer": "y"}\n{"question": "no answer?"}\n');
    expect(msg(a)).toMatch(
      new RegExp(`^${a.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: answer .* \\(a row needs question and answer\\)$`),
    );
    const b = bad('{"question": "ok?", "answer": "y"}\nnot json\n');
    expect(msg(b)).toBe(`${b}:2: not a JSON object (question files are JSONL: one {question, answer} a line)`);
    const c = bad('{"question": "  ", "answer": "y"}\n');
    expect(msg(c)).toMatch(/:1: question /);
    expect(msg(bad("\n\n"))).toMatch(/: no questions/);
    expect(msg(join(tmpDir(), "absent.jsonl"))).toMatch(/^question file not found: .*absent\.jsonl$/);
    for (const m of [msg(a), msg(b), msg(c)]) expect(m).not.toContain("\n");
  });

  it("generateTraces takes them as a path or as Question[]; --datasets picks their styles", async () => {
    const mine: Question[] = [
      { id: "m1", dataset: "house", question: "Which colour is the door of the house we rent?", answer: "green" },
      { id: "m2", dataset: "house", question: "How many windows face the street?", answer: "4" },
      { id: "m3", dataset: "garden", question: "Which tree stands by the gate?", answer: "birch" },
    ];
    const dir = tmpDir("gen-q-");
    await generateTraces(dir, { questions: mine, prompts: 3, seed: 5 });
    const { trajectories } = await loadTrajectories([join(dir, "fathom-eval.jsonl")]);
    expect(trajectories.map((t) => [t.id, t.question, t.goldAnswers])).toEqual([
      ["m1", mine[0]!.question, ["green"]],
      ["m3", mine[2]!.question, ["birch"]],
      ["m2", mine[1]!.question, ["4"]],
    ]);
    const p = tmpFile("garden.jsonl", '{"question": "Which tree stands by the gate?", "answer": "birch"}\n');
    const dir2 = tmpDir("gen-q-");
    await generateTraces(dir2, { questions: p, prompts: 2, seed: 5, datasets: ["garden"] });
    const t2 = (await loadTrajectories([join(dir2, "fathom-eval.jsonl")])).trajectories;
    expect(t2.map((t) => t.id)).toEqual(["garden-1", "garden-1~1"]);
    await expect(generateTraces(tmpDir(), { questions: mine, datasets: ["frames"] })).rejects.toThrow(
      /unknown dataset "frames" \(in the bank: house, garden\)/,
    );
  });
});

describe("sounding generate --questions", () => {
  it("writes rows from the given file; a missing or bad file is a one-line usage error (exit 2)", () => {
    const p = tmpFile("qs.jsonl", '{"id": "q-a", "question": "What is the name of our cat?", "answer": "Miso"}\n');
    const out = tmpDir("cli-q-");
    const r = cli(["generate", "--out", out, "--questions", p, "--prompts", "2", "--seed", "3"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, "fathom-eval.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; question: string; answer_gt: string; dataset: string });
    expect(rows.map((x) => [x.id, x.question, x.answer_gt, x.dataset])).toEqual([
      ["q-a", "What is the name of our cat?", "Miso", "qs"],
      ["q-a~1", "What is the name of our cat?", "Miso", "qs"],
    ]);
    const missing = cli(["generate", "--out", tmpDir(), "--questions", join(out, "nope.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/--questions: question file not found: .*nope\.jsonl/);
    const badFile = tmpFile("bad.jsonl", '{"question": "no answer?"}\n');
    const bad = cli(["generate", "--out", tmpDir(), "--questions", badFile]);
    expect([bad.code, bad.stderr.trim().split("\n").length]).toEqual([2, 1]);
    expect(bad.stderr).toContain(`${badFile}:1: answer`);
  });
});

describe("the bundled generated traces", () => {
  it("are what scripts/generate-bundled.sh writes from the bank, byte for byte", () => {
    const out = tmpDir("bundled-");
    const r = spawnSync("bash", [join(ROOT, "scripts", "generate-bundled.sh"), out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const bundled = join(ROOT, "traces", "generated");
    const files = (d: string) =>
      readdirSync(d, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".jsonl"))
        .sort();
    expect(files(out)).toEqual(files(bundled));
    expect(files(out)).toHaveLength(12);
    // label rows name the trace file as given on the command line: the only difference allowed
    for (const f of files(out)) {
      const mine = readFileSync(join(out, f), "utf8").replaceAll(`"file":"${out}/`, `"file":"traces/generated/`);
      expect([f, mine === readFileSync(join(bundled, f), "utf8")]).toEqual([f, true]);
    }
  });
});
