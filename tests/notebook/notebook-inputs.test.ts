/**
 * What a notebook loads: SOUNDING_TRACES / SOUNDING_LABELS / SOUNDING_CORPUS or the fallback, and
 * the first-output summary that says so; the hand-label inputs of notebook 02.
 */
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  envPaths,
  generateTraces,
  handLabelInputs,
  loadNotebookInputs,
  loadTrajectories,
  shapeNote,
} from "../../lib/index.js";
import { itShared, ROOT, tmpDir } from "../helpers.js";

async function generated() {
  const dir = tmpDir("inputs-");
  const [evalFile] = await generateTraces(join(dir, "eval"), { seed: 3, prompts: 12 }, "ev");
  const verl = await generateTraces(join(dir, "verl"), { format: "verl", seed: 4, prompts: 4, steps: 2 });
  return { dir, evalFile: evalFile!, verl };
}

describe("envPaths", () => {
  it("splits on commas, trims, drops blanks; unset or blank is null", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[^,]{0,12}$/), { maxLength: 6 }), (parts) => {
        const want = parts.map((p) => p.trim()).filter((p) => p.length > 0);
        expect(envPaths(parts.join(","))).toEqual(want.length ? want : null);
      }),
    );
    expect(envPaths(undefined)).toBeNull();
  });
});

describe("loadNotebookInputs", () => {
  it("reads SOUNDING_TRACES (relative to INIT_CWD) and says what it loaded", async () => {
    const g = await generated();
    const traces = [g.evalFile.path, join(g.dir, "verl")];
    const env = { SOUNDING_TRACES: traces.map((p) => relative(g.dir, p)).join(" , "), INIT_CWD: g.dir };
    const inputs = await loadNotebookInputs({ fallback: ["/nonexistent"], env });
    const { report } = await loadTrajectories(traces);
    expect(inputs.fromEnv).toBe(true);
    expect(inputs.traces).toEqual(traces);
    expect(inputs.trajectories).toHaveLength(report.trajectories);
    expect(inputs.labels).toHaveLength(report.toolCalls);
    const lines = inputs.summary.split("\n");
    expect(lines[0]).toBe(
      `loaded SOUNDING_TRACES: 3 files, ${report.trajectories} trajectories, ${report.toolCalls} tool calls (formats: fathom, verl)`,
    );
    expect(lines[1]).toBe(`  ${g.evalFile.path} (fathom): 12 trajectories, ${g.evalFile.calls} tool calls`);
    expect(inputs.summary).toContain("labels: labelled now with the deterministic labeller (heuristic v");
    expect(inputs.steps).toBe(2);
    expect(inputs.groups).toBe(8);
    expect(lines.at(-1)).toBe("GRPO groups: 8; training steps: 2 (12 rollouts without a group)");
    expect(inputs.corpus).toBeNull();
  });

  it("falls back to the given paths, and says eval data has no groups or steps", async () => {
    const g = await generated();
    const inputs = await loadNotebookInputs({ fallback: [g.evalFile.path], env: {} });
    expect(inputs.fromEnv).toBe(false);
    expect(inputs.summary).toMatch(
      /^loaded the bundled traces \(set SOUNDING_TRACES=a,b for your own\): 1 file, 12 trajectories/,
    );
    expect(inputs.groups + inputs.steps).toBe(0);
    expect(inputs.summary).toContain(
      "GRPO groups: none; training steps: none — these 12 rollouts carry no GRPO group ids or training steps (verl dumps have them)",
    );
  });

  it("uses SOUNDING_LABELS, re-keyed to the loaded files, and SOUNDING_CORPUS", async () => {
    const g = await generated();
    const env = {
      SOUNDING_TRACES: join(g.dir, "verl"),
      SOUNDING_LABELS: join(g.dir, "verl"),
      SOUNDING_CORPUS: join(g.dir, "c"),
    };
    const inputs = await loadNotebookInputs({ fallback: [], env });
    const calls = g.verl.reduce((n, f) => n + f.calls, 0);
    expect(inputs.labelSet).toBe(join(g.dir, "verl"));
    expect(inputs.labels).toHaveLength(calls);
    expect(inputs.labelSource).toBe(`label set ${join(g.dir, "verl")}: ${calls} calls of ${calls} label rows joined`);
    const files = new Set(inputs.trajectories.map((t) => t.provenance.source.file));
    expect(inputs.labels.every((l) => files.has(l.source.file))).toBe(true);
    expect(inputs.corpus).toBe(join(g.dir, "c"));
    expect(inputs.summary).toContain(`corpus: ${join(g.dir, "c")} (SOUNDING_CORPUS)`);
  });

  it("a label set that matches no call, or a missing path, is a one-line error", async () => {
    const g = await generated();
    const env = { SOUNDING_TRACES: g.evalFile.path, SOUNDING_LABELS: join(g.dir, "verl") };
    await expect(loadNotebookInputs({ fallback: [], env })).rejects.toThrow(
      /^SOUNDING_LABELS .*: no label row matches a loaded call \(joined on trajectory id \+ call index\); label set ids: .+; trace ids: .+$/,
    );
    await expect(
      loadNotebookInputs({ fallback: [], env: { SOUNDING_TRACES: join(g.dir, "nope.jsonl") } }),
    ).rejects.toThrow(`SOUNDING_TRACES: no such file or folder: ${join(g.dir, "nope.jsonl")}`);
    await expect(loadNotebookInputs({ fallback: [join(ROOT, "README.md")], env: {} })).rejects.toThrow(
      /^no trajectory could be read from /,
    );
  });
});

describe("shapeNote", () => {
  it("names what is missing, nothing when both are there", () => {
    expect(shapeNote({ groups: 0, steps: 0, n: 50 })).toBe(
      "these 50 rollouts carry no GRPO group ids or training steps (verl dumps have them)",
    );
    expect(shapeNote({ groups: 3, steps: 0, n: 1 })).toBe(
      "this rollout carries no training steps (verl dumps have them)",
    );
    expect(shapeNote({ groups: 0, steps: 4, n: 2000 })).toBe(
      "these 2,000 rollouts carry no GRPO group ids (verl dumps have them)",
    );
    expect(shapeNote({ groups: 3, steps: 2, n: 9 })).toBe("");
  });
});

describe("handLabelInputs", () => {
  it("says why when the shared data is not there", async () => {
    const h = await handLabelInputs(ROOT, join(tmpDir("nodata-"), "data"));
    expect(h.available).toBe(false);
    expect(h.why).toMatch(/the real trajectories they label are not at .*data/);
    expect(h.hand).toEqual([]);
  });

  itShared("finds the 158 hand-labelled real calls and their trajectories", async () => {
    const h = await handLabelInputs(ROOT);
    expect(h.available).toBe(true);
    expect(h.hand).toHaveLength(158);
    const ids = new Set(h.trajectories.map((t) => t.id));
    expect(h.hand.every((r) => ids.has(r.trajectoryId))).toBe(true);
  });
});
