/** `sounding pressure` (what a reward setting will teach under GRPO) and `sounding contrast` (within-group
 * contrasts). */
import { z } from "zod";
import {
  behaviourPressure,
  comparePressure,
  gridSettings,
  KNOBS,
  pushDirection,
  responseTokens,
  rewardSpecHash,
  trajectoryKey,
  withinGroupContrast,
  BEHAVIOUR_MEASURES,
  type BehaviourMeasure,
  type Interval,
  type RewardConfig,
  type SettingPressure,
  type TallyArrays,
  type Trajectory,
} from "../index.js";
import { command } from "./command.js";
import {
  corpusWithoutTokens,
  LOAD_OPTIONS,
  LoadFailure,
  rolloutsOf,
  withInput,
  type InputFlags,
} from "./load-options.js";
import { choiceOr, flag, numOr } from "./options.js";
import { jsonText, tableText } from "./output.js";
import { configFrom, gridOf, REWARD_OPTIONS } from "./reward-options.js";
import { UsageError } from "./usage-error.js";

const BOOTSTRAP = {
  resamples: numOr("N", "bootstrap resamples over groups for the intervals", 1000, { int: true, min: 0 }),
  seed: numOr("S", "seed of the bootstrap draws", 0, { int: true, min: 0 }),
  "no-tokens": flag("skip response tokens (counting them runs the Qwen3 tokenizer over every trajectory)"),
};

const PRESSURE_OPTS = z.object({
  labels: REWARD_OPTIONS.labels,
  config: REWARD_OPTIONS.config,
  grid: REWARD_OPTIONS.grid,
  advantage: choiceOr(["grpo", "rapo"], "advantages: GRPO's Â or RAPO's scaled G/G_good · Â", "grpo"),
  ...BOOTSTRAP,
  json: flag("print one JSON object"),
  ...LOAD_OPTIONS,
});

/** Response tokens per slot of the arrays (model text, Qwen3 tokenizer). */
function tokensOf(ts: readonly Trajectory[], a: TallyArrays): number[] {
  const byKey = new Map(ts.map((t) => [trajectoryKey(t), t]));
  return a.keys.map((k) => responseTokens(byKey.get(k)!));
}

async function arraysOf(positionals: string[], v: InputFlags & { "no-tokens": boolean }) {
  return withInput(positionals, v, async (input) => {
    // a corpus holds response tokens when converted with --tokens (else they are left out, saying why)
    const lacking =
      input.kind === "corpus" && !v["no-tokens"]
        ? corpusWithoutTokens(input.corpus, "pressure and contrast", input.labelSet)
        : null;
    const a = await rolloutsOf(input, { tokens: input.kind === "corpus" && !v["no-tokens"] && !lacking });
    let multi = 0;
    for (let g = 0; g + 1 < a.groupStart.length; g++) if (a.groupStart[g + 1]! - a.groupStart[g]! >= 2) multi++;
    // tokens are counted lazily: a corpus with nothing to compute fails before the tokenizer runs
    const ts = input.kind === "traces" ? input.trajectories : null;
    const tokens = (): ArrayLike<number> | undefined => {
      if (v["no-tokens"]) return undefined;
      if (!ts) {
        if (lacking) process.stderr.write(`${lacking}; response tokens left out\n`);
        return a.responseTokens;
      }
      return tokensOf(ts, a);
    };
    return { a, multi, n: a.n, tokens };
  });
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : "n/a");
const ivText = (iv: Interval | undefined) => (iv ? `${fmt(iv.value)} [${fmt(iv.lo)}, ${fmt(iv.hi)}]` : "n/a");

/** A setting's name by the knobs it changes from the base. */
function settingName(c: RewardConfig, base: RewardConfig, first: boolean): string {
  if (first) return "the base setting";
  const changed = KNOBS.filter((k) => c[k] !== base[k]).map((k) => `${k} = ${+Number(c[k]).toFixed(4)}`);
  return changed.join(", ") || "(same as base)";
}

function pressureJson(p: SettingPressure) {
  return {
    setting: p.setting,
    spec: rewardSpecHash(p.setting),
    groups: p.groups,
    multiGroups: p.multiGroups,
    pressure: p.pressure,
  };
}

export const pressureCommand = command({
  name: "pressure",
  summary: "behaviour pressure: which behaviours a reward setting pushes up or down under GRPO",
  synopsis: "<paths…>",
  positionals: { min: 1, what: "at least one path" },
  about: `For grouped rollouts (GRPO dumps) and a reward setting (--config; --grid knob=v1,… adds settings
side by side), per behaviour b — the five labels, breadth, depth, horizon, response tokens — the
pressure P_b = mean over groups with σ > 0 of (1/G) Σ_i Â_i (n_b,i − mean_group n_b), Â the GRPO
advantage under the setting (--advantage rapo: RAPO's scaled advantage), with a seeded bootstrap
interval over groups. P_b > 0: training pushes b up; < 0: down. --json prints
{"setting", "spec", "groups", "multiGroups", "pressure": {b: {"value", "lo", "hi"}}} (with --grid:
{"settings": [...], "comparisons": [...]}). See docs/pressure.md.`,
  options: PRESSURE_OPTS,
  async run({ values: v, positionals }, out) {
    const base = await configFrom(v.config);
    const grid = gridOf(v.grid);
    let settings: RewardConfig[];
    try {
      settings = Object.keys(grid).length ? [base, ...gridSettings(base, grid)] : [base];
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const { a, multi, n, tokens: tokensLater } = await arraysOf(positionals, v);
    if (!multi)
      throw new LoadFailure(
        `pressure: no group with ≥ 2 rollouts in the ${n} trajectories of ${positionals.join(", ")} (pressure needs grouped rollouts, e.g. verl dumps with uid)`,
      );
    const tokens = tokensLater();
    const opts = {
      advantage: v.advantage,
      resamples: v.resamples,
      seed: v.seed,
      ...(tokens ? { responseTokens: tokens } : {}),
    };
    const res = settings.map((c) => behaviourPressure(a, c, opts));
    const names = settings.map((c, i) => settingName(c, base, i === 0));
    const measures = BEHAVIOUR_MEASURES.filter((m) => res[0]!.pressure[m]);
    const comparisons = res
      .slice(1)
      .flatMap((p, i) =>
        measures.map((m) =>
          comparePressure(names[i + 1]!, m, p.pressure[m]!, res[0]!.pressure[m]!, "the base setting"),
        ),
      );
    if (!res.some((p) => p.groups))
      process.stderr.write(`sounding: warning: no group has σ > 0 under these settings: every pressure is n/a\n`);
    if (v.json) {
      if (res.length === 1) out(jsonText(pressureJson(res[0]!)));
      else out(jsonText({ settings: res.map(pressureJson), comparisons }));
      return 0;
    }
    out(`${n} trajectories, ${multi} groups of ≥ 2 rollouts; pressure > 0: training pushes the behaviour up`);
    res.forEach((p, i) => {
      out(`\n${names[i]} (${rewardSpecHash(p.setting)}): ${p.groups} group(s) with σ > 0`);
      const rows = measures.map((m: BehaviourMeasure) => [m, ivText(p.pressure[m]), pushDirection(p.pressure[m]!)]);
      out(tableText(["behaviour", "pressure [95% interval]", "training pushes it"], rows));
    });
    if (comparisons.length) out(`\n${comparisons.join("\n")}`);
    return 0;
  },
});

const CONTRAST_OPTS = z.object({
  labels: REWARD_OPTIONS.labels,
  ...BOOTSTRAP,
  json: flag("print one JSON object"),
  ...LOAD_OPTIONS,
});

export const contrastCommand = command({
  name: "contrast",
  summary: "within-group contrasts: what separates correct from incorrect rollouts of the same prompt",
  synopsis: "<paths…>",
  positionals: { min: 1, what: "at least one path" },
  about: `For grouped rollouts with verdicts, per behaviour (the five labels, breadth, depth, horizon,
response tokens) the mean over groups holding both correct and incorrect rollouts of
(mean over the correct − mean over the incorrect), with a seeded bootstrap interval over groups.
--json prints {"groups", "contrast": {b: {"value", "lo", "hi"}}}. See docs/pressure.md.`,
  options: CONTRAST_OPTS,
  async run({ values: v, positionals }, out) {
    const { a, n, tokens: tokensLater } = await arraysOf(positionals, v);
    if (!withinGroupContrast(a, { resamples: 0 }).groups)
      throw new LoadFailure(
        `contrast: no group holds both correct and incorrect rollouts in the ${n} trajectories of ${positionals.join(", ")}`,
      );
    const tokens = tokensLater();
    const c = withinGroupContrast(a, {
      resamples: v.resamples,
      seed: v.seed,
      ...(tokens ? { responseTokens: tokens } : {}),
    });
    if (v.json) {
      out(jsonText(c));
      return 0;
    }
    out(`${n} trajectories, ${c.groups} group(s) with correct and incorrect rollouts; > 0: the correct ones do more`);
    const rows = BEHAVIOUR_MEASURES.filter((m) => c.contrast[m]).map((m) => [m, ivText(c.contrast[m])]);
    out(tableText(["behaviour", "correct − incorrect [95% interval]"], rows));
    return 0;
  },
});
