/**
 * `sounding convert <paths…> --out DIR`: trace files (and label sets) into a Parquet corpus.
 * `sounding metrics <paths…|DIR> --by dataset,…`: breadth / depth / horizon aggregates, from trace
 * files in memory or from a corpus with SQL.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import {
  aggregate,
  convertToCorpus,
  corpusAggregate,
  CorpusError,
  CORPUS_GROUP_KEYS,
  isCorpusDir,
  StrictModeError,
  trajectoryTable,
  type CorpusGroupKey,
} from "../index.js";
import { LOAD_ARG_OPTIONS, LoadFailure, loadOptionsFrom } from "./inspect.js";
import { corpus as loadCorpus, withCorpus } from "./reward-options.js";
import { ProgressBar } from "./progress.js";
import { UsageError, numberOption } from "./usage-error.js";

export const CONVERT_HELP = `usage: sounding convert <paths…> --out DIR [--label NAME] [--labels PATH --label-set NAME]… [--json]

Write trace files as a Parquet corpus (tables trajectories, calls, labels; docs/corpus.md), streaming:
memory stays flat however large the input. Run it again to add files or label sets: converted files
that did not change are skipped, changed ones replaced. Safe to interrupt: the corpus stays readable and
a re-run completes it.

  --out DIR          the corpus directory (created, or extended)
  --label NAME       label every call with the deterministic labeller while converting, as label set NAME
  --labels PATH      add a label set (labels.jsonl, a label-set directory, or *.labels.jsonl files) …
  --label-set NAME   … under this name (one per --labels, in order; default: the directory's name)
  --part-calls N     calls per Parquet part (default 250000)
  --json             print the result as JSON
  --format, --tool-roles, --strict, --max-record-mb   as for inspect`;

export const METRICS_HELP = `usage: sounding metrics <paths…|CORPUS_DIR> [--by key,…] [--labels DIR] [--label-set NAME] [--json]

Per group: n, accuracy, and the mean T, label counts, ρ, breadth (n_uniqS + n_explore), depth (n_verify),
horizon (T) and turns. Trace files are labelled with the deterministic labeller unless --labels is given;
a corpus directory (sounding convert) is queried with SQL, with its label set (--label-set when it has
several).

  --by key,…   group by ${Object.keys(CORPUS_GROUP_KEYS).join(", ")} (default dataset)`;

export async function convertCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...LOAD_ARG_OPTIONS, out: { type: "string" }, label: { type: "string" }, labels: { type: "string", multiple: true }, "label-set": { type: "string", multiple: true }, "part-calls": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${CONVERT_HELP}`);
  }
  const v = parsed.values as Record<string, unknown>;
  if (v.help) {
    out(CONVERT_HELP);
    return 0;
  }
  const dir = v.out as string | undefined;
  if (!dir) throw new UsageError(`convert needs --out DIR\n\n${CONVERT_HELP}`);
  const labelPaths = (v.labels as string[] | undefined) ?? [];
  const names = (v["label-set"] as string[] | undefined) ?? [];
  if (names.length > labelPaths.length) throw new UsageError("--label-set names a label set given with --labels (one name per --labels)");
  if (!parsed.positionals.length && !labelPaths.length) throw new UsageError(`convert needs trace files or --labels\n\n${CONVERT_HELP}`);
  const labelSets = labelPaths.map((p, i) => ({ path: p, name: names[i] ?? p.replace(/\/+$/, "").split("/").pop()!.replace(/\.jsonl$/, "") }));
  for (const p of labelPaths) {
    try {
      await stat(p);
    } catch {
      throw new UsageError(`--labels ${p}: no such file or directory`);
    }
  }
  const opts = await loadOptionsFrom(v);
  const bar = new ProgressBar("converting");
  opts.onProgress = (n, size, file) => bar.update(n, size, basename(file));
  let res;
  try {
    res = await convertToCorpus(parsed.positionals, dir, { ...opts, label: v.label as string | undefined, labelSets, partCalls: numberOption("part-calls", v["part-calls"] as string | undefined, { int: true, min: 1 }) });
  } catch (err) {
    if (err instanceof CorpusError) throw new UsageError(err.message);
    // strict mode: the first bad record ends the run; the corpus keeps what was committed before
    if (err instanceof StrictModeError) throw new LoadFailure(`${err.message} (strict mode; the corpus keeps the files converted before)`);
    throw err;
  } finally {
    bar.done();
  }
  const errors = res.report.issues.filter((i) => i.severity === "error");
  if (v.json) out(JSON.stringify({ dir: res.dir, added: res.added, replaced: res.replaced, skipped: res.skipped, labelSets: res.labelSets, trajectories: res.trajectories, calls: res.calls, errors: errors.length, issues: res.report.issues.slice(0, 100) }));
  else {
    out(`${dir}: ${res.added.length} file(s) added, ${res.replaced.length} replaced, ${res.skipped.length} unchanged; ${res.trajectories} trajectories, ${res.calls} calls converted`);
    if (res.labelSets.length) out(`label sets: ${res.labelSets.join(", ")}`);
    const all = res.manifest.sources.reduce((a, s) => ({ t: a.t + s.trajectories, c: a.c + s.calls }), { t: 0, c: 0 });
    out(`corpus: ${res.manifest.sources.length} source file(s), ${all.t} trajectories, ${all.c} calls; label sets ${Object.keys(res.manifest.labelSets).join(", ") || "(none)"}`);
  }
  for (const i of errors.slice(0, 3)) process.stderr.write(`sounding: ${i.file}:${i.line}: ${i.reason} (skipped)\n`);
  if (errors.length > 3) process.stderr.write(`sounding: … ${errors.length - 3} more bad record(s); \`sounding inspect\` lists them all\n`);
  return 0;
}

export async function metricsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...LOAD_ARG_OPTIONS, by: { type: "string" }, labels: { type: "string" }, "label-set": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${METRICS_HELP}`);
  }
  const v = parsed.values as Record<string, unknown>;
  if (v.help) {
    out(METRICS_HELP);
    return 0;
  }
  if (!parsed.positionals.length) throw new UsageError(`metrics needs trace files or a corpus directory\n\n${METRICS_HELP}`);
  const by = ((v.by as string | undefined) ?? "dataset").split(",").filter(Boolean);
  for (const k of by) if (!(k in CORPUS_GROUP_KEYS)) throw new UsageError(`--by: cannot group by "${k}" (one of ${Object.keys(CORPUS_GROUP_KEYS).join(", ")})`);
  let rows: Array<Record<string, unknown>>;
  if (parsed.positionals.length === 1 && isCorpusDir(parsed.positionals[0]!)) {
    rows = await withCorpus(parsed.positionals[0]!, (c) => corpusAggregate(c, by as CorpusGroupKey[], { labelSet: v["label-set"] as string | undefined }));
  } else {
    const { trajectories, labels } = await loadCorpus(parsed.positionals, v);
    rows = aggregate(trajectoryTable(trajectories, labels), by).objects() as Array<Record<string, unknown>>;
    for (const r of rows) delete r.responseTokens;
  }
  if (v.json) {
    out(JSON.stringify(rows));
    return 0;
  }
  const cols = rows.length ? Object.keys(rows[0]!) : [...by, "n"];
  out(cols.join("\t"));
  for (const r of rows) out(cols.map((k) => (typeof r[k] === "number" && !Number.isInteger(r[k]) ? (r[k] as number).toFixed(4) : String(r[k] ?? ""))).join("\t"));
  return 0;
}
