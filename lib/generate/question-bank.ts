/**
 * Questions that seed generated traces.
 *
 * The default bank is `data/question-bank.jsonl`, written for sounding (no benchmark's text):
 * rows `{id, style, question, answer, aliases?}` in five styles named after the benchmarks whose
 * kind of question they imitate: `simpleqa` (short factual), `frames` (multi-hop with
 * constraints and arithmetic), `musique` (composed 2–4 hop), `webwalker` (find it on a named
 * website) and `seal0` (recent facts and facts on which search results conflict). It is resolved
 * relative to this module, so it works from a clone and from an install.
 *
 * A user's own set (`sounding generate --questions FILE`, option `questions`) is a JSONL file, or
 * a directory of them, with at least `question` and `answer` per row; `id` defaults to
 * `<file stem>-<line>` and `style` (or `dataset`) to the file stem, so the Fathom-DeepResearch
 * `eval_datasets/*.jsonl` files (`{id, question, answer}`) load as they are.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export interface Question {
  id: string;
  /** The question's style or source set (`simpleqa`, `frames`, …, or a user file's stem). */
  dataset: string;
  question: string;
  answer: string;
  /** Other accepted spellings of the answer. */
  aliases?: string[];
}

/** The bundled bank, `data/question-bank.jsonl`. */
export function questionBankPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "data", "question-bank.jsonl");
}

/** A question file that cannot be read (missing, not JSONL, a row without question/answer): one line. */
export class QuestionFileError extends Error {
  override readonly name = "QuestionFileError";
}

const scalar = z.union([z.string(), z.number()]).transform((x) => String(x));
const RowSchema = z.object({
  id: scalar.optional(),
  style: z.string().min(1).optional(),
  dataset: z.string().min(1).optional(),
  question: z.string().trim().min(1),
  answer: scalar.refine((s) => s.trim().length > 0, "is empty"),
  aliases: z.array(scalar).optional(),
});

function readQuestionFile(path: string, out: Map<string, Question[]>): void {
  const stem = basename(path).replace(/\.jsonl?$/i, "");
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${path}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new QuestionFileError(
        `${where}: not a JSON object (question files are JSONL: one {question, answer} a line)`,
      );
    }
    const r = RowSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = issue?.path.join(".") || "row";
      throw new QuestionFileError(
        `${where}: ${field} ${issue?.message ?? "is invalid"} (a row needs question and answer)`,
      );
    }
    const dataset = r.data.style ?? r.data.dataset ?? stem;
    const q: Question = {
      id: r.data.id ?? `${stem}-${i + 1}`,
      dataset,
      question: r.data.question,
      answer: r.data.answer,
    };
    if (r.data.aliases?.length) q.aliases = r.data.aliases;
    const list = out.get(dataset) ?? [];
    list.push(q);
    out.set(dataset, list);
  });
}

/**
 * Questions by style / dataset, each list in file order. `source` is a JSONL file or a directory
 * of them (read in name order); the default is the bundled bank. Bad rows throw with file:line.
 */
export function loadQuestionBank(source = questionBankPath()): Map<string, Question[]> {
  let files: string[];
  try {
    files = statSync(source).isDirectory()
      ? readdirSync(source)
          .filter((f) => /\.jsonl$/i.test(f))
          .sort()
          .map((f) => join(source, f))
      : [source];
  } catch {
    throw new QuestionFileError(`question file not found: ${source}`);
  }
  const out = new Map<string, Question[]>();
  for (const f of files) readQuestionFile(f, out);
  if (out.size === 0)
    throw new QuestionFileError(`${source}: no questions (expected JSONL rows with question and answer)`);
  return out;
}
