/**
 * A report's payload from a corpus directory (sounding convert): the tallies of every rollout
 * from the corpus's SQL tallies (`tallyCtes`, the same counts `corpusSweep` replays, with the
 * per-claim checks for B_v), laid out as `tallyArrays` lays them out (a group's rollouts
 * contiguous, groups in order of first appearance by file and line), and for a stratified sample
 * the text the corpus stores: question, calls with their queries, URLs, goals and labels, the
 * final answer (a corpus keeps no tool responses or reasoning; the page says so).
 */
import type { Corpus } from "../corpus/corpus.js";
import { tallyCtes } from "../corpus/corpus-metrics.js";
import { lit } from "../corpus/duckdb.js";
import type { BehaviourLabel, LabelRow, ToolCall, ToolRole, Trajectory, Verdict } from "../trajectory/schema.js";
import { dictionary, SAMPLE_STRATA } from "./report-data.js";
import type { ReportOptions } from "./report-options.js";
import { stratifiedSample } from "./report-sample.js";
import { VERDICTS, type ReportPayload } from "./report-payload.js";

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const int = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function corpusReportPayload(
  corpus: Corpus,
  opts: ReportOptions & { labelSet?: string | undefined },
): Promise<ReportPayload> {
  const ls = corpus.labelSet(opts.labelSet);
  const ctes = tallyCtes(ls.name);
  const rows = (await corpus.sql(
    `WITH ${ctes}, ut AS (SELECT key, AVG(CAST(utility AS DOUBLE)) AS utility FROM tlab WHERE utility IS NOT NULL GROUP BY key)
     SELECT tally.*, t.question, t.final_answer, t.truncated, ut.utility FROM tally
     JOIN trajectories t ON t.key = tally.key LEFT JOIN ut ON ut.key = tally.key
     ORDER BY tally.file, tally.line, tally.trajectory_id`,
  )) as Row[];
  // contiguous groups in order of first appearance, as tallyArrays orders them
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const g = str(r.group_id) ?? `\u0000${i}`;
    let a = groups.get(g);
    if (!a) groups.set(g, (a = []));
    a.push(i);
  });
  const order: number[] = [];
  const groupStart: number[] = [];
  const groupIds: string[] = [];
  for (const [g, idx] of groups) {
    groupStart.push(order.length);
    groupIds.push(g.startsWith("\u0000") ? "" : g);
    order.push(...idx);
  }
  groupStart.push(order.length);
  const ordered = order.map((i) => rows[i]!);
  const checks = new Map<string, number[]>();
  for (const c of (await corpus.sql(
    `WITH ${ctes} SELECT key, claim, c FROM claim_checks ORDER BY key, claim`,
  )) as Row[]) {
    const k = String(c.key);
    let a = checks.get(k);
    if (!a) checks.set(k, (a = []));
    a.push(int(c.c));
  }
  const checkStart: number[] = [];
  const flat: number[] = [];
  for (const r of ordered) {
    checkStart.push(flat.length);
    if (int(r.has_claims)) flat.push(...(checks.get(String(r.key)) ?? []));
  }
  checkStart.push(flat.length);
  const files = dictionary(ordered.map((r) => String(r.file)));
  const datasets = dictionary(ordered.map((r) => str(r.dataset)));
  const models = dictionary(ordered.map((r) => str(r.model)));
  const verdict = ordered.map((r) => Math.max(0, VERDICTS.indexOf(String(r.verdict) as Verdict)));
  const step = ordered.map((r) => (r.step === null || r.step === undefined ? null : Number(r.step)));
  const strata = ordered.map((_, i) => `${datasets.codes[i]}|${verdict[i]}|${step[i] ?? ""}`);
  const sampled = stratifiedSample(strata, opts.sample, opts.seed);
  const text = await sampleText(
    corpus,
    ctes,
    sampled.map((i) => ordered[i]!),
  );
  const col = (name: string) => ordered.map((r) => int(r[name]));
  return {
    version: 1,
    title: opts.title,
    source: opts.source,
    n: ordered.length,
    labelsBv: ls.labelsBv,
    base: opts.config,
    sample: { size: sampled.length, requested: opts.sample, strata: SAMPLE_STRATA, seed: opts.seed },
    textNote:
      "what the corpus stores: questions, queries, URLs, page goals, labels and answers (no tool responses or reasoning)",
    files: files.names,
    datasets: datasets.names,
    models: models.names,
    groups: { id: groupIds, question: groupStart.slice(0, -1).map((g) => String(ordered[g]!.question ?? "")) },
    groupStart,
    rows: {
      id: ordered.map((r) => String(r.trajectory_id)),
      file: files.codes,
      line: col("line"),
      dataset: datasets.codes,
      model: models.codes,
      step,
      verdict,
      T: col("T"),
      labelled: col("labelled"),
      nUniqS: col("n_uniq_s"),
      nRedS: col("n_red_s"),
      nExplore: col("n_explore"),
      nVerify: col("n_verify"),
      nRedQ: col("n_red_q"),
      nRedQFixed: col("n_red_q_fixed"),
      hasClaims: col("has_claims"),
      correct: ordered.map((r) => (r.correct ? 1 : 0)),
      formatOk: ordered.map((r) => (r.format_ok ? 1 : 0)),
      utility: ordered.map((r) => (r.utility === null || r.utility === undefined ? null : Number(r.utility))),
      responseChars: ordered.map(() => null),
      checkStart,
      checks: flat,
    },
    text: { row: sampled, ...text },
  };
}

/** The sampled rollouts as trajectories holding what the corpus stores, with their label rows. */
async function sampleText(
  corpus: Corpus,
  ctes: string,
  picked: Row[],
): Promise<{ trajectories: Trajectory[]; labels: LabelRow[][] }> {
  if (!picked.length) return { trajectories: [], labels: [] };
  const keys = picked.map((r) => lit(String(r.key))).join(", ");
  const calls = (await corpus.sql(
    `SELECT key, call_index, turn, tool, role, queries_json, urls_json, goal, error, error_reason FROM calls
     WHERE key IN (${keys}) ORDER BY key, call_index`,
  )) as Row[];
  const labels = (await corpus.sql(
    `WITH ${ctes} SELECT key, file, line, trajectory_id, call_index, tool, role, label, utility, claim, is_check FROM tlab
     WHERE key IN (${keys}) ORDER BY key, call_index`,
  )) as Row[];
  const by = <T>(xs: Row[], f: (r: Row) => T) => {
    const m = new Map<string, T[]>();
    for (const r of xs) {
      const k = String(r.key);
      let a = m.get(k);
      if (!a) m.set(k, (a = []));
      a.push(f(r));
    }
    return m;
  };
  const callsOf = by(calls, (c): ToolCall => ({
    index: int(c.call_index),
    step: int(c.turn),
    name: String(c.tool),
    role: String(c.role) as ToolRole,
    queries: JSON.parse(String(c.queries_json ?? "[]")) as string[],
    urls: JSON.parse(String(c.urls_json ?? "[]")) as string[],
    goal: str(c.goal),
    arguments: "",
    parsedArguments: null,
    response: null,
    results: [],
    error: Boolean(c.error),
    errorReason: str(c.error_reason),
  }));
  const trajectories = picked.map((r): Trajectory => {
    const cs = callsOf.get(String(r.key)) ?? [];
    const turns = [...new Set(cs.map((c) => c.step))].sort((a, b) => a - b);
    return {
      id: String(r.trajectory_id),
      question: String(r.question ?? ""),
      steps: turns.map((turn) => ({
        index: turn,
        text: "",
        reasoning: "",
        calls: cs.flatMap((c, k) => (c.step === turn ? [k] : [])),
      })),
      calls: cs,
      finalAnswer: str(r.final_answer),
      goldAnswers: [],
      verdict: String(r.verdict) as Verdict,
      score: null,
      truncated: Boolean(r.truncated),
      anomalies: [],
      provenance: {
        source: { file: String(r.file), line: int(r.line) },
        format: String(r.format) as Trajectory["provenance"]["format"],
        model: str(r.model),
        dataset: str(r.dataset),
        trainingStep: r.step === null || r.step === undefined ? null : int(r.step),
        groupId: str(r.group_id),
        recordId: null,
      },
      extra: {},
    };
  });
  const labelsOf = by(labels, (l): LabelRow => ({
    source: { file: String(l.file), line: int(l.line) },
    trajectoryId: String(l.trajectory_id),
    callIndex: int(l.call_index),
    tool: String(l.tool),
    role: String(l.role) as ToolRole,
    label: (str(l.label) as BehaviourLabel | null) ?? null,
    utility: l.utility === null || l.utility === undefined ? null : Number(l.utility),
    ...(l.claim !== null && l.claim !== undefined ? { claim: int(l.claim) } : {}),
    ...(l.is_check !== null && l.is_check !== undefined ? { check: Boolean(l.is_check) } : {}),
  }));
  // trajectoryHtml matches labels by the trajectory's own source file
  const fixed = picked.map((r, k) =>
    (labelsOf.get(String(r.key)) ?? []).map((l) => ({ ...l, source: trajectories[k]!.provenance.source })),
  );
  return { trajectories, labels: fixed };
}
