/** `sounding figure <preset> <paths…> --out FILE.svg|.png|.pdf`: a paper figure from trace files. */
import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { z } from "zod";
import {
  fig1Accuracy,
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
  isCorpusDir,
  type TrajectoryMetricRow,
  type Figure,
  type Knob,
  type LabelRow,
  type RewardConfig,
  type Trajectory,
} from "../index.js";
import { command } from "./command.js";
import { LOAD_OPTIONS } from "./load-options.js";
import { choiceOr, text } from "./options.js";
import { configFrom, corpus, gridKnobs, gridOf, REWARD_OPTIONS, withCorpus } from "./reward-options.js";
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
}

function landscape(ts: Trajectory[], labels: LabelRow[], o: FigureArgs): Figure {
  const knobs = o.knobs;
  if (knobs.length !== 2)
    throw new UsageError(
      `landscape needs exactly two --grid knobs (e.g. --grid c1=0,0.1,0.2 --grid c2=0,0.1,0.2), got ${knobs.length}`,
    );
  const rows = sweep(tallyArrays(ts, labels), gridSettings(o.config, o.grid));
  return rewardLandscape(rows, knobs[0]!, knobs[1]!, o.measure, rewardSpecHash(o.config));
}

/** The rollouts of one GRPO group; by default the first group with both correct and incorrect rollouts. */
function group(ts: Trajectory[], labels: LabelRow[], o: FigureArgs): Figure {
  const rows = trajectoryRows(ts, labels);
  const a = tallyArrays(ts, labels);
  const rewards = replayRewards(a, o.config);
  const rewardOf = new Map(a.keys.map((k, i) => [k, rewards[i]!]));
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
    rows.map((r) => rewardOf.get(r.key)!),
    id,
    rewardSpecHash(o.config),
  );
}

/** Presets drawn from a corpus directory: per-trajectory rows or a sweep come from SQL. */
const CORPUS_PRESETS = ["fig6", "ecdf", "landscape"];

async function corpusFigure(preset: string, dir: string, o: FigureArgs, labelSet: string | undefined): Promise<Figure> {
  if (!CORPUS_PRESETS.includes(preset))
    throw new UsageError(`figure ${preset} reads trace files; from a corpus directory: ${CORPUS_PRESETS.join(", ")}`);
  return withCorpus(dir, async (c) => {
    if (preset === "landscape") {
      const knobs = o.knobs;
      if (knobs.length !== 2)
        throw new UsageError(
          `landscape needs exactly two --grid knobs (e.g. --grid c1=0,0.1,0.2 --grid c2=0,0.1,0.2), got ${knobs.length}`,
        );
      const rows = await corpusSweep(c, gridSettings(o.config, o.grid), { labelSet });
      return rewardLandscape(rows, knobs[0]!, knobs[1]!, o.measure, rewardSpecHash(o.config));
    }
    const rows = (await corpusTrajectoryRows(c, { labelSet })) as unknown as TrajectoryMetricRow[];
    return preset === "fig6" ? fig6LabelDrift(rows) : searchEcdf(rows);
  });
}

const PRESETS: Record<
  string,
  { about: string; make: (ts: Trajectory[], labels: LabelRow[], o: FigureArgs) => Figure }
> = {
  fig1: {
    about: "accuracy vs average tool calls and vs response tokens, per model",
    make: (ts, l) => fig1Accuracy(trajectoryRows(ts, l, { tokens: true })),
  },
  fig4: {
    about: "search calls per correctly answered question, per dataset, with μ and σ",
    make: (ts) => fig4SearchCalls(ts),
  },
  fig6: {
    about: "unique / redundant search and query calls per rollout per training step",
    make: (ts, l) => fig6LabelDrift(trajectoryRows(ts, l)),
  },
  fig7: {
    about: "mean response tokens per training step, per run",
    make: (ts, l) => fig7ResponseLength(trajectoryRows(ts, l, { tokens: true })),
  },
  labels: {
    about: "share of each behaviour label per training step (or per model when there are no steps)",
    make: (ts, l) => {
      const byKey = new Map(ts.map((t) => [`${t.provenance.source.file}::${t.id}`, t]));
      const steps = ts.some((t) => t.provenance.trainingStep !== null);
      return labelComposition(
        l,
        (r) => {
          const t = byKey.get(`${r.source.file}::${r.trajectoryId}`);
          return steps ? `step ${t?.provenance.trainingStep ?? "?"}` : (t?.provenance.model ?? "(unknown)");
        },
        steps ? "training step" : "model",
      );
    },
  },
  ecdf: { about: "ECDFs of breadth, depth and horizon per model", make: (ts, l) => searchEcdf(trajectoryRows(ts, l)) },
  landscape: {
    about: "a sweep's separation (or --measure) over two --grid knobs; ⚠ where incorrect can beat correct",
    make: landscape,
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
  config: REWARD_OPTIONS.config,
  grid: REWARD_OPTIONS.grid,
  measure: choiceOr(MEASURES, "landscape: what the colour shows", "separation"),
  group: text("ID", "group: the GRPO group drawn (default: the first with correct and incorrect rollouts)"),
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
labelled with the deterministic labeller. Given a corpus directory (sounding convert), fig6, ecdf and
landscape are drawn from it with SQL (--label-set NAME when it has several label sets).`,
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
    };
    let fig: Figure;
    if (paths.length === 1 && isCorpusDir(paths[0]!)) fig = await corpusFigure(preset, paths[0]!, args, v["label-set"]);
    else {
      const { trajectories, labels } = await corpus(paths, v);
      fig = make.make(trajectories, labels, args);
    }
    const svg = await renderSvg(fig);
    const bytes = ext === ".svg" ? Buffer.from(svg) : ext === ".png" ? renderPng(svg) : await renderPdf(svg);
    await writeFile(file, bytes);
    out(`${file}  ${preset}, ${bytes.length} bytes`);
    return 0;
  },
});
