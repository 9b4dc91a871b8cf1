/**
 * Benchmark questions bundled with the package (`data/questions/`, a few dozen per set from
 * the Fathom-DeepResearch eval sets, MIT; see traces/PROVENANCE.md), used to seed generated
 * traces. Resolved relative to this module so it works from a clone and from an install.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Question {
  id: string;
  dataset: string;
  question: string;
  answer: string;
}

export function questionsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "data", "questions");
}

/** All bundled questions, by dataset name, in file order. */
export function loadQuestionBank(dir = questionsDir()): Map<string, Question[]> {
  const out = new Map<string, Question[]>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
    const dataset = f.replace(/\.jsonl$/, "");
    const qs: Question[] = [];
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { id: string; question: string; answer: string };
      qs.push({ id: String(r.id), dataset, question: r.question, answer: String(r.answer) });
    }
    out.set(dataset, qs);
  }
  return out;
}
