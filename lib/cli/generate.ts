/** `sounding generate`: seeded synthetic traces with their true labels. */
import { parseArgs } from "node:util";
import { generateTraces, QuestionFileError, type GenerateOptions } from "../index.js";
import { UsageError, numberOption } from "./usage-error.js";

export const GENERATE_HELP = `usage: sounding generate --out DIR [options]

Write realistic Fathom eval rows (DIR/NAME.jsonl) or verl rollout dumps (DIR/<step>.jsonl),
seeded from the bundled question bank (or --questions FILE), with the true behaviour label of every call in
a label set beside each file (*.labels.jsonl).

  --out DIR             output directory (created)
  --format F            fathom (default) | verl
  --name NAME           fathom file name without extension (default fathom-eval)
  --seed N              random seed (default 1); same seed, same bytes
  --prompts N           questions per file / per step (default 20)
  --group-size N        rollouts per question (default 1 fathom, 5 verl)
  --questions FILE      JSONL file (or directory) of {question, answer[, id, style]} rows to use
                        instead of the bundled bank (data/question-bank.jsonl)
  --datasets a,b        styles to draw from (bundled: frames, musique, seal0, simpleqa, webwalker;
                        a --questions file: its style/dataset values, else its file name)
  --agent NAME          agent written in Fathom rows (default fathom-search)
  --breadth X           mean unique searches per claim (default 1.5)
  --redundancy P        probability of a redundant repeat after a call (default 0.15)
  --verification X      mean extra sources read per claim (default 1)
  --verify-budget N     verifications credited per claim, B_v (default 1)
  --horizon N           max tool calls per rollout (default 32)
  --accuracy P          probability of a correct answer (default 0.5)
  --parallel P          probability a turn batches 2-3 calls (default 0.2)
  --failure-rate P      probability a call fails (default 0.03)
  --truncation-rate P   probability the final turn is cut (default 0.02)
  --steps N             verl: training steps (default 3)
  --drift X             verl: breadth growth by the last step (default 0.5)
  --no-labels           do not write label sets`;

export async function generateCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        format: { type: "string" },
        name: { type: "string" },
        seed: { type: "string" },
        prompts: { type: "string" },
        "group-size": { type: "string" },
        questions: { type: "string" },
        datasets: { type: "string" },
        agent: { type: "string" },
        breadth: { type: "string" },
        redundancy: { type: "string" },
        verification: { type: "string" },
        "verify-budget": { type: "string" },
        horizon: { type: "string" },
        accuracy: { type: "string" },
        parallel: { type: "string" },
        "failure-rate": { type: "string" },
        "truncation-rate": { type: "string" },
        steps: { type: "string" },
        drift: { type: "string" },
        "no-labels": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${GENERATE_HELP}`);
  }
  const v = parsed.values;
  if (v.help) {
    out(GENERATE_HELP);
    return 0;
  }
  if (!v.out) throw new UsageError(`generate needs --out DIR\n\n${GENERATE_HELP}`);
  if (v.format !== undefined && v.format !== "fathom" && v.format !== "verl") throw new UsageError(`--format must be fathom or verl, got "${v.format}"`);
  const p = (name: string, x: string | undefined) => numberOption(name, x, { min: 0, max: 1 });
  const opts: GenerateOptions = {
    format: (v.format as "fathom" | "verl" | undefined) ?? "fathom",
    seed: numberOption("seed", v.seed, { int: true, min: 0 }),
    prompts: numberOption("prompts", v.prompts, { int: true, min: 1 }),
    groupSize: numberOption("group-size", v["group-size"], { int: true, min: 1 }),
    questions: v.questions,
    datasets: v.datasets ? v.datasets.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
    agent: v.agent,
    breadth: numberOption("breadth", v.breadth, { min: 0 }),
    redundancy: p("redundancy", v.redundancy),
    verification: numberOption("verification", v.verification, { min: 0 }),
    verifyBudget: numberOption("verify-budget", v["verify-budget"], { int: true, min: 0 }),
    horizon: numberOption("horizon", v.horizon, { int: true, min: 0 }),
    accuracy: p("accuracy", v.accuracy),
    parallel: p("parallel", v.parallel),
    failureRate: p("failure-rate", v["failure-rate"]),
    truncationRate: p("truncation-rate", v["truncation-rate"]),
    steps: numberOption("steps", v.steps, { int: true, min: 1 }),
    drift: numberOption("drift", v.drift, { min: 0 }),
    labels: !v["no-labels"],
  };
  for (const k of Object.keys(opts) as Array<keyof GenerateOptions>) if (opts[k] === undefined) delete opts[k];
  let files;
  try {
    files = await generateTraces(v.out, opts, v.name ?? "fathom-eval");
  } catch (err) {
    if (/unknown dataset/.test((err as Error).message)) throw new UsageError(`--datasets: ${(err as Error).message}`);
    if (err instanceof QuestionFileError) throw new UsageError(`--questions: ${err.message}`);
    throw err;
  }
  for (const f of files) out(`${f.path}  ${f.rows} rollouts, ${f.calls} tool calls${f.labelsPath ? `  (labels: ${f.labelsPath})` : ""}`);
  return 0;
}
