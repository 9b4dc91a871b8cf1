/**
 * A Python with DuckDB's PySpark API (`duckdb.experimental.spark`) for the Spark job's tests:
 * `.venv-spark` in the repository (git-ignored), created and filled from requirements-spark.txt
 * with pip's configured index the first time, reused after (a stamp records the requirements).
 * When pip cannot install the packages, the reason comes back to be printed as the skip line.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

const VENV = join(ROOT, ".venv-spark");
const REQUIREMENTS = join(ROOT, "requirements-spark.txt");
const STAMP = join(VENV, ".sounding-req-stamp");
const PROBE = "import duckdb.experimental.spark.sql as s, numpy; s.SparkSession.builder.getOrCreate()";

export type SparkPython = { python: string } | { skip: string };

export function sparkPython(): SparkPython {
  const python = join(VENV, "bin", "python");
  const req = readFileSync(REQUIREMENTS, "utf8");
  const ok = () => spawnSync(python, ["-c", PROBE], { encoding: "utf8" }).status === 0;
  if (existsSync(python) && existsSync(STAMP) && readFileSync(STAMP, "utf8") === req && ok()) return { python };
  if (!existsSync(python)) {
    const v = spawnSync("python3", ["-m", "venv", VENV], { encoding: "utf8" });
    if (v.status !== 0) return { skip: `python3 -m venv failed: ${(v.stderr || v.error?.message || "").trim()}` };
  }
  const pip = spawnSync(
    python,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--retries", "1", "-r", REQUIREMENTS],
    { encoding: "utf8", timeout: 600_000 },
  );
  if (!ok()) {
    const why = (pip.stderr || pip.error?.message || "").trim().split("\n").filter(Boolean).pop() ?? "";
    return { skip: `pip could not install ${req.trim().split("\n").join(", ")} into .venv-spark (${why})` };
  }
  writeFileSync(STAMP, req);
  return { python };
}
