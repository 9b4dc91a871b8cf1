/** `sounding reward`, `sounding sweep` and `sounding export verl | spark-job`. */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import {
  exportVerl,
  exportSparkJob,
  SPARK_JOB_VERSION,
  gridSettings,
  KNOBS,
  paretoFront,
  randomSettings,
  rewardGuardrails,
  rewardSpecHash,
  rolloutReward,
  sweep,
  sweepParallel,
  corpusSweep,
  corpusSize,
  corpusSources,
  corpusTallies,
  talliesOf,
  rolloutColumns,
  ROLLOUT_COLUMNS,
  formatValid,
  indexLabels,
  heuristicOptions,
  HeuristicOptionsSchema,
  OptionsError,
  parseOptions,
  type HeuristicOptions,
  type JudgeSpec,
  type Knob,
  type RewardConfig,
  type Corpus,
  type Tallies,
  type RolloutColumns,
  behaviourPressure,
  type BehaviourMeasure,
} from "../index.js";
import { command } from "./command.js";
import { fileErrorText, fitsBudget, LOAD_OPTIONS, rolloutsOf, toolRoleFile, withInput } from "./load-options.js";
import { choiceOr, flag, num, numOr, text } from "./options.js";
import { jsonText, tableText } from "./output.js";
import { UsageError } from "./usage-error.js";
import { configFrom, gridOf, REWARD_OPTIONS } from "./reward-options.js";

const REWARD_OPTS = z.object({
  labels: REWARD_OPTIONS.labels,
  "label-set": REWARD_OPTIONS["label-set"],
  config: REWARD_OPTIONS.config,
  json: flag("print one JSON object (spec, config, guardrails, rows)"),
  ...LOAD_OPTIONS,
});

export const rewardCommand = command({
  name: "reward",
  summary: "the steerable reward of every trajectory (Eq. 8) from its labels",
  synopsis: "<paths…|CORPUS_DIR>",
  positionals: { min: 1, what: "at least one path" },
  about: `One row per trajectory: source, trajectoryId, correct, T, nUniqS, nRedS, nExplore, nVerify,
nRedQ, rho, deltaS, deltaQ, reward (Eq. 8 by default; the config file holds any of stage,
formatWeight, correctWeight, floor, c1, c2, CS, CQ, Bv, clipDelta, rhoWhenNoCalls, countT).
Without --labels the calls are labelled with the deterministic labeller first. Given a corpus
directory (sounding convert) the rows come from its tallies, in the order of the files it came from
(--label-set NAME when it has several label sets).`,
  options: REWARD_OPTS,
  run: ({ values, positionals }, out) => rewardRun(positionals, values, out),
});

/** One row of `sounding reward`. */
interface RewardRow extends RolloutColumns {
  source: { file: string; line: number };
  trajectoryId: string;
  correct: boolean;
  reward: number;
  labelled: boolean;
}

function rewardRow(
  source: { file: string; line: number },
  trajectoryId: string,
  tal: Tallies,
  correct: boolean,
  formatOk: boolean,
  labelled: boolean,
  cfg: RewardConfig,
): RewardRow {
  const r = rolloutReward(tal, correct, formatOk, cfg);
  return {
    source,
    trajectoryId,
    correct,
    ...rolloutColumns(tal, r),
    reward: r.reward,
    labelled,
  };
}

/** The reward rows of a corpus, in corpus order (the order of the trace files it came from). */
async function corpusRewardRows(c: Corpus, labelSet: string | undefined, cfg: RewardConfig): Promise<RewardRow[]> {
  const a = await corpusTallies(c, { labelSet, keys: false });
  const src = await corpusSources(c, { labelSet });
  const rows = new Array<RewardRow>(a.n);
  for (let s = 0; s < a.n; s++) {
    const o = a.order[s]!;
    const tal: Tallies = {
      T: a.T[s]!,
      labelled: a.labelled[s]!,
      nUniqS: a.nUniqS[s]!,
      nRedS: a.nRedS[s]!,
      nExplore: a.nExplore[s]!,
      nVerify: a.nVerify[s]!,
      nRedQ: a.nRedQ[s]!,
      nRedQFixed: a.nRedQFixed[s]!,
      claimChecks: a.hasClaims[s] ? Array.from(a.checks.subarray(a.checkStart[s]!, a.checkStart[s + 1]!)) : null,
    };
    const source = { file: src.file[o]!, line: src.line[o]! };
    rows[o] = rewardRow(
      source,
      src.trajectoryId[o]!,
      tal,
      a.correct[s] === 1,
      a.formatOk[s] === 1,
      src.labelRows[o] === a.T[s],
      cfg,
    );
  }
  return rows;
}

async function rewardRun(
  positionals: string[],
  v: z.output<typeof REWARD_OPTS>,
  out: (s: string) => void,
): Promise<number> {
  const cfg = await configFrom(v.config);
  const rows = await withInput(positionals, v, async (input) => {
    if (input.kind === "corpus") return corpusRewardRows(input.corpus, input.labelSet, cfg);
    const rowsOf = indexLabels(input.labels);
    return input.trajectories.map((t) => {
      const mine = rowsOf(t);
      const tal = talliesOf(mine, t.calls.length);
      const labelled = mine.length === t.calls.length;
      return rewardRow(t.provenance.source, t.id, tal, t.verdict === "correct", formatValid(t), labelled, cfg);
    });
  });
  if (v.json) out(jsonText({ spec: rewardSpecHash(cfg), config: cfg, guardrails: rewardGuardrails(cfg), rows }));
  else {
    const head = ["source", "trajectoryId", "correct", ...ROLLOUT_COLUMNS, "reward"];
    const cells = rows.map((r) =>
      [
        `${r.source.file}:${r.source.line}`,
        r.trajectoryId,
        r.correct,
        ...ROLLOUT_COLUMNS.map((k) => (k === "rho" ? r.rho.toFixed(4) : r[k])),
        r.reward.toFixed(4),
      ].map(String),
    );
    out(tableText(head, cells));
    for (const g of rewardGuardrails(cfg)) process.stderr.write(`sounding: warning: ${g.message}\n`);
    const unl = rows.filter((r) => !r.labelled).length;
    if (unl)
      process.stderr.write(`sounding: warning: ${unl} trajectory(ies) have calls without labels in the label set\n`);
  }
  return 0;
}

const SWEEP_OPTS = z.object({
  labels: REWARD_OPTIONS.labels,
  config: REWARD_OPTIONS.config,
  grid: REWARD_OPTIONS.grid,
  random: num("N", "also N settings drawn at random from the --range knobs", { int: true, min: 1 }),
  range: REWARD_OPTIONS.range,
  seed: numOr("S", "seed of the random draws", 0, { int: true, min: 0 }),
  top: numOr("N", "settings listed in the table", 20, { int: true, min: 1 }),
  jobs: numOr("N", "worker threads (same results)", 1, { int: true, min: 1, max: 256 }),
  json: flag("print every setting as JSON"),
  "no-pressure": flag("leave out the behaviour pressure (one pass over the rollouts per setting)"),
  "label-set": REWARD_OPTIONS["label-set"],
  "memory-mb": REWARD_OPTIONS["memory-mb"],
  ...LOAD_OPTIONS,
});

export const sweepCommand = command({
  name: "sweep",
  summary: "replay rewards under many settings: separation, ranks, guardrails, Pareto front",
  synopsis: "<paths…|CORPUS_DIR>",
  positionals: { min: 1, what: "at least one path" },
  about: `Replay the corpus's rewards under many settings of ${KNOBS.join(", ")}: per setting the mean
reward of correct and incorrect rollouts and their separation, the share of groups with σ > 0,
rollouts that change rank within their group (against the base setting, listed first), and
warnings (an incorrect rollout can outscore a correct one; a knob with no effect). The Pareto
front of favoured breadth / depth / horizon against separation is marked. The behaviour
pressure of each setting on the five labels (pUS … pRQ: > 0 training pushes the label up;
sounding pressure gives intervals; JSON: "pressure" per setting, null for a corpus swept in SQL;
--no-pressure leaves it out, e.g. for very many settings over a large corpus). --jobs N spreads the
settings over N worker threads (same results). Given a corpus directory (sounding convert) instead of
trace files, its tallies are read into typed arrays and swept as the files would be (same rows), or,
when the corpus needs more than --memory-mb that way, swept in SQL (--label-set NAME when it has
several label sets).`,
  options: SWEEP_OPTS,
  run: ({ values, positionals }, out) => sweepRun(positionals, values, out),
});

async function sweepRun(
  positionals: string[],
  v: z.output<typeof SWEEP_OPTS>,
  out: (s: string) => void,
): Promise<number> {
  const base = await configFrom(v.config);
  const grid = gridOf(v.grid);
  const ranges: Partial<Record<Knob, [number, number]>> = {};
  for (const r of v.range) ranges[r.knob] = r.range;
  const nRandom = v.random;
  if (nRandom && !v.range.length) throw new UsageError("sweep: --random needs at least one --range knob=lo:hi");
  let settings: RewardConfig[];
  try {
    const random = nRandom ? randomSettings(base, ranges, nRandom, v.seed).map((c) => integerKnobs(c, ranges)) : [];
    settings = [base, ...(Object.keys(grid).length ? gridSettings(base, grid) : []), ...random];
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  /** Pressure values of a setting (from typed arrays; a corpus swept in SQL has none), computed when printed. */
  let pressureOf: ((setting: number) => Partial<Record<BehaviourMeasure, number>>) | null = null;
  const { res, nTrajectories } = await withInput(positionals, v, async (input) => {
    // a corpus too large for the memory budget in typed arrays is swept in SQL (one row per setting comes back)
    if (input.kind === "corpus" && !fitsBudget(input, v["memory-mb"]))
      return {
        res: await corpusSweep(input.corpus, settings, { labelSet: input.labelSet }),
        nTrajectories: corpusSize(input.corpus),
      };
    const arrays = await rolloutsOf(input, { keys: false });
    const jobs = v.jobs;
    if (!v["no-pressure"])
      pressureOf = (si) => {
        const p = behaviourPressure(arrays, settings[si]!, { resamples: 0 }).pressure;
        return Object.fromEntries(Object.entries(p).map(([m, iv]) => [m, iv.value]));
      };
    return {
      res: jobs > 1 ? await sweepParallel(arrays, settings, { jobs }) : sweep(arrays, settings),
      nTrajectories: arrays.n,
    };
  });
  const front = new Set(paretoFront(res).map((r) => r.setting));
  if (v.json) {
    const rows = res.map((r) => ({
      ...r,
      spec: rewardSpecHash(r.config),
      pareto: front.has(r.setting),
      pressure: pressureOf ? pressureOf(r.setting) : null,
    }));
    out(jsonText({ settings: rows }));
    return 0;
  }
  const top = v.top;
  const changed = (c: RewardConfig) =>
    KNOBS.filter((k) => c[k] !== base[k])
      .map((k) => `${k}=${+Number(c[k]).toFixed(4)}`)
      .join(" ") || "(base)";
  out(`${settings.length} setting(s) over ${nTrajectories} trajectories; sorted by separation (base first)`);
  const head = ["#", "setting", "meanCorrect", "meanIncorrect", "separation", "informative", "rankChanges", "pareto"];
  const P = ["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"] as const;
  if (pressureOf) head.push("pUS", "pRS", "pEX", "pVE", "pRQ");
  head.push("warnings");
  const sorted = [res[0]!, ...res.slice(1).sort((a, b) => b.separation - a.separation)].slice(0, top);
  const cells = sorted.map((r, _i, _a, p = pressureOf?.(r.setting)) =>
    [r.setting, changed(r.config), r.meanCorrect.toFixed(4), r.meanIncorrect.toFixed(4), r.separation.toFixed(4)]
      .concat([r.informativeGroups.toFixed(3), r.rankChanges, front.has(r.setting) ? "*" : ""])
      .concat(p ? P.map((m) => signed(p[m])) : [])
      .concat([r.warnings.map((w) => w.code).join(",")])
      .map(String),
  );
  out(tableText(head, cells));
  return 0;
}

/** A pressure value in a table cell: signed, 3 decimals; n/a without a σ > 0 group. */
function signed(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? "n/a" : (x >= 0 ? "+" : "") + x.toFixed(3);
}

/** Knobs that count calls (caps C_S, C_Q; verification budget B_v): drawn as integers by --random. */
export const INTEGER_KNOBS = ["CS", "CQ", "Bv"] as const satisfies readonly Knob[];

/**
 * A random setting with its integer knobs made integers: a value drawn uniformly in lo…hi becomes
 * the integer at the same quantile of ⌈lo⌉…⌊hi⌋ (each integer equally likely). A range holding no
 * integer is a usage error.
 */
export function integerKnobs(c: RewardConfig, ranges: Partial<Record<Knob, readonly [number, number]>>): RewardConfig {
  const next: RewardConfig = { ...c };
  for (const k of INTEGER_KNOBS) {
    const r = ranges[k];
    if (!r) continue;
    const [lo, hi] = r;
    const a = Math.max(Math.ceil(lo), k === "Bv" ? 0 : 1);
    const b = Math.floor(hi);
    if (a > b) throw new UsageError(`sweep: --range ${k}=${lo}:${hi} holds no integer (${k} counts calls)`);
    const u = hi > lo ? Math.min(Math.max((c[k] - lo) / (hi - lo), 0), 1 - Number.EPSILON) : 0;
    next[k] = Math.min(b, a + Math.floor(u * (b - a + 1)));
  }
  return next;
}

const JUDGE = "LLM judge (--labeller llm)";

const EXPORT_OPTS = z.object({
  config: text("FILE", "reward settings as JSON (default: the paper's)"),
  out: text("PATH", "verl: the directory of the three files; spark-job: the job's file (job.py)"),
  labeller: choiceOr(["heuristic", "llm"], "who labels the calls inside the trainer", "heuristic"),
  "labeller-options": text("FILE", "JSON of the deterministic labeller's options (also the judge's fallback)"),
  "tool-roles": text("FILE", "JSON file of tool name → role: the exported reader maps tool names the same way"),
  "judge-concurrency": num("N", `${JUDGE}: concurrent requests per batch`, { int: true, min: 1 }, { group: JUDGE }),
  "judge-chunk-size": num("N", `${JUDGE}: calls per request`, { int: true, min: 1 }, { group: JUDGE }),
  "judge-cache": text("DIR", `${JUDGE}: cache directory of its answers`, { group: JUDGE }),
  "judge-key-env": text("NAME", `${JUDGE}: environment variable holding the API key [OPENAI_API_KEY]`, {
    group: JUDGE,
  }),
  "gold-column": text("NAME", "TRL: the dataset column holding the gold answers [answer]"),
});

/** A JSON file of the deterministic labeller's options, checked by its schema. */
async function labellerOptionsFile(path: string): Promise<HeuristicOptions> {
  let body: string;
  try {
    body = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`--labeller-options ${path}: cannot read file (${fileErrorText(err)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UsageError(`--labeller-options ${path}: not valid JSON (${why})`);
  }
  try {
    const where = `--labeller-options ${path}`;
    return heuristicOptions(parseOptions(HeuristicOptionsSchema, value, where), where);
  } catch (err) {
    if (err instanceof OptionsError) throw new UsageError(err.message);
    throw err;
  }
}

/** The judge settings given on the command line (only those given). */
function judgeOf(v: z.output<typeof EXPORT_OPTS>): Partial<JudgeSpec> {
  const judge: Partial<JudgeSpec> = {};
  if (v["judge-concurrency"] !== undefined) judge.concurrency = v["judge-concurrency"];
  if (v["judge-chunk-size"] !== undefined) judge.chunkSize = v["judge-chunk-size"];
  if (v["judge-cache"] !== undefined) judge.cacheDir = v["judge-cache"];
  if (v["judge-key-env"] !== undefined) judge.apiKeyEnv = v["judge-key-env"];
  return judge;
}

export const exportCommand = command({
  name: "export",
  summary: "write compute_score, the reward spec and Hydra overrides for verl, or the PySpark job",
  synopsis: "verl|spark-job --out PATH",
  positionals: { min: 1, max: 1, what: "one target: verl or spark-job" },
  about: `verl: write DIR/sounding_reward.py (compute_score for verl's custom_reward_function), DIR/reward_spec.json
(the settings and their hash, which compute_score returns as reward_spec so rollout dumps carry it)
and DIR/reward_overrides.yaml (the Hydra config / overrides).

spark-job: write one Python file, a PySpark job computing the per-group metrics and a reward sweep over a
corpus's Parquet files, or over raw verl rollout rows that it labels with the exported Python labeller as a
user-defined function (docs/corpus.md, "On a cluster"); --config is the setting its sweep starts from.
It also runs without Spark through DuckDB's PySpark API (pip install duckdb numpy typing_extensions).`,
  options: EXPORT_OPTS,
  async run({ values: v, positionals }, out) {
    const target = positionals[0];
    if (target !== "verl" && target !== "spark-job")
      throw new UsageError(`export supports two targets: verl, spark-job; got "${target}"`);
    if (!v.out) {
      const what = target === "verl" ? "DIR" : "FILE (e.g. job.py)";
      throw new UsageError(`export ${target} needs --out ${what} (see "sounding export --help")`);
    }
    if (target === "spark-job") return exportSparkJobCommand(v, out);
    if (v.config === undefined) {
      process.stderr.write(`sounding: no --config given: exporting the paper's default reward settings\n`);
    }
    const cfg = await configFrom(v.config);
    const judge = judgeOf(v);
    if (Object.keys(judge).length && v.labeller !== "llm") {
      throw new UsageError(`export verl: --judge-* options configure the LLM judge; add --labeller llm`);
    }
    const options = v["labeller-options"] !== undefined ? await labellerOptionsFile(v["labeller-options"]) : undefined;
    const e = await exportVerl(cfg, v.out, {
      labeller: { name: v.labeller, ...(options ? { options } : {}) },
      ...(v["tool-roles"] !== undefined ? { toolRoles: await toolRoleFile(v["tool-roles"]) } : {}),
      ...(Object.keys(judge).length ? { judge } : {}),
      ...(v["gold-column"] !== undefined ? { goldColumn: v["gold-column"] } : {}),
    });
    out(`reward spec ${e.hash} (labeller ${v.labeller})\n  ${e.python}\n  ${e.spec}\n  ${e.overrides}`);
    out(`entry points: compute_score, compute_score_batch, compute_score_async (verl), trl_reward (TRL)`);
    for (const g of rewardGuardrails(cfg)) process.stderr.write(`sounding: warning: ${g.message}\n`);
    return 0;
  },
});

/** `sounding export spark-job --out job.py`: the PySpark job, with the labeller the options give. */
async function exportSparkJobCommand(v: z.output<typeof EXPORT_OPTS>, out: (s: string) => void): Promise<number> {
  const given = (
    ["judge-concurrency", "judge-chunk-size", "judge-cache", "judge-key-env", "gold-column"] as const
  ).filter((k) => v[k] !== undefined);
  if (given.length) throw new UsageError(`export spark-job: --${given[0]} is an option of export verl`);
  if (v.labeller !== "heuristic")
    throw new UsageError("export spark-job: the job labels with the deterministic labeller (--labeller heuristic)");
  if (v.config === undefined) {
    process.stderr.write(
      `sounding: no --config given: the job's sweep starts from the paper's default reward settings\n`,
    );
  }
  const cfg = await configFrom(v.config);
  const options = v["labeller-options"] !== undefined ? await labellerOptionsFile(v["labeller-options"]) : undefined;
  const e = await exportSparkJob(cfg, v.out!, {
    ...(options ? { labeller: { name: "heuristic", options } } : {}),
    ...(v["tool-roles"] !== undefined ? { toolRoles: await toolRoleFile(v["tool-roles"]) } : {}),
  });
  out(`${SPARK_JOB_VERSION} (reward spec ${rewardSpecHash(cfg)}): ${e.path}`);
  out(`run: spark-submit ${e.path} --corpus DIR --out OUT [--by dataset] [--settings settings.json]`);
  out(
    `  or: python ${e.path} --raw rollouts.parquet --out OUT --engine duckdb` +
      "   (pip install duckdb numpy typing_extensions)",
  );
  return 0;
}
