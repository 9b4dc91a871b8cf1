/**
 * The cluster path: a PySpark job (one Python file) that computes the per-group metrics
 * (`corpusAggregate`) and a reward sweep (`corpusSweep`) over a corpus's Parquet files, or over raw
 * verl rollout rows that it labels where they live, with the Python labeller of `exportVerl` as the
 * user-defined function. The file is the exported reward module (lib/reward/python/NN-*.py, the
 * labeller, tallies and Eq. 4 / Eq. 8) followed by the job (lib/reward/python/spark-job.py), with the
 * metric tables' defaults filled in from their one definition. It uses only the part of the PySpark
 * API that DuckDB's `duckdb.experimental.spark` implements, so the same file runs on Spark and on one
 * machine; tests/corpus/spark-job.test.ts runs it through DuckDB and compares with sounding's rows.
 * docs/corpus.md, "On a cluster", shows how to run it.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DEFAULT_VERDICT_THRESHOLD } from "../formats/record-fields.js";
import { EQ7_DEFAULTS } from "../metrics/rho-delta.js";
import type { RewardConfig } from "../reward/reward-config.js";
import { exportedPython, exportSpec, pythonPartsDir, type ExportOptions } from "../reward/export-verl.js";
import { CORPUS_GROUP_KEYS } from "./corpus-metrics.js";

/** Version of the job's outputs (metrics.jsonl, sweep.jsonl); bumped when a column changes. */
export const SPARK_JOB_VERSION = "spark-job@1";

/** The job's source: the exported reward module for `cfg` (the sweep's base setting) and the job. */
export function sparkJobSource(cfg: RewardConfig, opts: ExportOptions = {}): string {
  const module = exportedPython(exportSpec(cfg, opts));
  const lit = (v: unknown) => JSON.stringify(JSON.stringify(v));
  const fill: Record<string, string> = {
    __SPARK_JOB_VERSION__: SPARK_JOB_VERSION,
    __EQ7_DEFAULTS__: lit(EQ7_DEFAULTS),
    __VERDICT_THRESHOLD__: String(DEFAULT_VERDICT_THRESHOLD),
    __GROUP_KEYS__: lit(CORPUS_GROUP_KEYS),
  };
  const job = readFileSync(join(pythonPartsDir(), "spark-job.py"), "utf8").replace(
    /__[A-Z0-9_]+__/g,
    (m) => fill[m] ?? m,
  );
  return `${module}\n\n${job}`;
}

/** Write the job to `outFile` (its directory is created). */
export async function exportSparkJob(
  cfg: RewardConfig,
  outFile: string,
  opts: ExportOptions = {},
): Promise<{ path: string; version: string }> {
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, sparkJobSource(cfg, opts));
  return { path: outFile, version: SPARK_JOB_VERSION };
}
