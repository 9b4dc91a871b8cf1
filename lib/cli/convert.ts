/**
 * `sounding convert <paths…> --out DIR`: trace files (and label sets) into a Parquet corpus.
 * `sounding metrics <paths…|DIR> --by dataset,…`: breadth / depth / horizon aggregates, from trace
 * files in memory or from a corpus with SQL.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod";
import {
  aggregate,
  convertToCorpus,
  corpusAggregate,
  CorpusError,
  CORPUS_GROUP_KEYS,
  isCorpusDir,
  StrictModeError,
  trajectoryTable,
  ConvertOptionsSchema,
  type CorpusGroupKey,
} from "../index.js";
import { command } from "./command.js";
import { LOAD_OPTIONS, LoadFailure, loadOptionsFrom } from "./load-options.js";
import { decoded, flag, fromField, repeated, text } from "./options.js";
import { corpus as loadCorpus, REWARD_OPTIONS, withCorpus } from "./reward-options.js";
import { cellText, jsonText, tableText } from "./output.js";
import { ProgressBar } from "./progress.js";
import { UsageError } from "./usage-error.js";

const CONVERT_OPTS = z.object({
  out: text("DIR", "the corpus directory (created, or extended)"),
  label: text("NAME", "label every call with the deterministic labeller while converting, as label set NAME"),
  labels: repeated("PATH", "add a label set (labels.jsonl, a label-set directory, or *.labels.jsonl files) …"),
  "label-set": repeated("NAME", "… under this name (one per --labels, in order; default: the directory's name)"),
  "part-calls": fromField(ConvertOptionsSchema.shape.partCalls, "N", "number"),
  jobs: fromField(ConvertOptionsSchema.shape.jobs, "N", "number"),
  tokens: flag(ConvertOptionsSchema.shape.tokens.description ?? ""),
  json: flag("print the result as JSON"),
  ...LOAD_OPTIONS,
});

export const convertCommand = command({
  name: "convert",
  summary: "write traces (and label sets) as a Parquet corpus for corpora larger than memory",
  synopsis: "<paths…> --out DIR",
  positionals: { min: 0, what: "trace files or --labels" },
  about: `Write trace files as a Parquet corpus (tables trajectories, calls, labels; docs/corpus.md), streaming:
memory stays flat however large the input. Run it again to add files or label sets: converted files
that did not change are skipped, changed ones replaced (and unchanged ones converted again when --tokens
asks for the response tokens they lack). Safe to interrupt: the corpus stays readable and
a re-run completes it.`,
  options: CONVERT_OPTS,
  async run({ values: v, positionals }, out) {
    const dir = v.out;
    if (!dir) throw new UsageError(`convert needs --out DIR (see "sounding convert --help")`);
    const labelPaths = v.labels;
    const names = v["label-set"];
    if (names.length > labelPaths.length) {
      throw new UsageError("convert: --label-set names a label set given with --labels (one name per --labels)");
    }
    if (!positionals.length && !labelPaths.length) {
      throw new UsageError(`convert needs trace files or --labels (see "sounding convert --help")`);
    }
    const labelSets = labelPaths.map((p, i) => ({ path: p, name: names[i] ?? labelSetNameOf(p) }));
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
      const partCalls = v["part-calls"];
      res = await convertToCorpus(positionals, dir, {
        ...opts,
        label: v.label,
        labelSets,
        partCalls,
        jobs: v.jobs,
        tokens: v.tokens,
      });
    } catch (err) {
      if (err instanceof CorpusError) throw new UsageError(err.message);
      // strict mode: the first bad record ends the run; the corpus keeps what was committed before
      if (err instanceof StrictModeError) {
        throw new LoadFailure(`${err.message} (strict mode; the corpus keeps the files converted before)`);
      }
      throw err;
    } finally {
      bar.done();
    }
    const errors = res.report.issues.filter((i) => i.severity === "error");
    if (v.json) {
      const { added, replaced, skipped, trajectories, calls } = res;
      const issues = res.report.issues.slice(0, 100);
      out(
        jsonText({
          dir: res.dir,
          added,
          replaced,
          skipped,
          labelSets: res.labelSets,
          trajectories,
          calls,
          errors: errors.length,
          issues,
        }),
      );
    } else {
      out(
        `${dir}: ${res.added.length} file(s) added, ${res.replaced.length} replaced, ${res.skipped.length} unchanged; ` +
          `${res.trajectories} trajectories, ${res.calls} calls converted`,
      );
      if (res.labelSets.length) out(`label sets: ${res.labelSets.join(", ")}`);
      const all = res.manifest.sources.reduce((a, s) => ({ t: a.t + s.trajectories, c: a.c + s.calls }), {
        t: 0,
        c: 0,
      });
      const sets = Object.keys(res.manifest.labelSets).join(", ") || "(none)";
      out(
        `corpus: ${res.manifest.sources.length} source file(s), ${all.t} trajectories, ${all.c} calls; label sets ${sets}`,
      );
    }
    for (const i of errors.slice(0, 3)) process.stderr.write(`sounding: ${i.file}:${i.line}: ${i.reason} (skipped)\n`);
    if (errors.length > 3) {
      process.stderr.write(
        `sounding: … ${errors.length - 3} more bad record(s); \`sounding inspect\` lists them all\n`,
      );
    }
    return 0;
  },
});

/** The default name of a label set given by path: its directory or file name without .jsonl. */
function labelSetNameOf(path: string): string {
  return (path.replace(/\/+$/, "").split("/").pop() ?? path).replace(/\.jsonl$/, "");
}

function isGroupKey(k: string): k is CorpusGroupKey {
  return Object.hasOwn(CORPUS_GROUP_KEYS, k);
}

const groupKeys = Object.keys(CORPUS_GROUP_KEYS).join(", ");

const METRICS_OPTS = z.object({
  by: decoded<CorpusGroupKey[]>("key,…", `group by ${groupKeys} [dataset]`, (s) => {
    const keys = s.split(",").filter(Boolean);
    const out: CorpusGroupKey[] = [];
    for (const k of keys) {
      if (!isGroupKey(k)) return { error: `cannot group by "${k}" (one of ${groupKeys})` };
      out.push(k);
    }
    return { value: out };
  }),
  labels: REWARD_OPTIONS.labels,
  "label-set": REWARD_OPTIONS["label-set"],
  json: flag("print the rows as JSON"),
  ...LOAD_OPTIONS,
});

export const metricsCommand = command({
  name: "metrics",
  summary: "breadth / depth / horizon per dataset, model, step or group (trace files or a corpus)",
  synopsis: "<paths…|CORPUS_DIR>",
  positionals: { min: 1, what: "trace files or a corpus directory" },
  about: `Per group: n, accuracy, and the mean T, label counts, ρ, breadth (n_uniqS + n_explore), depth (n_verify),
horizon (T) and turns. Trace files are labelled with the deterministic labeller unless --labels is given;
a corpus directory (sounding convert) is queried with SQL, with its label set (--label-set when it has
several).`,
  options: METRICS_OPTS,
  async run({ values: v, positionals }, out) {
    const by: CorpusGroupKey[] = v.by ?? ["dataset"];
    let rows: Array<Record<string, unknown>>;
    if (positionals.length === 1 && isCorpusDir(positionals[0]!)) {
      rows = await withCorpus(positionals[0]!, async (c) => {
        const agg = await corpusAggregate(c, by, { labelSet: v["label-set"] });
        // the same "no verdict, no accuracy" rule as for trace files: groups by verdict say which were judged
        const byVerdict: CorpusGroupKey[] = by.includes("verdict") ? [...by] : [...by, "verdict"];
        const judged = judgedPerGroup(await corpusAggregate(c, byVerdict, { labelSet: v["label-set"] }), by);
        return agg.map((row) =>
          "accuracy" in row && !judged.has(groupKey(row, by)) ? { ...row, accuracy: null } : row,
        );
      });
    } else {
      const { trajectories, labels } = await loadCorpus(positionals, v);
      const per = trajectoryTable(trajectories, labels);
      const objects = per.objects().map((o): Record<string, unknown> => Object.fromEntries(Object.entries(o)));
      const judged = judgedPerGroup(objects, by);
      rows = aggregate(per, by)
        .objects()
        .map((o) => {
          const row = Object.fromEntries(Object.entries(o).filter(([k]) => k !== "responseTokens"));
          // accuracy over no verdict at all is not 0: it is unknown
          if ("accuracy" in row && !judged.has(groupKey(row, by))) row.accuracy = null;
          return row;
        });
    }
    if (v.json) {
      out(jsonText(rows));
      return 0;
    }
    const cols = rows.length ? Object.keys(rows[0]!) : [...by, "n"];
    const keys = new Set<string>(by);
    out(
      tableText(
        cols,
        rows.map((r) => cols.map((k) => (keys.has(k) ? cellText(r[k]) : cell(r[k])))),
      ),
    );
    return 0;
  },
});

/** The key of a row's group (its `by` values). */
function groupKey(row: Record<string, unknown>, by: readonly string[]): string {
  return JSON.stringify(by.map((k) => row[k] ?? null));
}

/** The groups holding at least one judged trajectory (verdict correct or incorrect). */
function judgedPerGroup(rows: ReadonlyArray<Record<string, unknown>>, by: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const r of rows) if (r.verdict === "correct" || r.verdict === "incorrect") out.add(groupKey(r, by));
  return out;
}

/** A metric cell: 4 decimals, "n/a" for a value that cannot be computed. */
function cell(x: unknown): string {
  if (x === null || x === undefined) return "n/a";
  return typeof x === "number" && !Number.isInteger(x) ? x.toFixed(4) : String(x);
}
