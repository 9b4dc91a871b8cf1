/**
 * The deterministic labeller against labels we trust: the generator's labels by construction
 * (bar: κ ≥ 0.9) and 158 hand-labelled real calls (reported; guarded at the measured level).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  agreement,
  cohensKappa,
  generateTraces,
  HeuristicLabeller,
  loadTrajectories,
  readLabelSet,
  runLabeller,
} from "../../lib/index.js";
import { describeShared, ROOT, shared, tmpDir } from "../helpers.js";
import { join } from "node:path";

describe("agreement with the generator's labels by construction", () => {
  it("κ ≥ 0.9 overall and per role on the bundled generated traces", async () => {
    const dir = join(ROOT, "traces", "generated");
    const { trajectories } = await loadTrajectories([dir]);
    const run = await runLabeller(new HeuristicLabeller(), trajectories);
    const g = agreement((await readLabelSet(dir)).rows, run.rows);
    expect(g.onlyA + g.onlyB).toBe(0);
    expect(g.matched).toBeGreaterThan(1000);
    expect(g.overall.kappa).toBeGreaterThanOrEqual(0.9);
    expect(g.byRole.search!.kappa).toBeGreaterThanOrEqual(0.9);
    expect(g.byRole.page!.kappa).toBeGreaterThanOrEqual(0.9);
  });

  it("κ ≥ 0.9 for any seed and knob setting (B_v matched between generator and labeller)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 0, max: 1e6 }),
          breadth: fc.double({ min: 0.5, max: 4, noNaN: true }),
          redundancy: fc.double({ min: 0, max: 0.8, noNaN: true }),
          verification: fc.double({ min: 0, max: 3, noNaN: true }),
          verifyBudget: fc.integer({ min: 0, max: 3 }),
          parallel: fc.double({ min: 0, max: 1, noNaN: true }),
          failureRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
        }),
        async (k) => {
          const dir = tmpDir("kappa-");
          await generateTraces(dir, { ...k, prompts: 40 });
          const { trajectories } = await loadTrajectories([dir]);
          const run = await runLabeller(new HeuristicLabeller({ verifyBudget: k.verifyBudget }), trajectories);
          const g = agreement((await readLabelSet(dir)).rows, run.rows);
          expect(g.matched).toBe(run.rows.length);
          if (g.matched > 20) expect(g.overall.kappa).toBeGreaterThanOrEqual(0.9);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describeShared("agreement with hand labels of real calls", () => {
  it("is reported per role, on calls and on the items of batched calls", async () => {
    const hand = (await readLabelSet(join(ROOT, "tests", "fixtures", "hand-labels", "hand-labels.jsonl"))).rows;
    expect(hand).toHaveLength(158);
    const files = [...new Set(hand.map((r) => r.source.file))].map(shared);
    const { trajectories } = await loadTrajectories(files);
    const run = await runLabeller(new HeuristicLabeller(), trajectories);
    const g = agreement(hand, run.rows);
    expect(g.matched).toBe(158);
    const mine = new Map(run.rows.map((r) => [`${r.trajectoryId}/${r.callIndex}`, r]));
    const items: Record<"search" | "page", Array<[string, string]>> = { search: [], page: [] };
    for (const h of hand) {
      const m = mine.get(`${h.trajectoryId}/${h.callIndex}`)!;
      const hi = h.items ?? [{ target: "", label: h.label!, evidence: "" }];
      const mi = m.items ?? [{ target: "", label: m.label!, evidence: "" }];
      hi.forEach((x, k) => items[h.role as "search" | "page"].push([x.label, mi[k]?.label ?? "none"]));
    }
    const report = {
      calls: { overall: g.overall, search: g.byRole.search, page: g.byRole.page },
      items: { search: cohensKappa(items.search), page: cohensKappa(items.page) },
    };
    console.log("hand-label agreement", JSON.stringify(report));
    // guards at the level measured when the fixture was made (see the issue note); a drop fails
    expect(g.overall.kappa).toBeGreaterThanOrEqual(0.8);
    expect(g.byRole.search!.kappa).toBeGreaterThanOrEqual(0.65);
    expect(g.byRole.page!.accuracy).toBe(1);
    expect(report.items.page.kappa).toBeGreaterThanOrEqual(0.7);
    expect(report.items.search.kappa).toBeGreaterThanOrEqual(0.4);
  });

  it("the fixture keeps keys, labels and our reasoning only: no query or URL of the calls it labels", async () => {
    const hand = (await readLabelSet(join(ROOT, "tests", "fixtures", "hand-labels", "hand-labels.jsonl"))).rows;
    const files = [...new Set(hand.map((r) => r.source.file))].map(shared);
    const { trajectories } = await loadTrajectories(files);
    const byKey = new Map(trajectories.flatMap((t) => t.calls.map((c, k) => [`${t.id}/${k}`, c] as const)));
    let checked = 0;
    const quoted: string[] = [];
    for (const h of hand) {
      const call = byKey.get(`${h.trajectoryId}/${h.callIndex}`);
      expect(call, `${h.trajectoryId}/${h.callIndex}`).toBeDefined();
      const text = JSON.stringify(h);
      for (const s of [...call!.queries, ...call!.urls].filter((x) => x.length >= 12)) {
        checked++;
        if (text.includes(s)) quoted.push(`${h.source.file}:${h.source.line} call ${h.callIndex} quotes "${s}"`);
      }
      if (h.items)
        expect(h.items.map((x) => x.target)).toEqual(
          h.items.map((_, k) => `${h.role === "search" ? "query" : "url"} ${k + 1}`),
        );
    }
    expect(quoted).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  });
});
