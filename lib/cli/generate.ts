/** `sounding generate`: seeded synthetic traces with their true labels. */
import { z } from "zod";
import { generateTraces, QuestionFileError, type GenerateOptions } from "../index.js";
import { command } from "./command.js";
import { choice, flag, num, text, textOr } from "./options.js";
import { UsageError } from "./usage-error.js";

const share = (help: string) => num("P", help, { min: 0, max: 1 });

/** Options not given are left to the library's defaults (a spread would override them with undefined). */
function dropUndefined<T extends object>(o: Partial<T>): void {
  for (const k in o) if (o[k] === undefined) delete o[k];
}

export const generateCommand = command({
  name: "generate",
  summary: "seeded synthetic Fathom / verl traces with their true labels",
  synopsis: "--out DIR",
  positionals: { min: 0, max: 0, what: "no positional arguments" },
  about: `Write realistic Fathom eval rows (DIR/NAME.jsonl) or verl rollout dumps (DIR/<step>.jsonl),
seeded from the bundled question bank (or --questions FILE), with the true behaviour label of every call in
a label set beside each file (*.labels.jsonl).`,
  options: z.object({
    out: text("DIR", "output directory (created)"),
    format: choice(["fathom", "verl"], "what to write (default fathom)"),
    name: textOr("NAME", "fathom file name without extension", "fathom-eval"),
    seed: num("N", "random seed (default 1); same seed, same bytes", { int: true, min: 0 }),
    prompts: num("N", "questions per file / per step (default 20)", { int: true, min: 1 }),
    "group-size": num("N", "rollouts per question (default 1 fathom, 5 verl)", { int: true, min: 1 }),
    questions: text(
      "FILE",
      "JSONL file (or directory) of {question, answer[, id, style]} rows to use instead of the bundled bank",
    ),
    datasets: text(
      "a,b",
      "styles to draw from (bundled: frames, musique, seal0, simpleqa, webwalker; a --questions file: its style values)",
    ),
    agent: text("NAME", "agent written in Fathom rows (default fathom-search)"),
    breadth: num("X", "mean unique searches per claim (default 1.5)", { min: 0 }),
    redundancy: share("probability of a redundant repeat after a call (default 0.15)"),
    verification: num("X", "mean extra sources read per claim (default 1)", { min: 0 }),
    "verify-budget": num("N", "verifications credited per claim, B_v (default 1)", { int: true, min: 0 }),
    horizon: num("N", "max tool calls per rollout (default 32)", { int: true, min: 0 }),
    accuracy: share("probability of a correct answer (default 0.5)"),
    parallel: share("probability a turn batches 2-3 calls (default 0.2)"),
    "failure-rate": share("probability a call fails (default 0.03)"),
    "truncation-rate": share("probability the final turn is cut (default 0.02)"),
    steps: num("N", "verl: training steps (default 3)", { int: true, min: 1 }),
    drift: num("X", "verl: breadth growth by the last step (default 0.5)", { min: 0 }),
    "no-labels": flag("do not write label sets"),
  }),
  async run({ values: v }, out) {
    if (!v.out) throw new UsageError(`generate needs --out DIR (see "sounding generate --help")`);
    const opts: GenerateOptions = {
      format: v.format ?? "fathom",
      seed: v.seed,
      prompts: v.prompts,
      groupSize: v["group-size"],
      questions: v.questions,
      datasets: v.datasets
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      agent: v.agent,
      breadth: v.breadth,
      redundancy: v.redundancy,
      verification: v.verification,
      verifyBudget: v["verify-budget"],
      horizon: v.horizon,
      accuracy: v.accuracy,
      parallel: v.parallel,
      failureRate: v["failure-rate"],
      truncationRate: v["truncation-rate"],
      steps: v.steps,
      drift: v.drift,
      labels: !v["no-labels"],
    };
    dropUndefined(opts);
    let files;
    try {
      files = await generateTraces(v.out, opts, v.name);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/unknown dataset/.test(message)) throw new UsageError(`--datasets: ${message}`);
      if (err instanceof QuestionFileError) throw new UsageError(`--questions: ${message}`);
      throw err;
    }
    for (const f of files) {
      out(`${f.path}  ${f.rows} rollouts, ${f.calls} tool calls${f.labelsPath ? `  (labels: ${f.labelsPath})` : ""}`);
    }
    return 0;
  },
});
