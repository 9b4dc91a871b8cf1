/**
 * Generated traces read back exactly: for any seed and knob setting, every planned call
 * (tool, query / URL / goal, batching into turns, failure flag), the true label of each call
 * (the sidecar label set, joined on trajectory id + call index), the answer and the verdict
 * come back from the files through the public readers.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  generateTraces,
  simulateBatch,
  loadTrajectories,
  LabelRowSchema,
  type GenerateOptions,
  type Rollout,
  type Trajectory,
} from "../../lib/index.js";
import { tmpDir } from "../helpers.js";

const knobs = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  prompts: fc.integer({ min: 1, max: 6 }),
  groupSize: fc.integer({ min: 1, max: 4 }),
  breadth: fc.double({ min: 0, max: 4, noNaN: true }),
  redundancy: fc.double({ min: 0, max: 1, noNaN: true }),
  verification: fc.double({ min: 0, max: 3, noNaN: true }),
  verifyBudget: fc.integer({ min: 0, max: 3 }),
  horizon: fc.integer({ min: 0, max: 40 }),
  accuracy: fc.double({ min: 0, max: 1, noNaN: true }),
  parallel: fc.double({ min: 0, max: 1, noNaN: true }),
  failureRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  truncationRate: fc.double({ min: 0, max: 1, noNaN: true }),
});

function plannedCalls(r: Rollout) {
  return r.turns.flatMap((t, step) =>
    t.calls.map((c) => ({
      step,
      name: c.name,
      queries: "query" in c.arguments ? [c.arguments.query] : [],
      urls: "url" in c.arguments ? [c.arguments.url] : [],
      goal: "goal" in c.arguments ? c.arguments.goal : null,
      error: c.failed,
    })),
  );
}

function readCalls(t: Trajectory) {
  return t.calls.map((c) => ({
    step: c.step,
    name: c.name,
    queries: c.queries,
    urls: c.urls,
    goal: c.goal,
    error: c.error,
  }));
}

async function check(opts: GenerateOptions): Promise<void> {
  const dir = tmpDir("gen-");
  const files = await generateTraces(dir, opts);
  const plan: Rollout[] =
    opts.format === "verl"
      ? files.flatMap((_, i) =>
          simulateBatch(opts, i + 1, {
            breadth: (opts.breadth ?? 1.5) * (1 + ((opts.steps ?? 3) > 1 ? (0.5 * i) / ((opts.steps ?? 3) - 1) : 0)),
          }),
        )
      : simulateBatch(opts);
  const { trajectories, report } = await loadTrajectories(files.map((f) => f.path));
  expect(report.issues.filter((i) => i.severity === "error")).toEqual([]);
  expect(trajectories).toHaveLength(plan.length);
  const labels = files.flatMap((f) =>
    readFileSync(f.labelsPath!, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => LabelRowSchema.parse(JSON.parse(l))),
  );
  const byKey = new Map(labels.map((l) => [`${l.source.file}\u0000${l.trajectoryId}\u0000${l.callIndex}`, l]));
  expect(byKey.size).toBe(labels.length);
  trajectories.forEach((t, i) => {
    const r = plan[i]!;
    expect(readCalls(t)).toEqual(plannedCalls(r));
    expect(t.question).toBe(opts.format === "verl" ? r.question.question.trim() : r.question.question);
    expect(t.finalAnswer).toBe(r.answer);
    expect(t.truncated).toBe(r.truncated);
    expect(t.verdict).toBe(r.correct ? "correct" : "incorrect");
    expect(t.goldAnswers).toEqual([r.question.answer]);
    const planned = r.turns.flatMap((x) => x.calls.map((c) => c.label));
    const got = t.calls.map((c) => byKey.get(`${t.provenance.source.file}\u0000${t.id}\u0000${c.index}`)?.label);
    expect(got).toEqual(planned);
  });
  expect(labels).toHaveLength(trajectories.reduce((n, t) => n + t.calls.length, 0));
}

describe("generator round trip", () => {
  it("Fathom eval rows read back exactly, labels by construction included", async () => {
    await fc.assert(
      fc.asyncProperty(knobs, (k) => check({ ...k, format: "fathom" })),
      { numRuns: 25 },
    );
  });

  it("verl dumps read back exactly, per step, groups intact", async () => {
    await fc.assert(
      fc.asyncProperty(knobs, fc.integer({ min: 1, max: 3 }), async (k, steps) => {
        await check({ ...k, format: "verl", steps, drift: 0.5 });
      }),
      { numRuns: 12 },
    );
  });

  it("the same seed writes the same bytes; another seed does not", async () => {
    const a = await generateTraces(tmpDir(), { seed: 5, prompts: 5 });
    const b = await generateTraces(tmpDir(), { seed: 5, prompts: 5 });
    const c = await generateTraces(tmpDir(), { seed: 6, prompts: 5 });
    expect(readFileSync(a[0]!.path).equals(readFileSync(b[0]!.path))).toBe(true);
    expect(readFileSync(a[0]!.path).equals(readFileSync(c[0]!.path))).toBe(false);
  });

  it("knobs move what they name: breadth, redundancy, verification, horizon, accuracy", () => {
    const count = (o: GenerateOptions, label: string) =>
      simulateBatch({ seed: 3, prompts: 60, ...o }).reduce(
        (n, r) => n + r.turns.flatMap((t) => t.calls).filter((c) => c.label === label).length,
        0,
      );
    expect(count({ breadth: 4 }, "UNIQUESEARCH")).toBeGreaterThan(1.5 * count({ breadth: 1 }, "UNIQUESEARCH"));
    expect(count({ redundancy: 0 }, "REDUNDANTSEARCH")).toBe(0);
    expect(count({ redundancy: 0.8 }, "REDUNDANTSEARCH")).toBeGreaterThan(20);
    expect(count({ verification: 0 }, "VERIFICATION")).toBe(0);
    expect(count({ verification: 3, verifyBudget: 1, redundancy: 0 }, "REDUNDANTQUERY")).toBeGreaterThan(0);
    const maxCalls = Math.max(
      ...simulateBatch({ seed: 3, prompts: 60, horizon: 4, breadth: 4 }).map(
        (r) => r.turns.flatMap((t) => t.calls).length,
      ),
    );
    expect(maxCalls).toBe(4);
    const acc =
      simulateBatch({ seed: 3, prompts: 200, accuracy: 0.8, truncationRate: 0 }).filter((r) => r.correct).length / 200;
    expect(acc).toBeGreaterThan(0.7);
    expect(acc).toBeLessThan(0.9);
  });
});
