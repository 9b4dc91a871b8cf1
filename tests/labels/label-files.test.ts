/** labelFiles: one entry point for labelling files, whichever path (in process, threads, LLM) it takes. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  generateTraces,
  labelFiles,
  loadTrajectories,
  OptionsError,
  runLabeller,
  HeuristicLabeller,
  StrictModeError,
} from "../../lib/index.js";
import { ROOT, tmpDir, tmpFile } from "../helpers.js";

// worker threads run built code: the thread path is exercised through dist/ (built by npm test's setup)
const built: typeof import("../../lib/index.js") = await import(join(ROOT, "dist", "index.js"));

describe("labelFiles", () => {
  it("labels files into a label set, byte-identical in process and on worker threads, equal to runLabeller", async () => {
    const src = tmpDir();
    const files = await generateTraces(src, { seed: 5, prompts: 6, groupSize: 2 }, "eval");
    const paths = files.map((f) => f.path);
    const one = await labelFiles(paths, { out: join(tmpDir(), "one"), heuristic: { verifyBudget: 2 } });
    const two = await built.labelFiles(paths, { out: join(tmpDir(), "two"), heuristic: { verifyBudget: 2 }, jobs: 2 });
    const a = readFileSync(join(one.out, "labels.jsonl"), "utf8");
    expect(readFileSync(join(two.out, "labels.jsonl"), "utf8")).toBe(a);
    expect(one.manifest).toEqual(two.manifest);
    expect(one.usage).toBeNull();
    const { trajectories } = await loadTrajectories(paths);
    const { rows } = await runLabeller(new HeuristicLabeller({ verifyBudget: 2 }), trajectories);
    expect(
      a
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual(JSON.parse(JSON.stringify(rows)));
    expect(one.manifest.trajectories).toBe(12);
    expect([one.report.trajectories, one.report.toolCalls]).toEqual([12, one.manifest.calls]);
    expect([two.report.trajectories, two.report.toolCalls]).toEqual([12, one.manifest.calls]);
  });

  it("checks its options where they enter, and stops at a bad record in strict mode", async () => {
    const f = tmpFile("bad.jsonl", "{oops\n");
    await expect(labelFiles([f], { out: tmpDir(), labeller: "llm" })).rejects.toThrow(
      new OptionsError("labelFiles options: llm labeller llm needs llm options (endpoints and model)"),
    );
    await expect(labelFiles([f], { out: tmpDir(), jobs: 0 })).rejects.toThrow("labelFiles options: jobs must be ≥ 1");
    await expect(labelFiles([f], { out: tmpDir(), load: { strict: true, format: "fathom" } })).rejects.toBeInstanceOf(
      StrictModeError,
    );
  });
});
