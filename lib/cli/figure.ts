/** `sounding figure <preset> <paths…> --out FILE.svg|.png|.pdf`: a paper figure from trace files. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname } from "node:path";
import { z } from "zod";
import {
  fig1Accuracy,
  behaviourPressure,
  contrastFigure,
  pressureFigure,
  withinGroupContrast,
  fig4SearchCalls,
  fig6LabelDrift,
  fig7ResponseLength,
  gridSettings,
  grpoGroup,
  labelComposition,
  replayRewards,
  rewardLandscape,
  rewardSpecHash,
  searchEcdf,
  renderPdf,
  renderPng,
  renderSvg,
  sweep,
  tallyArrays,
  trajectoryRows,
  corpusSweep,
  corpusTrajectoryRows,
  labelCompositionCounts,
  type Corpus,
  type LabelCount,
  FigureSizeError,
  FigureSizeSchema,
  parseWidth,
  trajectoryKey,
  type FigureSizeInput,
  type TrajectoryMetricRow,
  type Figure,
  type Knob,
  type LabelRow,
  type RewardConfig,
  type Trajectory,
  type TallyArrays,
} from "../index.js";
import { command } from "./command.js";
import { runOf, RUN_BY, defaultRunBy, type RunBy } from "./figure-runs.js";
import {
  corpusDirOf,
  corpusWithoutTokens,
  fitsBudget,
  LOAD_OPTIONS,
  LoadFailure,
  rolloutsOf,
  withInput,
} from "./load-options.js";
import { choice, choiceOr, decoded, fromField, text } from "./options.js";
import { configFrom, corpus, gridKnobs, gridOf, REWARD_OPTIONS } from "./reward-options.js";
import { UsageError } from "./usage-error.js";

const MEASURES = ["separation", "informativeGroups", "rankChanges", "meanIncorrect"] as const;
type Measure = (typeof MEASURES)[number];

/** Options of the reward presets (landscape, group). */
interface FigureArgs {
  config: RewardConfig;
  grid: Partial<Record<Knob, number[]>>;
  /** The grid's knobs, in the order given. */
  knobs: Knob[];
  measure: Measure;
  group: string | undefined;
  /** Print width and font size (every preset). */
  size: FigureSizeInput;
  /** fig6 / fig7: how runs are told apart (undefined: by spec when the dumps carry one, else by directory). */
  runBy: RunBy | undefined;
}

function landscape(ts: Trajectory[], labels: LabelRow[], o: FigureArgs): Figure {
  const knobs = o.knobs;
  if (knobs.length !== 2)
    throw new UsageError(
      `landscape needs exactly two --grid knobs (e.g. --grid c1=0,0.1,0.2 --grid c2=0,0.1,0.2), got ${knobs.length}`,
    );
  const rows = sweep(tallyArrays(ts, labels), gridSettings(o.config, o.grid));
  return rewardLandscape(rows, knobs[0]!, knobs[1]!, o.measure, rewardSpecHash(o.config), o.size);
}

/** The rollouts of one GRPO group; by default the first group with both correct and incorrect rollouts. */
function group(ts: Trajectory[], labels: LabelRow[], o: FigureArgs): Figure {
  const a = tallyArrays(ts, labels);
  const rewards = replayRewards(a, o.config);
  const rewardOf = new Map(a.keys.map((k, i) => [k, rewards[i]!]));
  return groupFigure(trajectoryRows(ts, labels), (r) => rewardOf.get(r.key)!, o);
}

/** The group figure from metric rows and each row's reward (trace files or a corpus). */
function groupFigure(rows: TrajectoryMetricRow[], rewardOf: (r: TrajectoryMetricRow) => number, o: FigureArgs): Figure {
  const groups = new Map<string, boolean[]>();
  for (const r of rows)
    if (r.group !== null) (groups.get(r.group) ?? groups.set(r.group, []).get(r.group)!).push(r.correct);
  if (!groups.size)
    throw new UsageError("group: these trajectories carry no GRPO group ids (verl dumps have them: uid or the prompt)");
  let id = o.group;
  if (id === undefined)
    id = [...groups].find(([, c]) => c.includes(true) && c.includes(false))?.[0] ?? [...groups.keys()][0]!;
  else if (!groups.has(id))
    throw new UsageError(
      `group "${id}" not found (${groups.size} groups; e.g. ${[...groups.keys()].slice(0, 3).join(", ")})`,
    );
  return grpoGroup(
    rows,
    rows.map((r) => rewardOf(r)),
    id,
    rewardSpecHash(o.config),
    o.size,
  );
}

/** Presets that count response tokens: on a corpus, only when it was converted with --tokens. */
const TOKEN_PRESETS = ["fig1", "fig7"];

/** The label set's labelled calls per training step (or per model without steps), counted in SQL. */
async function corpusLabelCounts(
  c: Corpus,
  labelSet: string | undefined,
): Promise<{ counts: LabelCount[]; steps: boolean }> {
  const ls = c.labelSet(labelSet);
  const steps = Number((await c.sql("SELECT COUNT(step) AS n FROM trajectories"))[0]!.n) > 0;
  const grp = steps ? `'step ' || COALESCE(CAST(t.step AS VARCHAR), '?')` : `COALESCE(t.model, '(unknown)')`;
  const rows = await c.sql(`SELECT ${grp} AS grp, l.label AS label, COUNT(*) AS n
FROM labels l LEFT JOIN trajectories t ON t.key = l.file || '::' || l.trajectory_id
WHERE l.label_set = '${ls.name.replace(/'/g, "''")}' AND l.label IS NOT NULL GROUP BY 1, 2`);
  return { counts: rows.map((r) => ({ group: String(r.grp), label: String(r.label), n: Number(r.n) })), steps };
}

/** The pressure preset over typed arrays (trace files or a corpus alike). */
function pressurePreset(a: TallyArrays, o: FigureArgs): Figure {
  const base = o.config;
  const settings = Object.keys(o.grid).length ? [base, ...gridSettings(base, o.grid)] : [base];
  const series = settings.map((c, i) => ({
    name: i === 0 ? "base setting" : o.knobs.map((k) => `${k}=${+Number(c[k]).toFixed(4)}`).join(" "),
    result: behaviourPressure(a, c),
  }));
  if (!series.some((s) => s.result.multiGroups))
    throw new LoadFailure("pressure needs grouped rollouts: no group with ≥ 2 rollouts in these trajectories");
  return pressureFigure(series, o.size);
}

/** The contrast preset over typed arrays (trace files or a corpus alike). */
function contrastPreset(a: TallyArrays, o: FigureArgs): Figure {
  const c = withinGroupContrast(a);
  if (!c.groups) throw new LoadFailure("contrast needs groups holding both correct and incorrect rollouts; none here");
  return contrastFigure([{ name: "contrast", result: c }], o.size);
}

/** A figure from a corpus directory: the same figure as from the trace files it came from. */
async function corpusFigure(
  preset: string,
  dir: string,
  o: FigureArgs,
  v: z.output<typeof FIGURE_OPTS>,
): Promise<Figure> {
  const labelSet = v["label-set"];
  if ((preset === "fig6" || preset === "fig7") && o.runBy === "spec")
    throw new UsageError(
      `figure ${preset}: --run-by spec reads the reward spec from the trace files, which a corpus does not store (--run-by dir, file or model)`,
    );
  return withInput([dir], v, async (input) => {
    if (input.kind !== "corpus") throw new Error("corpusFigure: not a corpus");
    const c = input.corpus;
    if (TOKEN_PRESETS.includes(preset)) {
      const why = corpusWithoutTokens(c, `figure ${preset}`, c.labelSet(labelSet).name);
      if (why) throw new UsageError(why);
    }
    if (preset === "pressure") return pressurePreset(await rolloutsOf(input), o);
    if (preset === "contrast") return contrastPreset(await rolloutsOf(input), o);
    if (preset === "landscape") {
      const knobs = o.knobs;
      if (knobs.length !== 2)
        throw new UsageError(
          `landscape needs exactly two --grid knobs (e.g. --grid c1=0,0.1,0.2 --grid c2=0,0.1,0.2), got ${knobs.length}`,
        );
      const settings = gridSettings(o.config, o.grid);
      const rows = fitsBudget(input, v["memory-mb"])
        ? sweep(await rolloutsOf(input, { keys: false }), settings)
        : await corpusSweep(c, settings, { labelSet });
      return rewardLandscape(rows, knobs[0]!, knobs[1]!, o.measure, rewardSpecHash(o.config), o.size);
    }
    if (preset === "labels") {
      const { counts, steps } = await corpusLabelCounts(c, labelSet);
      return labelCompositionCounts(counts, steps ? "training step" : "model", o.size);
    }
    if (preset === "fig1" || preset === "fig4") {
      const judged = await c.sql(
        "SELECT COUNT(*) AS n, SUM(CASE WHEN verdict IN ('correct', 'incorrect') THEN 1 ELSE 0 END) AS judged, SUM(CASE WHEN verdict = 'correct' THEN 1 ELSE 0 END) AS correct FROM trajectories",
      );
      const { n, judged: j, correct } = judged[0]!;
      if (!Number(j))
        throw new LoadFailure(
          `${preset} needs judged trajectories: none of the ${Number(n)} in ${dir} has a verdict ` +
            `(judge them, or give --verdict-threshold X for numeric scores)`,
        );
      if (preset === "fig1") {
        const rows = (await corpusTrajectoryRows(c, { labelSet })) as unknown as TrajectoryMetricRow[];
        return fig1Accuracy(rows, o.size);
      }
      if (!Number(correct))
        throw new LoadFailure(
          `fig4 needs correctly answered trajectories: none of the ${Number(j)} judged in ${dir} is correct`,
        );
      const rows = await c.sql(`SELECT COALESCE(t.dataset, '(none)') AS dataset, COUNT(k.key) AS calls
FROM trajectories t LEFT JOIN (SELECT key FROM calls WHERE role = 'search') k ON k.key = t.key
WHERE t.verdict = 'correct' GROUP BY t.key, t.dataset, t.file, t.line, t.trajectory_id ORDER BY t.file, t.line, t.trajectory_id`);
      return fig4SearchCalls(
        rows.map((r) => ({ dataset: String(r.dataset), calls: Number(r.calls) })),
        o.size,
      );
    }
    const rows = (await corpusTrajectoryRows(c, { labelSet })) as unknown as TrajectoryMetricRow[];
    if (preset === "ecdf") return searchEcdf(rows, undefined, o.size);
    if (preset === "group") {
      const a = await rolloutsOf(input);
      const rewards = replayRewards(a, o.config);
      const rewardOf = new Map(a.keys.map((k, i) => [k, rewards[i]!]));
      return groupFigure(rows, (r) => rewardOf.get(r.key)!, o);
    }
    // fig6, fig7: runs by directory unless --run-by says otherwise (a corpus stores no reward spec)
    if (!rows.some((r) => r.step !== null)) throw new LoadFailure(noSteps(preset, rows.length, dir));
    const of = runOf(o.runBy ?? "dir", new Map());
    const many = o.runBy !== undefined || new Set(rows.filter((r) => r.step !== null).map(of)).size > 1;
    if (preset === "fig7") return fig7ResponseLength(rows, many ? of : undefined, o.size);
    return fig6LabelDrift(rows, { ...o.size, runOf: many ? of : undefined });
  });
}

/** fig6 / fig7 on rows without a training step (eval files): what is missing and where it comes from. */
function noSteps(preset: string, n: number, where: string): string {
  return (
    `${preset} needs training steps: none of the ${n} trajectories in ${where} has one ` +
    `(verl rollout dumps carry the step; eval files do not)`
  );
}

/** What a preset needs that the trajectories may lack: the one-line reason, or null. */
function missing(preset: string, ts: readonly Trajectory[], where: string): string | null {
  const n = ts.length;
  if (preset === "fig1" || preset === "fig4") {
    const judged = ts.filter((t) => t.verdict === "correct" || t.verdict === "incorrect");
    if (!judged.length) {
      return (
        `${preset} needs judged trajectories: none of the ${n} in ${where} has a verdict ` +
        `(judge them, or give --verdict-threshold X for numeric scores)`
      );
    }
    if (preset === "fig4" && !judged.some((t) => t.verdict === "correct")) {
      return `fig4 needs correctly answered trajectories: none of the ${judged.length} judged in ${where} is correct`;
    }
  }
  if ((preset === "fig6" || preset === "fig7") && !ts.some((t) => t.provenance.trainingStep !== null)) {
    return noSteps(preset, n, where);
  }
  return null;
}

/**
 * The run of each row for fig6 / fig7, by --run-by (default: spec when the dumps carry one, else dir).
 * Without --run-by, rows that all belong to one run get the preset's own default (one unnamed run), so
 * the CLI draws the same figure as the library does.
 */
function runsOf<R extends TrajectoryMetricRow>(ts: readonly Trajectory[], rows: readonly R[], o: FigureArgs) {
  const of = runOf(o.runBy ?? defaultRunBy(ts), new Map(ts.map((t) => [trajectoryKey(t), t])));
  if (o.runBy !== undefined) return of;
  return new Set(rows.filter((r) => r.step !== null).map(of)).size > 1 ? of : undefined;
}

const PRESETS: Record<
  string,
  { about: string; make: (ts: Trajectory[], labels: LabelRow[], o: FigureArgs) => Figure }
> = {
  fig1: {
    about: "accuracy vs average tool calls and vs response tokens, per model",
    make: (ts, l, o) => fig1Accuracy(trajectoryRows(ts, l, { tokens: true }), o.size),
  },
  fig4: {
    about: "search calls per correctly answered question, per dataset, with μ and σ",
    make: (ts, _l, o) => fig4SearchCalls(ts, o.size),
  },
  fig6: {
    about: "unique / redundant search and query calls per rollout per training step, per run (--run-by)",
    make: (ts, l, o) => {
      const rows = trajectoryRows(ts, l);
      return fig6LabelDrift(rows, { ...o.size, runOf: runsOf(ts, rows, o) });
    },
  },
  fig7: {
    about: "mean response tokens per training step, per run (--run-by)",
    make: (ts, l, o) => {
      const rows = trajectoryRows(ts, l, { tokens: true });
      return fig7ResponseLength(rows, runsOf(ts, rows, o), o.size);
    },
  },
  labels: {
    about: "share of each behaviour label per training step (or per model when there are no steps)",
    make: (ts, l, o) => {
      const byKey = new Map(ts.map((t) => [`${t.provenance.source.file}::${t.id}`, t]));
      const steps = ts.some((t) => t.provenance.trainingStep !== null);
      return labelComposition(
        l,
        (r) => {
          const t = byKey.get(`${r.source.file}::${r.trajectoryId}`);
          return steps ? `step ${t?.provenance.trainingStep ?? "?"}` : (t?.provenance.model ?? "(unknown)");
        },
        steps ? "training step" : "model",
        o.size,
      );
    },
  },
  ecdf: {
    about: "ECDFs of breadth, depth and horizon per model",
    make: (ts, l, o) => searchEcdf(trajectoryRows(ts, l), undefined, o.size),
  },
  landscape: {
    about: "a sweep's separation (or --measure) over two --grid knobs; ⚠ where incorrect can beat correct",
    make: landscape,
  },
  pressure: {
    about: "behaviour pressure of --config (and each --grid setting beside it) with bootstrap intervals",
    make: (ts, l, o) => pressurePreset(tallyArrays(ts, l), o),
  },
  contrast: {
    about: "within-group contrasts: correct − incorrect rollouts of the same prompt, per behaviour",
    make: (ts, l, o) => contrastPreset(tallyArrays(ts, l), o),
  },
  group: {
    about:
      "one GRPO group (--group ID; default the first with correct and incorrect rollouts): rewards, advantages, labels",
    make: group,
  },
};

const FIGURE_OPTS = z.object({
  out: text("FILE", "the figure: FILE.svg, FILE.png or FILE.pdf"),
  labels: REWARD_OPTIONS.labels,
  "label-set": REWARD_OPTIONS["label-set"],
  "memory-mb": REWARD_OPTIONS["memory-mb"],
  config: REWARD_OPTIONS.config,
  grid: REWARD_OPTIONS.grid,
  measure: choiceOr(MEASURES, "landscape: what the colour shows", "separation"),
  group: text("ID", "group: the GRPO group drawn (default: the first with correct and incorrect rollouts)"),
  width: decoded<string>(
    "W",
    "print width: column (3.3in), page (6.9in) or a length (3.3in, 8.5cm, 240pt); " + "default per preset",
    (s) => {
      try {
        parseWidth(s);
        return { value: s };
      } catch (err) {
        if (err instanceof FigureSizeError) return { error: err.message };
        throw err;
      }
    },
  ),
  "font-size": fromField(FigureSizeSchema.shape.fontSize, "PT", "number"),
  "run-by": choice(
    RUN_BY,
    "fig6, fig7: how runs are told apart (default: the reward-spec hash when the dumps carry one, else the directory)",
  ),
  ...LOAD_OPTIONS,
});

export const figureCommand = command({
  name: "figure",
  summary: `a figure (${Object.keys(PRESETS).join(", ")}) as SVG, PNG or PDF`,
  synopsis: "<preset> <paths…|CORPUS_DIR> --out FILE.svg|.png|.pdf",
  positionals: { min: 1, what: `a preset (${Object.keys(PRESETS).join(", ")})` },
  about: `Presets:
${Object.entries(PRESETS)
  .map(([k, p]) => `  ${k.padEnd(10)}${p.about}`)
  .join("\n")}

landscape needs two --grid knob=v1,v2,… options (and takes --measure, --config); group takes --group ID
and --config.

SVG is the canonical output (deterministic, provenance in its metadata); PNG (2×) and PDF (fonts
embedded) are rendered from it with the pinned DejaVu Sans fonts. Without --labels the calls are
labelled with the deterministic labeller. Given a corpus directory (sounding convert), every preset is
drawn from it, the same figure as from the files it came from (--label-set NAME when it has several
label sets); fig1 and fig7 count response tokens, which a corpus holds when converted with --tokens.

Every preset is drawn at its print size: --width column|page|LENGTH and --font-size PT (one SVG unit
is one point; a PDF's page is the figure's size). --out into a missing folder creates it.`,
  epilog:
    "Exit status: 0 written, 1 nothing to draw (no trajectory, no verdict for fig1/fig4, no training step for " +
    "fig6/fig7), 2 usage error.",
  options: FIGURE_OPTS,
  async run({ values: v, positionals }, out) {
    const [preset, ...paths] = positionals;
    const make = preset !== undefined && Object.hasOwn(PRESETS, preset) ? PRESETS[preset] : undefined;
    if (preset === undefined || !make) {
      throw new UsageError(`figure needs a preset (${Object.keys(PRESETS).join(", ")}), got "${preset}"`);
    }
    if (!paths.length) throw new UsageError(`figure needs at least one path (see "sounding figure --help")`);
    const file = v.out;
    const ext = file ? extname(file).toLowerCase() : "";
    if (!file || ![".svg", ".png", ".pdf"].includes(ext)) {
      throw new UsageError(`figure needs --out FILE.svg, FILE.png or FILE.pdf (see "sounding figure --help")`);
    }
    const args: FigureArgs = {
      config: await configFrom(v.config),
      grid: gridOf(v.grid),
      knobs: gridKnobs(v.grid),
      measure: v.measure,
      group: v.group,
      size: {
        ...(v.width !== undefined ? { width: v.width } : {}),
        ...(v["font-size"] !== undefined ? { fontSize: v["font-size"] } : {}),
      },
      runBy: v["run-by"],
    };
    if (args.runBy !== undefined && preset !== "fig6" && preset !== "fig7") {
      throw new UsageError(`figure: --run-by applies to fig6 and fig7, not ${preset}`);
    }
    let fig: Figure;
    try {
      const dir = corpusDirOf(paths);
      if (dir !== null) {
        fig = await corpusFigure(preset, dir, args, v);
      } else {
        const { trajectories, labels } = await corpus(paths, v);
        const why = missing(preset, trajectories, paths.join(", "));
        if (why) throw new LoadFailure(why);
        fig = make.make(trajectories, labels, args);
      }
    } catch (err) {
      if (err instanceof FigureSizeError) throw new UsageError(`figure: ${err.message}`);
      throw err;
    }
    const svg = await renderSvg(fig);
    const bytes = ext === ".svg" ? Buffer.from(svg) : ext === ".png" ? renderPng(svg) : await renderPdf(svg);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
    out(`${file}  ${preset}, ${bytes.length} bytes`);
    return 0;
  },
});
