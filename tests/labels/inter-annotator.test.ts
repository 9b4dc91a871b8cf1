/**
 * Inter-annotator agreement on both hand-labelled sets (`tests/fixtures/hand-labels`, small open models;
 * `tests/fixtures/hand-labels-verifiers`, frontier models): annotator A (`hand-labels.jsonl`), a blind
 * second pass by annotator B (`annotator-b.jsonl`) and the adjudicated set (`adjudicated.jsonl`). The
 * three files of each set must label exactly the search and page calls the reader finds in the
 * rollouts the set's README names, keep to keys and reasoning (no query or URL of the call), and the
 * adjudicated label of each call must be one the annotators gave. κ per role with rollout-bootstrap
 * intervals is printed (README of each fixture folder).
 */
import { expect, it } from "vitest";
import { basename, join } from "node:path";
import {
  agreement,
  cohensKappa,
  loadTrajectories,
  readLabelSet,
  type LabelRow,
  type ToolCall,
  type Trajectory,
} from "../../lib/index.js";
import { describeShared, ROOT, shared } from "../helpers.js";

interface HandSet {
  dir: string;
  /** Source files under ../shared/data and which of their rollouts the set labels (its README). */
  files: Record<string, (t: Trajectory) => boolean>;
}
const line = (t: Trajectory) => t.provenance.source.line;
const HAND_SETS: HandSet[] = [
  {
    dir: "hand-labels-verifiers",
    files: {
      "verifiers/browsecomp__gpt-5__results.jsonl": () => true,
      "verifiers/hle__gpt-5-mini__results.jsonl": () => true,
    },
  },
  {
    dir: "hand-labels",
    files: {
      "webdancer/sample_traj.jsonl": (t) => t.calls.length >= 2,
      "r1_searcher/bamboogle_qwen.jsonl": (t) => line(t) === 65 || line(t) === 80 || (line(t) >= 83 && line(t) <= 125),
      "nemo_gym/google_search__example_rollouts.jsonl": (t) => [2, 4, 5].includes(line(t)),
    },
  },
];
const SETS = ["hand-labels", "annotator-b", "adjudicated"] as const;
const BOOTSTRAP = { samples: 2000, seed: 1 };

const key = (file: string, id: string, k: number) => `${basename(file)}/${id}/${k}`;

async function readSets(dir: string): Promise<Record<(typeof SETS)[number], LabelRow[]>> {
  const out = {} as Record<(typeof SETS)[number], LabelRow[]>;
  for (const s of SETS) out[s] = (await readLabelSet(join(ROOT, "tests", "fixtures", dir, `${s}.jsonl`))).rows;
  return out;
}

for (const { dir, files } of HAND_SETS)
  describeShared(`inter-annotator agreement on ${dir}`, () => {
    const FILES = Object.keys(files);
    it("the three label files hold exactly the search and page calls the reader finds, and quote none of them", async () => {
      const sets = await readSets(dir);
      const calls = new Map<string, ToolCall>();
      for (const f of FILES)
        for (const t of (await loadTrajectories([shared(f)])).trajectories.filter(files[f]!))
          for (const c of t.calls)
            if (c.role === "search" || c.role === "page") calls.set(key(t.provenance.source.file, t.id, c.index), c);
      expect(calls.size).toBeGreaterThan(150);
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
          // a batched call's per-item labels name its queries / URLs by position, one each
          if (r.items)
            expect(r.items.map((x) => x.target)).toEqual(
              (r.role === "search" ? c.queries : c.urls).map(
                (_, k) => `${r.role === "search" ? "query" : "url"} ${k + 1}`,
              ),
            );
          const text = JSON.stringify(r);
          for (const q of [...c.queries, ...c.urls].filter((x) => x.length >= 12))
            if (text.includes(q)) quoted.push(`${s} ${keys[i]} quotes its call`);
        });
        expect(quoted, s).toEqual([]);
      }
    });

    it("the adjudicated label is one an annotator gave, changes from A say so, and κ per role is printed", async () => {
      const sets = await readSets(dir);
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
      // per query / per URL of batched calls (a single call counts as one item), where both give items
      const items: Record<string, Array<[string, string]>> = { search: [], page: [] };
      for (const [k, ra] of a) {
        const rb = b.get(k)!;
        const ia = ra.items ?? [{ label: ra.label! }];
        const ib = rb.items ?? [{ label: rb.label! }];
        if (ia.length === ib.length && (ra.role === "search" || ra.role === "page"))
          ia.forEach((x, j) => items[ra.role]!.push([x.label, ib[j]!.label]));
      }
      console.log(
        `${dir} inter-annotator agreement (A × B)`,
        JSON.stringify({
          ...show(ab),
          byFile,
          items: { search: cohensKappa(items.search!), page: cohensKappa(items.page!) },
          disagreements: ab.disagreements.length,
          changedFromA,
        }),
      );
      console.log("A × adjudicated", JSON.stringify(show(adjA)), "B × adjudicated", JSON.stringify(show(adjB)));
      for (const d of ab.disagreements)
        console.log(
          `${dir}: annotators disagree ${basename(d.source.file)} ${d.trajectoryId}/${d.callIndex} A=${d.a} B=${d.b}`,
        );
    });
  });
