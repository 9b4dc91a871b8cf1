/**
 * The loop closed: rollouts scored by the exported module inside "verl" (compute_score_batch,
 * its returned keys written as dump columns as verl's _dump_generations does) read back with
 * their labels taken from the dump, no relabelling; dumpSpecs names the spec and labeller;
 * Fig. 6 draws from the dump's labels; disagreements with a fresh relabelling are per call.
 */
import { HEURISTIC_VERSION } from "../../lib/index.js";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  compactLabels,
  dumpLabelMismatches,
  dumpSpecs,
  exportVerl,
  fig6Points,
  formatMismatch,
  generateTraces,
  HeuristicLabeller,
  labelsFromDump,
  loadTrajectories,
  parseCompactLabels,
  rewardConfig,
  runLabeller,
  trajectoryRows,
  type BehaviourLabel,
} from "../../lib/index.js";
import { tmpDir } from "../helpers.js";
import { hasPython, jsonl, runPython } from "./python-reward.js";

const PY = hasPython();
if (!PY) console.log("dump-round-trip: skipped, python3 >= 3.9 is not on PATH");

const LABELS: Array<BehaviourLabel | null> = [
  "UNIQUESEARCH",
  "REDUNDANTSEARCH",
  "EXPLORATION",
  "VERIFICATION",
  "REDUNDANTQUERY",
  null,
];

describe("compact labels column", () => {
  it("round-trips any label sequence and names an unknown letter", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LABELS), { maxLength: 60 }), (ls) => {
        expect(parseCompactLabels(compactLabels(ls))).toEqual(ls);
      }),
      { seed: 7 },
    );
    expect(() => parseCompactLabels("UEX")).toThrow(/letter 3 is "X"/);
  });
});

/** What verl does with the module's results: the returned keys become dump columns. */
async function trainStep(dir: string, files: string[], kwargs: Record<string, unknown> = {}): Promise<void> {
  for (const f of files) {
    const rows = jsonl(f);
    const out = runPython(
      dir,
      rows.map((r) => ({ solution: String(r.output), gt: r.gts, extra_info: {}, kwargs })),
      "batch",
    );
    writeFileSync(
      f,
      rows
        .map((r, i) => JSON.stringify({ input: r.input, output: r.output, gts: r.gts, step: r.step, ...out[i] }))
        .join("\n") + "\n",
    );
  }
}

describe.skipIf(!PY)("verl dump round trip", () => {
  it("reads the dump's labels back (no relabelling), names the spec, and draws Fig. 6 from them", async () => {
    const dir = tmpDir("roundtrip-");
    const e = await exportVerl(rewardConfig({ c1: 0.25 }), dir);
    const files = (
      await generateTraces(tmpDir("gen-"), { format: "verl", seed: 21, prompts: 8, steps: 3, labels: false })
    ).map((f) => f.path);
    await trainStep(dir, files);
    const { trajectories } = await loadTrajectories(files, { format: "verl" });
    const dump = labelsFromDump(trajectories);
    expect(dump.problems).toEqual([]);
    expect(dump.labellers).toEqual({ [`heuristic@${HEURISTIC_VERSION}`]: trajectories.length });
    expect(dump.rows).toHaveLength(trajectories.reduce((n, t) => n + t.calls.length, 0));
    expect(new Set(dump.rows.map((r) => `${r.labeller}@${r.version}`))).toEqual(
      new Set([`heuristic@${HEURISTIC_VERSION}`]),
    );
    expect(dumpSpecs(trajectories)).toEqual([
      { spec: e.hash, rows: trajectories.length, steps: [1, 2, 3], labellers: [`heuristic@${HEURISTIC_VERSION}`] },
    ]);
    const fresh = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
    const cmp = dumpLabelMismatches(dump.rows, fresh);
    expect(cmp).toEqual({ calls: fresh.length, agree: fresh.length, mismatches: [] });
    const fromDump = fig6Points(trajectoryRows(trajectories, dump.rows));
    expect(fromDump).toEqual(fig6Points(trajectoryRows(trajectories, fresh)));
    expect(fromDump.map((p) => p.step)).toContain(3);
  }, 120_000);

  it("reports, call by call, where the dump's labels and a fresh relabelling disagree", async () => {
    const dir = tmpDir("roundtrip-");
    // the loop ran with a stricter similarity threshold than the notebook's labeller
    await exportVerl(rewardConfig({}), dir, {
      labeller: { name: "heuristic", options: { tokenThreshold: 0.95, charThreshold: 0.95, noveltyThreshold: 0 } },
    });
    const files = (
      await generateTraces(tmpDir("gen-"), {
        format: "verl",
        seed: 4,
        prompts: 8,
        steps: 1,
        // enough near-repeats (token Jaccard in [0.7, 0.95)) in this seed's rollouts for the stricter
        // thresholds to disagree with the defaults
        redundancy: 0.8,
        labels: false,
      })
    ).map((f) => f.path);
    await trainStep(dir, files);
    // and one dump row was damaged: a labels column that does not fit the calls read
    const rows = readFileSync(files[0]!, "utf8").trim().split("\n");
    const bad = JSON.parse(rows[0]!) as Record<string, unknown>;
    rows[0] = JSON.stringify({ ...bad, labels: `${String(bad.labels)}U` });
    writeFileSync(files[0]!, rows.join("\n") + "\n");
    const { trajectories } = await loadTrajectories(files, { format: "verl" });
    const dump = labelsFromDump(trajectories);
    expect(dump.problems).toEqual([
      {
        file: files[0],
        line: 1,
        trajectoryId: trajectories[0]!.id,
        reason: expect.stringMatching(/"labels" column has \d+ letters but \d+ tool calls were read/),
      },
    ]);
    expect(Object.keys(dump.labellers)).toEqual([
      expect.stringMatching(new RegExp(`^heuristic@${HEURISTIC_VERSION.replace(/\./g, "\\.")}#[0-9a-f]{16}$`)),
    ]);
    const fresh = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
    const cmp = dumpLabelMismatches(dump.rows, fresh);
    expect(cmp.mismatches.length).toBeGreaterThan(0);
    expect(cmp.calls).toBe(fresh.length - trajectories[0]!.calls.length);
    for (const m of cmp.mismatches) {
      // a stricter threshold only turns similar-query REDUNDANTSEARCH into UNIQUESEARCH
      expect([m.dump, m.fresh]).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH"]);
      expect(formatMismatch(m)).toMatch(
        new RegExp(`^.+:\\d+ call ${m.callIndex} \\(search_urls\\): dump UNIQUESEARCH, relabelled REDUNDANTSEARCH$`),
      );
    }
  }, 120_000);
});
