/** `sounding report`: one self-contained HTML workbench over trace files or a corpus. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { corpusReportHtml, isCorpusDir, reportHtml, ReportOptionsSchema } from "../index.js";
import { command } from "./command.js";
import { fileErrorText, LOAD_OPTIONS } from "./load-options.js";
import { numOr, text } from "./options.js";
import { configFrom, corpus, REWARD_OPTIONS, withCorpus } from "./reward-options.js";
import { UsageError } from "./usage-error.js";

const SAMPLE = ReportOptionsSchema.shape.sample.parse(undefined);

const REPORT_OPTS = z.object({
  out: text("FILE", "the HTML file to write"),
  labels: REWARD_OPTIONS.labels,
  config: text("FILE", "reward settings as JSON the page opens with (and the tuner's reference; default: the paper's)"),
  sample: numOr("N", `rollouts whose full text is embedded, stratified by dataset, verdict and step`, SAMPLE, {
    int: true,
    min: 0,
  }),
  seed: numOr("S", "seed of the sample's draw", 0, { int: true, min: 0 }),
  title: text("TEXT", "title of the page [sounding report]"),
  "label-set": REWARD_OPTIONS["label-set"],
  ...LOAD_OPTIONS,
});

export const reportCommand = command({
  name: "report",
  summary: "one self-contained HTML workbench: table, viewer, figures, side by side, live reward tuner",
  synopsis: "<paths…|CORPUS_DIR> --out FILE",
  positionals: { min: 1, what: "at least one path" },
  about: `Write one HTML file (no network: script, style and compressed data inline) holding a sortable,
filterable, searchable table of the rollouts, the trajectory viewer with its GRPO group and a diff,
the figures (a click on a mark filters the table), runs / steps / datasets side by side, and a live
reward tuner (sliders for c1, c2, C_S, C_Q, B_v, floor, format weight replaying Eq. 8 over every
rollout with the library's kernel; the setting is offered as reward.json and as the "sounding
export verl" command). The tallies of every rollout are embedded, the full text of a sample
(--sample N, stratified by dataset, verdict and step). Given a corpus directory (sounding convert),
the sample holds what the corpus stores (no tool responses or reasoning).`,
  options: REPORT_OPTS,
  run: ({ values, positionals }, out) => reportRun(positionals, values, out),
});

async function reportRun(positionals: string[], v: z.output<typeof REPORT_OPTS>, out: (s: string) => void) {
  if (!v.out) throw new UsageError(`report needs --out FILE (see "sounding report --help")`);
  const config = await configFrom(v.config);
  const opts = {
    config,
    sample: v.sample,
    seed: v.seed,
    source: positionals.join(" "),
    ...(v.title !== undefined ? { title: v.title } : {}),
  };
  let html: string;
  let what: string;
  if (positionals.length === 1 && isCorpusDir(positionals[0]!)) {
    if (v.labels !== undefined) throw new UsageError("report: --labels is for trace files; a corpus holds its labels");
    html = await withCorpus(positionals[0]!, (c) => corpusReportHtml(c, { ...opts, labelSet: v["label-set"] }));
    what = "corpus";
  } else {
    const { trajectories, labels } = await corpus(positionals, v);
    if (!trajectories.length) throw new UsageError(`report: no trajectories in ${positionals.join(", ")}`);
    html = await reportHtml(trajectories, labels, opts);
    what = `${trajectories.length} trajectories`;
  }
  try {
    await mkdir(dirname(v.out), { recursive: true });
    await writeFile(v.out, html);
  } catch (err) {
    throw new UsageError(`--out ${v.out}: cannot write (${fileErrorText(err)})`);
  }
  out(`${v.out}  ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB (${what})`);
  return 0;
}
