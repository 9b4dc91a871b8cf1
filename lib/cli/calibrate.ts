/**
 * `sounding calibrate --reference LABELS [traces…] --out heuristic.json`: fit the deterministic
 * labeller's options to a reference label set by cross-validated search (lib/labels/calibrate.ts).
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import {
  calibrateHeuristic,
  CalibrateOptionsSchema,
  DEFAULT_TUNED,
  HeuristicLabeller,
  KappaBootstrapSchema,
  readLabelSet,
  TUNABLE_HEURISTIC,
  type CalibrationResult,
  type KappaStats,
  type ReadLabelSet,
} from "../index.js";
import { command } from "./command.js";
import { heuristicConfigFrom } from "./heuristic-config.js";
import { fileErrorText, LOAD_OPTIONS, LoadFailure, loadForCommand } from "./load-options.js";
import { flag, fromField, text, textOr } from "./options.js";
import { jsonText } from "./output.js";
import { printable } from "./printable.js";
import { UsageError } from "./usage-error.js";

const C = CalibrateOptionsSchema.shape;

const CALIBRATE_OPTS = z.object({
  reference: text("LABELS", "the reference label set (an LLM judge's or hand labels; required)"),
  out: textOr("FILE", "where the fitted options are written as JSON", "heuristic.json"),
  config: text("FILE", "deterministic labeller options to start from and compare with (default: the defaults)"),
  tune: text("NAMES", `options searched, comma-separated (of ${TUNABLE_HEURISTIC.map((t) => t.name).join(", ")})`),
  folds: fromField(C.folds, "K", "number"),
  seed: fromField(C.seed, "N", "number"),
  bootstrap: fromField(KappaBootstrapSchema.shape.samples, "N", "number"),
  json: flag("print the whole calibration as one JSON object"),
  ...LOAD_OPTIONS,
});

const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(3);

function kappaCell(k: KappaStats | null): string {
  if (!k) return "—";
  return `${f3(k.kappa)}${k.lo !== undefined ? ` [${f3(k.lo)}, ${f3(k.hi!)}]` : ""}`;
}

export function formatCalibration(reference: string, out: string, hash: string, r: CalibrationResult): string {
  const c = r.calls;
  const lines = [
    `calibrated the deterministic labeller to ${reference}: ${c.scored} reference calls (${c.search} search, ` +
      `${c.page} page) of ${c.trajectories} trajectories, ${r.folds.length} folds by trajectory (seed ${r.seed})`,
  ];
  if (c.notFound) lines.push(`  ${c.notFound} reference rows name calls not among the traces (not scored)`);
  const iv = r.bootstrap.samples
    ? `, ${Math.round(r.bootstrap.level * 100)}% bootstrap intervals over trajectories (${r.bootstrap.samples} resamples)`
    : "";
  lines.push("", `κ on held-out folds${iv}:`, `  ${"".padEnd(8)}${"before".padEnd(24)}${"after".padEnd(24)}gain`);
  for (const role of ["overall", "search", "page"] as const) {
    const g = r.gain[role];
    const gain = g ? `${signed(g.value)}${r.bootstrap.samples ? ` [${signed(g.lo)}, ${signed(g.hi)}]` : ""}` : "—";
    lines.push(
      `  ${role.padEnd(8)}${kappaCell(r.before[role]).padEnd(24)}${kappaCell(r.after[role]).padEnd(24)}${gain}`,
    );
  }
  const changed = Object.entries(r.changed).map(([k, [a, b]]) => `${k} ${String(a)} → ${String(b)}`);
  lines.push(
    "",
    changed.length
      ? `fitted on all reference calls: ${changed.join(", ")}`
      : "fitted on all reference calls: no option changed",
    `written to ${out} (config ${hash}); label with: sounding label --config ${out} <paths…>`,
  );
  return lines.join("\n");
}

async function openReference(path: string): Promise<ReadLabelSet> {
  try {
    return await readLabelSet(path);
  } catch (err) {
    throw new UsageError(`--reference ${path}: ${fileErrorText(err)}`);
  }
}

export const calibrateCommand = command({
  name: "calibrate",
  summary: "fit the deterministic labeller's thresholds to reference labels (cross-validated κ)",
  synopsis: "--reference LABELS [traces…] --out heuristic.json",
  positionals: { min: 0, what: "trace files or directories" },
  about: `Fit the deterministic labeller's thresholds and choices (${DEFAULT_TUNED.join(", ")}) to a
reference label set (an LLM judge's or hand labels) by cross-validated search maximising Cohen's κ
per role (search options on search calls, page options on page calls), folds by trajectory, and
report κ before and after on the held-out folds with bootstrap intervals. The options fitted on all
reference calls are written to FILE, which "sounding label --config FILE" reads (its label rows
then carry that configuration's hash). The traces are the files given, or else the files the
reference rows name.`,
  options: CALIBRATE_OPTS,
  epilog: `Exit status: 0 calibrated, 1 a file unreadable or no reference call among the traces, 2 usage error.`,
  async run({ values: v, positionals }, out) {
    if (v.reference === undefined)
      throw new UsageError(
        `calibrate needs --reference LABELS (the label set to fit to; see "sounding calibrate --help")`,
      );
    const ref = await openReference(v.reference);
    for (const i of ref.issues.slice(0, 5))
      process.stderr.write(`sounding: ${i.file}:${i.line}: ${i.reason} (row skipped)\n`);
    if (!ref.rows.length) throw new LoadFailure(`--reference ${v.reference}: no label rows`);
    const paths = positionals.length ? positionals : [...new Set(ref.rows.map((r) => r.source.file))];
    const start = await heuristicConfigFrom(v.config);
    const tune = v.tune?.split(",").map((s) => s.trim());
    const unknown = tune?.find((n) => !TUNABLE_HEURISTIC.some((t) => t.name === n));
    if (unknown !== undefined)
      throw new UsageError(
        `calibrate: --tune ${unknown}: not a tunable option (one of ${TUNABLE_HEURISTIC.map((t) => t.name).join(", ")})`,
      );
    if (!positionals.length) {
      const missing = paths.find((p) => !existsSync(p));
      if (missing !== undefined)
        throw new LoadFailure(
          printable(
            `--reference ${v.reference} names trace file ${missing}, which is not here; give the trace files as arguments`,
          ),
        );
    }
    const trajectories = await loadForCommand(paths, v);
    let r: CalibrationResult;
    try {
      r = calibrateHeuristic(trajectories, ref.rows, {
        start,
        ...(tune ? { tune } : {}),
        ...(v.folds !== undefined ? { folds: v.folds } : {}),
        ...(v.seed !== undefined ? { seed: v.seed, bootstrap: { seed: v.seed } } : {}),
        ...(v.bootstrap !== undefined
          ? { bootstrap: { samples: v.bootstrap, ...(v.seed !== undefined ? { seed: v.seed } : {}) } }
          : {}),
      });
    } catch (err) {
      throw new LoadFailure(printable(`calibrate: ${err instanceof Error ? err.message : String(err)}`));
    }
    const hash = new HeuristicLabeller(r.options).info.configHash;
    try {
      await writeFile(v.out, JSON.stringify(r.options, null, 2) + "\n");
    } catch (err) {
      throw new LoadFailure(`--out ${v.out}: cannot write (${fileErrorText(err)})`);
    }
    out(
      v.json
        ? jsonText({ reference: v.reference, out: v.out, configHash: hash, ...r })
        : formatCalibration(v.reference, v.out, hash, r),
    );
    return 0;
  },
});
