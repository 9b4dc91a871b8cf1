/** `sounding figure <preset> <paths…> --out FILE.svg|.png|.pdf`: a paper figure from trace files. */
import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import {
  fig1Accuracy,
  fig4SearchCalls,
  fig6LabelDrift,
  fig7ResponseLength,
  labelComposition,
  searchEcdf,
  HeuristicLabeller,
  readLabelSet,
  renderPdf,
  renderPng,
  renderSvg,
  runLabeller,
  trajectoryRows,
  type Figure,
  type LabelRow,
  type Trajectory,
} from "../index.js";
import { LOAD_ARG_OPTIONS, loadForCommand, loadOptionsFrom } from "./inspect.js";
import { UsageError } from "./usage-error.js";

const PRESETS: Record<string, { about: string; make: (ts: Trajectory[], labels: LabelRow[]) => Figure }> = {
  fig1: { about: "accuracy vs average tool calls and vs response tokens, per model", make: (ts, l) => fig1Accuracy(trajectoryRows(ts, l, { tokens: true })) },
  fig4: { about: "search calls per correctly answered question, per dataset, with μ and σ", make: (ts) => fig4SearchCalls(ts) },
  fig6: { about: "unique / redundant search and query calls per rollout per training step", make: (ts, l) => fig6LabelDrift(trajectoryRows(ts, l)) },
  fig7: { about: "mean response tokens per training step, per run", make: (ts, l) => fig7ResponseLength(trajectoryRows(ts, l, { tokens: true })) },
  labels: {
    about: "share of each behaviour label per training step (or per model when there are no steps)",
    make: (ts, l) => {
      const byKey = new Map(ts.map((t) => [`${t.provenance.source.file}::${t.id}`, t]));
      const steps = ts.some((t) => t.provenance.trainingStep !== null);
      return labelComposition(l, (r) => {
        const t = byKey.get(`${r.source.file}::${r.trajectoryId}`);
        return steps ? `step ${t?.provenance.trainingStep ?? "?"}` : (t?.provenance.model ?? "(unknown)");
      }, steps ? "training step" : "model");
    },
  },
  ecdf: { about: "ECDFs of breadth, depth and horizon per model", make: (ts, l) => searchEcdf(trajectoryRows(ts, l)) },
};

export const FIGURE_HELP = `usage: sounding figure <preset> <paths…> [--labels DIR] --out FILE.svg|.png|.pdf

Presets:
${Object.entries(PRESETS)
  .map(([k, p]) => `  ${k.padEnd(6)} ${p.about}`)
  .join("\n")}

SVG is the canonical output (deterministic, provenance in its metadata); PNG (2×) and PDF (fonts
embedded) are rendered from it with the pinned DejaVu Sans fonts. Without --labels the calls are
labelled with the deterministic labeller.`;

export async function figureCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...LOAD_ARG_OPTIONS, labels: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${FIGURE_HELP}`);
  }
  const v = parsed.values as Record<string, unknown>;
  if (v.help) {
    out(FIGURE_HELP);
    return 0;
  }
  const [preset, ...paths] = parsed.positionals;
  if (!preset || !PRESETS[preset]) throw new UsageError(`figure needs a preset (${Object.keys(PRESETS).join(", ")})${preset ? `, got "${preset}"` : ""}\n\n${FIGURE_HELP}`);
  if (!paths.length) throw new UsageError(`figure needs at least one path\n\n${FIGURE_HELP}`);
  const file = v.out as string | undefined;
  const ext = file ? extname(file).toLowerCase() : "";
  if (!file || ![".svg", ".png", ".pdf"].includes(ext)) throw new UsageError(`figure needs --out FILE.svg, FILE.png or FILE.pdf\n\n${FIGURE_HELP}`);
  const trajectories = await loadForCommand(paths, await loadOptionsFrom(v));
  let labels: LabelRow[];
  if (typeof v.labels === "string") {
    try {
      labels = (await readLabelSet(v.labels)).rows;
    } catch (err) {
      throw new UsageError(`--labels ${v.labels}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message}`);
    }
  } else labels = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
  const svg = await renderSvg(PRESETS[preset]!.make(trajectories, labels));
  const bytes = ext === ".svg" ? Buffer.from(svg) : ext === ".png" ? renderPng(svg) : await renderPdf(svg);
  await writeFile(file, bytes);
  out(`${file}  ${preset}, ${trajectories.length} trajectories, ${bytes.length} bytes`);
  return 0;
}
