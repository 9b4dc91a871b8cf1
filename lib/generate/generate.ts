/**
 * Seeded trace generation: Fathom eval rows or verl rollout dumps from a question bank (the
 * bundled `data/question-bank.jsonl`, written for sounding, or a user's own file), with the true
 * label of every call written beside them as a label set (`<file>.labels.jsonl`, rows of
 * `LabelRowSchema`, labeller "generator").
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { once } from "node:events";
import type { LabelRow } from "../trajectory/schema.js";
import { loadQuestionBank, type Question } from "./question-bank.js";
import { Rng } from "../io/rng.js";
import { DEFAULT_KNOBS, simulateRollout, type Rollout, type SimulationKnobs } from "./simulate.js";
import { fathomRow, verlRow } from "./render.js";
import { streamTrajectories } from "../formats/load.js";

export interface GenerateOptions extends Partial<SimulationKnobs> {
  /** Seed of every random draw (default 1). */
  seed?: number;
  /** "fathom" eval rows (one file) or "verl" dumps (one file per training step). */
  format?: "fathom" | "verl";
  /** Prompts (questions) per file / per step; cycles through the bank (default 20). */
  prompts?: number;
  /** Rollouts per prompt, the GRPO group size (default 1 for fathom, 5 for verl). */
  groupSize?: number;
  /** Datasets (styles) to draw questions from (default: all in the bank). */
  datasets?: string[];
  /**
   * The questions: a JSONL file or directory of them (rows with `question` and `answer`, see
   * `loadQuestionBank`), or the questions themselves. Default: the bundled bank.
   */
  questions?: string | Question[];
  /** Agent name written in Fathom rows (default "fathom-search"). */
  agent?: string;
  /**
   * verl: training steps to write (default 3), and how much breadth grows per step
   * (default 0.5 = +50% by the last step).
   */
  steps?: number;
  drift?: number;
  /** Write the true-label sidecar files (default true). */
  labels?: boolean;
}

export interface GeneratedFile {
  path: string;
  labelsPath: string | null;
  rows: number;
  calls: number;
}

function bankOf(questions: string | Question[] | undefined): Map<string, Question[]> {
  if (questions === undefined || typeof questions === "string") return loadQuestionBank(questions);
  const bank = new Map<string, Question[]>();
  for (const q of questions) bank.set(q.dataset, [...(bank.get(q.dataset) ?? []), q]);
  if (bank.size === 0) throw new Error("questions: the list is empty");
  return bank;
}

function questionList(datasets?: string[], questions?: string | Question[]): Question[] {
  const bank = bankOf(questions);
  const names = datasets?.length ? datasets : [...bank.keys()];
  const out: Question[] = [];
  for (const n of names) {
    const qs = bank.get(n);
    if (!qs) throw new Error(`unknown dataset "${n}" (in the bank: ${[...bank.keys()].join(", ")})`);
    out.push(...qs);
  }
  // interleave datasets so small runs see all of them
  const by = names.map((n) => bank.get(n)!);
  const mixed: Question[] = [];
  for (let i = 0; mixed.length < out.length; i++) for (const qs of by) if (i < qs.length) mixed.push(qs[i]!);
  return mixed;
}

/** Simulate the rollouts of one file: `prompts` questions × `groupSize` samples. */
export function simulateBatch(opts: GenerateOptions, salt = 0, knobOverride: Partial<SimulationKnobs> = {}): Rollout[] {
  const knobs: SimulationKnobs = { ...DEFAULT_KNOBS, ...pickKnobs(opts), ...knobOverride };
  const qs = questionList(opts.datasets, opts.questions);
  const rng = new Rng((opts.seed ?? 1) * 7919 + salt);
  const prompts = opts.prompts ?? 20;
  const g = opts.groupSize ?? (opts.format === "verl" ? 5 : 1);
  const out: Rollout[] = [];
  for (let p = 0; p < prompts; p++) {
    const base = qs[p % qs.length]!;
    const cycle = Math.floor(p / qs.length);
    const q = cycle === 0 ? base : { ...base, id: `${base.id}~${cycle}` };
    const wrong = qs[(p + 7) % qs.length]!.answer;
    for (let s = 0; s < g; s++)
      out.push(simulateRollout(q, s, knobs, rng, wrong === q.answer ? `not ${wrong}` : wrong));
  }
  return out;
}

function pickKnobs(o: GenerateOptions): Partial<SimulationKnobs> {
  const k: Partial<SimulationKnobs> = {};
  for (const key of Object.keys(DEFAULT_KNOBS) as Array<keyof SimulationKnobs>)
    if (o[key] !== undefined) k[key] = o[key];
  return k;
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const ws = createWriteStream(path);
  for (const l of lines) if (!ws.write(l + "\n")) await once(ws, "drain");
  ws.end();
  await once(ws, "finish");
}

/** Read a written file back: the loader's id and call count per line. */
async function readBack(path: string, format: "fathom" | "verl"): Promise<Map<number, { id: string; calls: number }>> {
  const out = new Map<number, { id: string; calls: number }>();
  for await (const t of streamTrajectories(path, { format }))
    out.set(t.provenance.source.line, { id: t.id, calls: t.calls.length });
  return out;
}

async function writeLabels(
  path: string,
  labelsPath: string,
  format: "fathom" | "verl",
  rollouts: Rollout[],
): Promise<void> {
  const back = await readBack(path, format);
  const rows = rollouts.map((r, i) => {
    const b = back.get(i + 1);
    const planned = r.turns.reduce((m, t) => m + t.calls.length, 0);
    if (!b || b.calls !== planned)
      throw new Error(`generator/reader mismatch at ${path}:${i + 1}: planned ${planned} calls, read ${b?.calls}`);
    return { id: b.id, rollout: r };
  });
  await writeLines(labelsPath, labelRows(path, rows));
}

function labelRows(file: string, rows: Array<{ id: string; rollout: Rollout }>): string[] {
  const out: string[] = [];
  rows.forEach(({ id, rollout }, i) => {
    let k = 0;
    for (const t of rollout.turns) {
      for (const c of t.calls) {
        const row: LabelRow & { labeller: string } = {
          source: { file, line: i + 1 },
          trajectoryId: id,
          callIndex: k++,
          tool: c.name,
          role: c.name === "search_urls" ? "search" : "page",
          label: c.label,
          utility: null,
          labeller: "generator",
        };
        out.push(JSON.stringify(row));
      }
    }
  });
  return out;
}

/**
 * Generate traces into `outDir`. Fathom: `<outDir>/<name>.jsonl`; verl: `<outDir>/<step>.jsonl`
 * for steps 1..steps. Returns the files written with their row and call counts.
 * Label rows carry the ids the loader assigns: the written file is read back, which also
 * checks that every planned call is read (a mismatch is a bug and throws).
 */
export async function generateTraces(
  outDir: string,
  opts: GenerateOptions = {},
  name = "fathom-eval",
): Promise<GeneratedFile[]> {
  const format = opts.format ?? "fathom";
  const files: GeneratedFile[] = [];
  if (format === "fathom") {
    const rollouts = simulateBatch(opts);
    const path = join(outDir, `${name}.jsonl`);
    await writeLines(
      path,
      rollouts.map((r) => JSON.stringify(fathomRow(r, opts.agent ?? "fathom-search"))),
    );
    const labelsPath = opts.labels === false ? null : join(outDir, `${name}.labels.jsonl`);
    if (labelsPath) await writeLabels(path, labelsPath, "fathom", rollouts);
    files.push({ path, labelsPath, rows: rollouts.length, calls: countCalls(rollouts) });
    return files;
  }
  const steps = opts.steps ?? 3;
  const drift = opts.drift ?? 0.5;
  const baseBreadth = opts.breadth ?? DEFAULT_KNOBS.breadth;
  for (let step = 1; step <= steps; step++) {
    const breadth = baseBreadth * (1 + (steps > 1 ? (drift * (step - 1)) / (steps - 1) : 0));
    const rollouts = simulateBatch(opts, step, { breadth });
    const g = opts.groupSize ?? 5;
    const path = join(outDir, `${step}.jsonl`);
    await writeLines(
      path,
      rollouts.map((r, i) =>
        JSON.stringify(verlRow(r, step, `${(opts.seed ?? 1).toString(16)}-${step}-${Math.floor(i / g)}`)),
      ),
    );
    const labelsPath = opts.labels === false ? null : join(outDir, `${step}.labels.jsonl`);
    if (labelsPath) await writeLabels(path, labelsPath, "verl", rollouts);
    files.push({ path, labelsPath, rows: rollouts.length, calls: countCalls(rollouts) });
  }
  return files;
}

function countCalls(rs: Rollout[]): number {
  return rs.reduce((n, r) => n + r.turns.reduce((m, t) => m + t.calls.length, 0), 0);
}
