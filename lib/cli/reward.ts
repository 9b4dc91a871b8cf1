/** `sounding reward`, `sounding sweep` and `sounding export verl`. */
import { parseArgs } from "node:util";
import {
  exportVerl,
  gridSettings,
  KNOBS,
  paretoFront,
  randomSettings,
  rewardGuardrails,
  rewardSpecHash,
  rolloutReward,
  sweep,
  sweepParallel,
  tallyArrays,
  corpusSweep,
  isCorpusDir,
  type SweepRow,
  talliesOf,
  tallyCounts,
  formatValid,
  indexLabels,
  type Knob,
  type RewardConfig,
} from "../index.js";
import { LOAD_ARG_OPTIONS } from "./inspect.js";
import { UsageError, numberOption } from "./usage-error.js";
import { configFrom, corpus, knob, parseGrid, withCorpus } from "./reward-options.js";

export const REWARD_HELP = `usage: sounding reward <paths…> [--labels DIR] [--config reward.json] [--json]

One row per trajectory: source, trajectoryId, correct, T, nUniqS, nRedS, nExplore, nVerify,
nRedQ, rho, deltaS, deltaQ, reward (Eq. 8 by default; the config file holds any of stage,
formatWeight, correctWeight, floor, c1, c2, CS, CQ, Bv, clipDelta, rhoWhenNoCalls, countT).
Without --labels the calls are labelled with the deterministic labeller first.`;

export const SWEEP_HELP = `usage: sounding sweep <paths…> [--labels DIR] [--config base.json]
                     [--grid knob=v1,v2,… …] [--random N --range knob=lo:hi … --seed S] [--top N] [--jobs N] [--json]

Replay the corpus's rewards under many settings of ${KNOBS.join(", ")}: per setting the mean
reward of correct and incorrect rollouts and their separation, the share of groups with σ > 0,
rollouts that change rank within their group (against the base setting, listed first), and
warnings (an incorrect rollout can outscore a correct one; a knob with no effect). The Pareto
front of favoured breadth / depth / horizon against separation is marked. --jobs N spreads the
settings over N worker threads (same results). Given a corpus directory (sounding convert) instead of
trace files, the sweep runs in SQL on it (--label-set NAME when it has several label sets).`;

export const EXPORT_HELP = `usage: sounding export verl --config reward.json --out DIR

Write DIR/sounding_reward.py (compute_score for verl's custom_reward_function), DIR/reward_spec.json
(the settings and their hash, which compute_score returns as reward_spec so rollout dumps carry it)
and DIR/reward_overrides.yaml (the Hydra config / overrides).`;

function parse(argv: string[], options: Record<string, { type: "string" | "boolean"; multiple?: boolean }>, help: string): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, allowPositionals: true, options: { ...options, help: { type: "boolean", short: "h" } } });
    return { values: r.values as Record<string, unknown>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${help}`);
  }
}

export async function rewardCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parse(argv, { ...LOAD_ARG_OPTIONS, labels: { type: "string" }, config: { type: "string" }, json: { type: "boolean" } }, REWARD_HELP);
  if (v.help) {
    out(REWARD_HELP);
    return 0;
  }
  if (!positionals.length) throw new UsageError(`reward needs at least one path\n\n${REWARD_HELP}`);
  const cfg = await configFrom(v.config as string | undefined);
  const { trajectories, labels } = await corpus(positionals, v);
  const rowsOf = indexLabels(labels);
  const rows = trajectories.map((t) => {
    const mine = rowsOf(t);
    const tal = talliesOf(mine, t.calls.length);
    const r = rolloutReward(tal, t.verdict === "correct", formatValid(t), cfg);
    return {
      source: t.provenance.source,
      trajectoryId: t.id,
      correct: t.verdict === "correct",
      ...tallyCounts(tal),
      rho: r.rho,
      deltaS: r.deltaS,
      deltaQ: r.deltaQ,
      reward: r.reward,
      labelled: mine.length === t.calls.length,
    };
  });
  if (v.json) out(JSON.stringify({ spec: rewardSpecHash(cfg), config: cfg, guardrails: rewardGuardrails(cfg), rows }));
  else {
    const head = ["source", "trajectoryId", "correct", "T", "nUniqS", "nRedS", "nExplore", "nVerify", "nRedQ", "rho", "deltaS", "deltaQ", "reward"];
    out(head.join("\t"));
    for (const r of rows) out([`${r.source.file}:${r.source.line}`, r.trajectoryId, r.correct, r.T, r.nUniqS, r.nRedS, r.nExplore, r.nVerify, r.nRedQ, r.rho.toFixed(4), r.deltaS, r.deltaQ, r.reward.toFixed(4)].join("\t"));
    for (const g of rewardGuardrails(cfg)) process.stderr.write(`sounding: warning: ${g.message}\n`);
    const unl = rows.filter((r) => !r.labelled).length;
    if (unl) process.stderr.write(`sounding: warning: ${unl} trajectory(ies) have calls without labels in the label set\n`);
  }
  return 0;
}

export async function sweepCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { ...LOAD_ARG_OPTIONS, labels: { type: "string" }, config: { type: "string" }, grid: { type: "string", multiple: true }, random: { type: "string" }, range: { type: "string", multiple: true }, seed: { type: "string" }, top: { type: "string" }, json: { type: "boolean" }, jobs: { type: "string" }, "label-set": { type: "string" } },
    SWEEP_HELP,
  );
  if (v.help) {
    out(SWEEP_HELP);
    return 0;
  }
  if (!positionals.length) throw new UsageError(`sweep needs at least one path\n\n${SWEEP_HELP}`);
  const base = await configFrom(v.config as string | undefined);
  const grid = parseGrid(v.grid as string[] | undefined);
  const ranges: Partial<Record<Knob, [number, number]>> = {};
  for (const r of (v.range as string[] | undefined) ?? []) {
    const m = /^(\w+)=([^:]+):(.+)$/.exec(r);
    if (!m) throw new UsageError(`--range expects knob=lo:hi, got "${r}"`);
    ranges[knob(m[1]!)] = [numberOption(`range ${m[1]}`, m[2])!, numberOption(`range ${m[1]}`, m[3])!];
  }
  const nRandom = numberOption("random", v.random as string | undefined, { int: true, min: 1 });
  if (nRandom && !Object.keys(ranges).length) throw new UsageError("--random needs at least one --range knob=lo:hi");
  let settings: RewardConfig[];
  try {
    settings = [base, ...(Object.keys(grid).length ? gridSettings(base, grid) : []), ...(nRandom ? randomSettings(base, ranges, nRandom, numberOption("seed", v.seed as string | undefined, { int: true, min: 0 }) ?? 0) : [])];
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let res: SweepRow[];
  let nTrajectories: number;
  if (positionals.length === 1 && isCorpusDir(positionals[0]!)) {
    // a converted corpus: the sweep runs in SQL, one row per setting comes back
    ({ res, nTrajectories } = await withCorpus(positionals[0]!, async (c) => ({
      res: await corpusSweep(c, settings, { labelSet: v["label-set"] as string | undefined }),
      nTrajectories: c.manifest.sources.reduce((n, s) => n + s.trajectories, 0),
    })));
  } else {
    const { trajectories, labels } = await corpus(positionals, v);
    const jobs = numberOption("jobs", v.jobs as string | undefined, { int: true, min: 1, max: 256 }) ?? 1;
    const arrays = tallyArrays(trajectories, labels);
    res = jobs > 1 ? await sweepParallel(arrays, settings, { jobs }) : sweep(arrays, settings);
    nTrajectories = trajectories.length;
  }
  const front = new Set(paretoFront(res).map((r) => r.setting));
  if (v.json) {
    out(JSON.stringify({ settings: res.map((r) => ({ ...r, spec: rewardSpecHash(r.config), pareto: front.has(r.setting) })) }));
    return 0;
  }
  const top = numberOption("top", v.top as string | undefined, { int: true, min: 1 }) ?? 20;
  const changed = (c: RewardConfig) =>
    KNOBS.filter((k) => c[k] !== base[k])
      .map((k) => `${k}=${+Number(c[k]).toFixed(4)}`)
      .join(" ") || "(base)";
  out(`${settings.length} setting(s) over ${nTrajectories} trajectories; sorted by separation (base first)`);
  out(["#", "setting", "meanCorrect", "meanIncorrect", "separation", "informative", "rankChanges", "pareto", "warnings"].join("\t"));
  const sorted = [res[0]!, ...res.slice(1).sort((a, b) => b.separation - a.separation)].slice(0, top);
  for (const r of sorted)
    out([r.setting, changed(r.config), r.meanCorrect.toFixed(4), r.meanIncorrect.toFixed(4), r.separation.toFixed(4), r.informativeGroups.toFixed(3), r.rankChanges, front.has(r.setting) ? "*" : "", r.warnings.map((w) => w.code).join(",")].join("\t"));
  return 0;
}

export async function exportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v, positionals } = parse(argv, { config: { type: "string" }, out: { type: "string" } }, EXPORT_HELP);
  if (v.help) {
    out(EXPORT_HELP);
    return 0;
  }
  if (positionals[0] !== "verl" || positionals.length !== 1) throw new UsageError(`export supports one target: verl\n\n${EXPORT_HELP}`);
  if (!v.out) throw new UsageError(`export verl needs --out DIR\n\n${EXPORT_HELP}`);
  const cfg = await configFrom(v.config as string | undefined);
  const e = await exportVerl(cfg, v.out as string);
  out(`reward spec ${e.hash}\n  ${e.python}\n  ${e.spec}\n  ${e.overrides}`);
  for (const g of rewardGuardrails(cfg)) process.stderr.write(`sounding: warning: ${g.message}\n`);
  return 0;
}
