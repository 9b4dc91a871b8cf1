/** `sounding export spark-job`: the PySpark job file (its results are tested in tests/corpus/spark-job.test.ts). */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rewardConfig, rewardSpecHash, sparkJobSource } from "../../lib/index.js";
import { cli, tmpDir, tmpFile } from "../helpers.js";

describe("export spark-job", () => {
  it("writes the job for the given settings, byte for byte the library's, and it parses its arguments", () => {
    const cfg = tmpFile("r.json", JSON.stringify({ c1: 0.3, Bv: 2 }));
    const dir = tmpDir();
    const job = join(dir, "sub", "job.py");
    const r = cli(["export", "spark-job", "--config", cfg, "--out", job]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const hash = rewardSpecHash(rewardConfig({ c1: 0.3, Bv: 2 }));
    expect(r.stdout).toContain(`spark-job@1 (reward spec ${hash}): ${job}`);
    const text = readFileSync(job, "utf8");
    expect(text).toBe(sparkJobSource(rewardConfig({ c1: 0.3, Bv: 2 })));
    expect(text).toContain(hash);
    expect(text).not.toMatch(/__[A-Z0-9_]+__/); // every placeholder filled
    // a second export is the same bytes
    const again = join(dir, "again.py");
    expect(cli(["export", "spark-job", "--config", cfg, "--out", again]).code).toBe(0);
    expect(readFileSync(again, "utf8")).toBe(text);
    // plain python3 (no Spark, no DuckDB) compiles it and answers --help
    const h = spawnSync("python3", [job, "--help"], { encoding: "utf8" });
    expect(h.status).toBe(0);
    expect(h.stdout).toContain("--corpus");
    expect(h.stdout).toContain("--raw");
    // a bad settings file is one line naming it, not a traceback
    const bad = tmpFile("s.json", JSON.stringify([{ c9: 1 }]));
    const b = spawnSync("python3", [job, "--corpus", dir, "--settings", bad, "--out", dir], { encoding: "utf8" });
    expect(b.status).not.toBe(0);
    expect(b.stderr.trim()).toBe(`${bad}: setting 0: unknown key(s) c9`);
  });

  it("without --config it says it uses the paper's settings", () => {
    const r = cli(["export", "spark-job", "--out", join(tmpDir(), "job.py")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no --config given: the job's sweep starts from the paper's default/);
  });

  it.each([
    [["export", "spark-job"], /^sounding: export spark-job needs --out FILE/],
    [["export", "spark-job", "--out", "x.py", "--labeller", "llm"], /deterministic labeller/],
    [["export", "spark-job", "--out", "x.py", "--judge-cache", "d"], /--judge-cache is an option of export verl/],
    [["export", "spark"], /two targets: verl, spark-job; got "spark"/],
  ])("%j is one clear line and exit 2", (args, message) => {
    const r = cli(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
