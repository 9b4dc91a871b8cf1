import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { agreement, cohensKappa, kappaIntervals, xorshift32, type LabelRow } from "../../lib/index.js";

const L = ["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"] as const;
function row(
  id: string,
  i: number,
  label: (typeof L)[number] | null,
  role: LabelRow["role"] = label === null ? "other" : label.endsWith("SEARCH") ? "search" : "page",
): LabelRow {
  return {
    source: { file: "f.jsonl", line: 1 },
    trajectoryId: id,
    callIndex: i,
    tool: "t",
    role,
    label,
    utility: null,
  };
}

describe("Cohen's kappa", () => {
  it("matches a hand-computed example", () => {
    // 50 items: a/b agree 20 (yes,yes) + 15 (no,no); 5 (yes,no), 10 (no,yes)
    const pairs: Array<[string, string]> = [
      ...Array(20).fill(["y", "y"]),
      ...Array(15).fill(["n", "n"]),
      ...Array(5).fill(["y", "n"]),
      ...Array(10).fill(["n", "y"]),
    ];
    const k = cohensKappa(pairs);
    // p_o = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.4
    expect(k.accuracy).toBeCloseTo(0.7, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
  });

  it("is 1 for identical labels, symmetric, and ≤ 1", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...L), fc.constantFrom(...L)), { minLength: 1, maxLength: 60 }),
        (ps) => {
          const k = cohensKappa(ps);
          const r = cohensKappa(ps.map(([a, b]) => [b, a] as const));
          expect(k.kappa).toBeCloseTo(r.kappa, 12);
          expect(k.kappa).toBeLessThanOrEqual(1 + 1e-12);
          expect(cohensKappa(ps.map(([a]) => [a, a] as const)).kappa).toBe(1);
        },
      ),
    );
  });
});

describe("agreement between label sets", () => {
  it("joins on trajectory id + call index, counts unmatched rows, builds the confusion matrix and lists disagreements", () => {
    const a = [
      row("t1", 0, "UNIQUESEARCH"),
      row("t1", 1, "REDUNDANTSEARCH"),
      row("t1", 2, "EXPLORATION"),
      row("t2", 0, "VERIFICATION"),
      row("t3", 0, null),
    ];
    const b = [
      row("t1", 0, "UNIQUESEARCH"),
      row("t1", 1, "UNIQUESEARCH"),
      row("t1", 2, "EXPLORATION"),
      row("t2", 0, "REDUNDANTQUERY"),
      row("t9", 0, "EXPLORATION"),
    ];
    const g = agreement(a, b);
    expect([g.matched, g.onlyA, g.onlyB]).toEqual([4, 1, 1]);
    expect(g.labels).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"]);
    expect(g.matrix).toEqual([
      [1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0],
    ]);
    expect(g.disagreements.map((d) => [d.trajectoryId, d.callIndex, d.a, d.b])).toEqual([
      ["t1", 1, "REDUNDANTSEARCH", "UNIQUESEARCH"],
      ["t2", 0, "VERIFICATION", "REDUNDANTQUERY"],
    ]);
    expect(g.byRole.search!.n).toBe(2);
    expect(g.byRole.page!.n).toBe(2);
  });

  it("uses the file to tell apart an id that occurs in several files", () => {
    const a = [
      { ...row("same", 0, "UNIQUESEARCH"), source: { file: "a/1.jsonl", line: 1 } },
      { ...row("same", 0, "REDUNDANTSEARCH"), source: { file: "b/2.jsonl", line: 1 } },
    ];
    const b = [
      { ...row("same", 0, "REDUNDANTSEARCH"), source: { file: "/abs/b/2.jsonl", line: 1 } },
      { ...row("same", 0, "UNIQUESEARCH"), source: { file: "/abs/a/1.jsonl", line: 1 } },
    ];
    const g = agreement(a, b);
    expect(g.matched).toBe(2);
    expect(g.overall.kappa).toBe(1);
  });
});

describe("agreement joins calls across files", () => {
  it("matches a set covering one file against a set covering several files with the same trajectory ids", () => {
    const at = (file: string, id: string, i: number, label: (typeof L)[number]): LabelRow => ({
      ...row(id, i, label),
      source: { file, line: 1 },
    });
    // A: the same question id in two eval files (two models); B: only the first file, from another directory
    const a = [
      at("evals/model-a.jsonl", "q1", 0, "UNIQUESEARCH"),
      at("evals/model-a.jsonl", "q1", 1, "EXPLORATION"),
      at("evals/model-b.jsonl", "q1", 0, "REDUNDANTSEARCH"),
    ];
    const b = [
      at("/abs/evals/model-a.jsonl", "q1", 0, "UNIQUESEARCH"),
      at("/abs/evals/model-a.jsonl", "q1", 1, "VERIFICATION"),
    ];
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const g = agreement(x, y);
      expect(g.matched).toBe(2);
      expect(g.onlyA + g.onlyB).toBe(1);
      expect(g.overall.agree).toBe(1);
    }
  });
});

describe("bootstrap intervals of κ", () => {
  const pairsOf = fc.array(
    fc.record({
      cluster: fc.constantFrom("t1", "t2", "t3", "t4", "t5", "t6"),
      a: fc.constantFrom(...L),
      b: fc.constantFrom(...L),
    }),
    { minLength: 1, maxLength: 50 },
  );

  it("equal a naive resampling of trajectories with the same draws (xorshift32), percentiles by type-7 quantile", () => {
    fc.assert(
      fc.property(pairsOf, fc.integer({ min: 0, max: 1000 }), (pairs, seed) => {
        const samples = 60;
        const got = kappaIntervals([pairs], { samples, seed }).kappa[0]!;
        // naive: draw the sorted clusters with replacement, gather their pairs, cohensKappa
        const clusters = [...new Set(pairs.map((p) => p.cluster))].sort();
        const rand = xorshift32(seed);
        const ks: number[] = [];
        for (let s = 0; s < samples; s++) {
          const drawn: Array<[string, string]> = [];
          for (let i = 0; i < clusters.length; i++) {
            const c = clusters[Math.min(clusters.length - 1, Math.floor(rand() * clusters.length))]!;
            for (const p of pairs) if (p.cluster === c) drawn.push([p.a, p.b]);
          }
          ks.push(cohensKappa(drawn).kappa);
        }
        ks.sort((x, y) => x - y);
        const q = (p: number) => {
          const h = (ks.length - 1) * p;
          const i = Math.floor(h);
          return ks[i]! + (h - i) * (ks[Math.min(i + 1, ks.length - 1)]! - ks[i]!);
        };
        expect(got.lo).toBeCloseTo(q(0.025), 9);
        expect(got.hi).toBeCloseTo(q(0.975), 9);
      }),
      { numRuns: 40 },
    );
  });

  it("are seeded, bracket κ of a large set, pair differences, and are off with samples 0", () => {
    const a = Array.from({ length: 400 }, (_, i) =>
      row(`t${i % 80}`, Math.floor(i / 80), i % 3 ? "UNIQUESEARCH" : "REDUNDANTSEARCH"),
    );
    const b = a.map((r, i) =>
      i % 7 === 0
        ? { ...r, label: r.label === "UNIQUESEARCH" ? ("REDUNDANTSEARCH" as const) : ("UNIQUESEARCH" as const) }
        : r,
    );
    const g = agreement(a, b);
    expect(g.bootstrap).toEqual({ samples: 1000, seed: 1, level: 0.95, unit: "trajectory" });
    expect(g.overall.lo!).toBeLessThan(g.overall.kappa);
    expect(g.overall.hi!).toBeGreaterThan(g.overall.kappa);
    expect(g.byRole.search!.lo).toBe(g.overall.lo);
    expect(agreement(a, b)).toEqual(g);
    const other = agreement(a, b, { bootstrap: { seed: 2 } });
    expect(other.overall.kappa).toBe(g.overall.kappa);
    expect(other.overall.lo).not.toBe(g.overall.lo);
    const none = agreement(a, b, { bootstrap: { samples: 0 } });
    expect(none.overall.lo).toBeUndefined();
    // a difference of κ over the same calls: paired, so identical sets give exactly [0, 0]
    const pairs = a.map((r, i) => ({ cluster: r.trajectoryId, a: r.label!, b: b[i]!.label! }));
    const iv = kappaIntervals([pairs, pairs], { samples: 200 }, [[1, 0]]);
    expect(iv.differences[0]).toEqual({ lo: 0, hi: 0 });
    expect(() => agreement(a, b, { bootstrap: { level: 1 } })).toThrow(/level/);
  });
});
