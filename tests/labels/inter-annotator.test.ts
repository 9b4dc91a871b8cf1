/**
 * Inter-annotator agreement on the second hand-labelled set (verifiers frontier-model calls): annotator
 * A (`hand-labels.jsonl`), a blind second pass by annotator B (`annotator-b.jsonl`) and the adjudicated
 * set (`adjudicated.jsonl`). The three files must label exactly the search and page calls the reader
 * finds in the two source files, keep to keys and reasoning (no query or URL of the call), and the
 * adjudicated label of each call must be one the annotators gave. κ per role with rollout-bootstrap
 * intervals is printed (README of the fixture folder).
 */
import { expect, it } from "vitest";
import { basename, join } from "node:path";
import { agreement, loadTrajectories, readLabelSet, type LabelRow, type ToolCall } from "../../lib/index.js";
import { describeShared, ROOT, shared } from "../helpers.js";

const DIR = join(ROOT, "tests", "fixtures", "hand-labels-verifiers");
const FILES = ["verifiers/browsecomp__gpt-5__results.jsonl", "verifiers/hle__gpt-5-mini__results.jsonl"];
const SETS = ["hand-labels", "annotator-b", "adjudicated"] as const;
const BOOTSTRAP = { samples: 2000, seed: 1 };

const key = (file: string, id: string, k: number) => `${basename(file)}/${id}/${k}`;

async function readSets(): Promise<Record<(typeof SETS)[number], LabelRow[]>> {
  const out = {} as Record<(typeof SETS)[number], LabelRow[]>;
  for (const s of SETS) out[s] = (await readLabelSet(join(DIR, `${s}.jsonl`))).rows;
  return out;
}

describeShared("inter-annotator agreement on the verifiers hand labels", () => {
  it("the three label files hold exactly the search and page calls the reader finds, and quote none of them", async () => {
    const sets = await readSets();
    const { trajectories } = await loadTrajectories(FILES.map(shared));
    const calls = new Map<string, ToolCall>();
    for (const t of trajectories)
      for (const c of t.calls)
        if (c.role === "search" || c.role === "page") calls.set(key(t.provenance.source.file, t.id, c.index), c);
    expect(calls.size).toBeGreaterThan(200);
    for (const s of SETS) {
      const rows = sets[s];
      const keys = rows.map((r) => key(r.source.file, r.trajectoryId, r.callIndex));
      expect(new Set(keys).size, `${s}: a call labelled twice`).toBe(rows.length);
      expect([...keys].sort(), `${s}: keys`).toEqual([...calls.keys()].sort());
      const quoted: string[] = [];
      rows.forEach((r, i) => {
        const c = calls.get(keys[i]!)!;
        expect([r.role, r.tool, r.labeller], `${s} ${keys[i]}`).toEqual([c.role, c.name, "hand"]);
        expect(FILES).toContain(r.source.file);
        expect(r.evidence?.length ?? 0, `${s} ${keys[i]}: reasoning`).toBeGreaterThan(10);
        const text = JSON.stringify(r);
        for (const q of [...c.queries, ...c.urls].filter((x) => x.length >= 12))
          if (text.includes(q)) quoted.push(`${s} ${keys[i]} quotes its call`);
      });
      expect(quoted, s).toEqual([]);
    }
  });

  it("the adjudicated label is one an annotator gave, changes from A say so, and κ per role is printed", async () => {
    const sets = await readSets();
    const by = (rows: LabelRow[]) => new Map(rows.map((r) => [key(r.source.file, r.trajectoryId, r.callIndex), r]));
    const a = by(sets["hand-labels"]);
    const b = by(sets["annotator-b"]);
    let changedFromA = 0;
    for (const [k, r] of by(sets.adjudicated)) {
      const la = a.get(k)!.label;
      const lb = b.get(k)!.label;
      expect([la, lb], k).toContain(r.label);
      if (r.label !== la) {
        changedFromA++;
        expect(r.evidence, k).toMatch(/^adjudicated: /);
      } else expect(r.evidence?.startsWith("adjudicated:"), k).toBe(false);
    }
    const ab = agreement(sets["hand-labels"], sets["annotator-b"], { bootstrap: BOOTSTRAP });
    const show = (g: typeof ab) => {
      const f = (k: (typeof ab)["overall"] | undefined) =>
        k && { kappa: +k.kappa.toFixed(3), lo: +(k.lo ?? NaN).toFixed(3), hi: +(k.hi ?? NaN).toFixed(3), n: k.n };
      return { overall: f(g.overall), search: f(g.byRole.search), page: f(g.byRole.page) };
    };
    expect([ab.matched, ab.onlyA, ab.onlyB, ab.roleMismatches]).toEqual([a.size, 0, 0, 0]);
    for (const k of [ab.overall, ab.byRole.search!, ab.byRole.page!]) {
      expect(k.lo!).toBeLessThanOrEqual(k.kappa + 1e-12);
      expect(k.hi!).toBeGreaterThanOrEqual(k.kappa - 1e-12);
    }
    // the interval is seeded: the same call gives the same numbers
    expect(agreement(sets["hand-labels"], sets["annotator-b"], { bootstrap: BOOTSTRAP }).byRole).toEqual(ab.byRole);
    const byFile = Object.fromEntries(
      FILES.map((f) => [
        basename(f),
        show(
          agreement(
            sets["hand-labels"].filter((r) => r.source.file === f),
            sets["annotator-b"].filter((r) => r.source.file === f),
            { bootstrap: BOOTSTRAP },
          ),
        ),
      ]),
    );
    const adjA = agreement(sets["hand-labels"], sets.adjudicated, { bootstrap: BOOTSTRAP });
    const adjB = agreement(sets["annotator-b"], sets.adjudicated, { bootstrap: BOOTSTRAP });
    expect(changedFromA).toBe(adjA.disagreements.length);
    expect(adjA.disagreements.length + adjB.disagreements.length).toBe(ab.disagreements.length);
    console.log(
      "verifiers inter-annotator agreement (A × B)",
      JSON.stringify({ ...show(ab), byFile, disagreements: ab.disagreements.length, changedFromA }),
    );
    console.log("A × adjudicated", JSON.stringify(show(adjA)), "B × adjudicated", JSON.stringify(show(adjB)));
    for (const d of ab.disagreements)
      console.log(`annotators disagree ${basename(d.source.file)} ${d.trajectoryId}/${d.callIndex} A=${d.a} B=${d.b}`);
  });
});
