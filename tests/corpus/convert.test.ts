/**
 * convertToCorpus itself: options objects are never mutated (calling it twice with the same options
 * object once corrupted the corpus), and every column of every table holds what its doc says.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  convertToCorpus,
  Corpus,
  DEFAULT_HEURISTIC,
  formatValid,
  loadTrajectories,
  readLabelSet,
  responseTokens,
  trajectoryKey,
  CALL_COLUMNS,
  LABEL_COLUMNS,
  TRAJECTORY_COLUMNS,
  type ConvertOptions,
} from "../../lib/index.js";
import { Engine } from "../../lib/corpus/duckdb.js";
import { cli, ROOT, tmpDir } from "../helpers.js";

const GEN = join(ROOT, "traces", "generated");
const EVAL = join(GEN, "fathom-eval.jsonl");
const EVAL_LABELS = join(GEN, "fathom-eval.labels.jsonl");

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Every part the manifest lists exists, and the label set `name` has `rows` rows. */
async function expectWhole(dir: string, name: string, rows: number): Promise<void> {
  const c = await Corpus.open(dir);
  try {
    const listed = [
      ...c.manifest.sources.flatMap((s) => [...s.parts.trajectories, ...s.parts.calls]),
      ...Object.values(c.manifest.labelSets).flatMap((l) => l.parts),
    ];
    expect(listed.filter((p) => !existsSync(join(dir, p)))).toEqual([]);
    expect(c.manifest.labelSets[name]?.rows).toBe(rows);
    expect(await c.sql(`SELECT COUNT(*) AS n FROM labels WHERE label_set = '${name}'`)).toEqual([{ n: rows }]);
  } finally {
    c.close();
  }
}

describe("convertToCorpus options", () => {
  it("can be called twice with the same options object (label set larger than partCalls)", async () => {
    const truth = (await readLabelSet(EVAL_LABELS)).rows.length;
    expect(truth).toBeGreaterThan(100); // more rows than partCalls: the set is written in several parts
    const opts: ConvertOptions = { label: "h", partCalls: 100, labelSets: [{ name: "truth", path: EVAL_LABELS }] };
    const before = structuredClone(opts);
    const dir = join(tmpDir("twice-"), "c");
    await convertToCorpus([EVAL], dir, opts);
    await expectWhole(dir, "truth", truth);
    await convertToCorpus([EVAL], dir, opts);
    await expectWhole(dir, "truth", truth);
    // and into another corpus: no part names carried over from the first
    const other = join(tmpDir("twice-"), "c");
    await convertToCorpus([EVAL], other, opts);
    await expectWhole(other, "truth", truth);
    expect(opts).toEqual(before);
  }, 60_000);

  it("never writes to its options (a deeply frozen options object converts like a fresh one)", async () => {
    const make = (): ConvertOptions => ({
      label: "h",
      labellerOptions: structuredClone({ ...DEFAULT_HEURISTIC, verifyBudget: 2 }),
      partCalls: 150,
      labelSets: [{ name: "truth", path: EVAL_LABELS }],
      engine: { memoryLimit: "256MB" },
    });
    const a = join(tmpDir("frozen-"), "c");
    const b = join(tmpDir("frozen-"), "c");
    const ra = await convertToCorpus([EVAL], a, deepFreeze(make()));
    const rb = await convertToCorpus([EVAL], b, make());
    expect(ra.manifest).toEqual(rb.manifest);
    expect(ra.manifest.labelSets.h?.labelsBv).toBe(2);
  }, 60_000);
});

describe("corpus columns", () => {
  it("hold the trajectory's fields, in the documented order", async () => {
    const dir = join(tmpDir("cols-"), "c");
    await convertToCorpus([EVAL], dir, { label: "h" });
    const { trajectories } = await loadTrajectories([EVAL]);
    const t = trajectories.find((x) => x.calls.some((c) => c.role === "page") && x.finalAnswer)!;
    expect(t).toBeDefined();
    const c = await Corpus.open(dir);
    try {
      const key = trajectoryKey(t);
      const [row] = await c.sql(`SELECT * FROM trajectories WHERE key = '${key.replace(/'/g, "''")}'`);
      const expected = {
        key,
        trajectory_id: t.id,
        file: EVAL,
        line: t.provenance.source.line,
        format: "fathom",
        model: t.provenance.model ?? null,
        dataset: t.provenance.dataset ?? null,
        step: t.provenance.trainingStep ?? null,
        group_id: t.provenance.groupId ?? null,
        verdict: t.verdict,
        correct: t.verdict === "correct",
        format_ok: formatValid(t),
        truncated: t.truncated,
        n_calls: t.calls.length,
        turns: t.steps.length,
        question: t.question,
        final_answer: t.finalAnswer,
        response_tokens: null, // counted with the tokens option only
      };
      expect(row).toEqual(expected);
      expect(Object.keys(row!)).toEqual(Object.keys(expected)); // the documented column order
      const calls = await c.sql(`SELECT * FROM calls WHERE key = '${key.replace(/'/g, "''")}' ORDER BY call_index`);
      expect(calls.length).toBe(t.calls.length);
      calls.forEach((r, i) => {
        const call = t.calls[i]!;
        const expected = {
          key,
          trajectory_id: t.id,
          file: EVAL,
          line: t.provenance.source.line,
          call_index: call.index,
          turn: call.step,
          tool: call.name,
          role: call.role,
          queries_json: JSON.stringify(call.queries),
          urls_json: JSON.stringify(call.urls),
          n_queries: call.queries.length,
          n_urls: call.urls.length,
          goal: call.goal ?? null,
          error: call.error,
          error_reason: call.errorReason ?? null,
          response_chars: call.response?.length ?? 0,
        };
        expect(r).toEqual(expected);
        expect(Object.keys(r)).toEqual(Object.keys(expected));
      });
      const labels = await c.sql(
        `SELECT * FROM labels WHERE trajectory_id = '${t.id.replace(/'/g, "''")}' ORDER BY call_index`,
      );
      expect(labels.map((r) => [r.label_set, r.file, r.call_index, r.tool, r.role])).toEqual(
        t.calls.map((call) => ["h", EVAL, call.index, call.name, call.role]),
      );
      expect(labels.every((r) => r.labeller === "heuristic" && typeof r.config_hash === "string")).toBe(true);
    } finally {
      c.close();
    }
  }, 60_000);
});

describe("response tokens (convert `tokens`)", () => {
  const VERL = join(GEN, "verl", "1.jsonl");

  it("are counted as trajectoryRows counts them, once per trajectory", async () => {
    const dir = join(tmpDir("tokens-"), "c");
    await convertToCorpus([EVAL, VERL], dir, { label: "h", tokens: true });
    const { trajectories } = await loadTrajectories([EVAL, VERL]);
    const c = await Corpus.open(dir);
    try {
      const rows = await c.sql("SELECT key, response_tokens FROM trajectories");
      const byKey = new Map(rows.map((r) => [r.key, r.response_tokens]));
      expect(rows.length).toBe(trajectories.length);
      expect(trajectories.map((t) => byKey.get(trajectoryKey(t)))).toEqual(trajectories.map((t) => responseTokens(t)));
      expect(trajectories.some((t) => responseTokens(t) > 0)).toBe(true);
      expect(c.manifest.sources.map((s) => s.tokens)).toEqual([true, true]);
    } finally {
      c.close();
    }
  }, 120_000);

  it("a corpus written before the column opens with it NULL; a newer convert extends it, columns matched by name", async () => {
    const dir = join(tmpDir("old-corpus-"), "c");
    await convertToCorpus([EVAL], dir, { label: "h" });
    // make it what an older sounding wrote: trajectory parts without the column, sources without `tokens`
    const manifestPath = join(dir, "sounding-corpus.json");
    const m = JSON.parse(readFileSync(manifestPath, "utf8"));
    const db = await Engine.open();
    try {
      for (const part of m.sources[0].parts.trajectories) {
        const f = join(dir, part);
        await db.run(`CREATE TABLE t AS SELECT * EXCLUDE (response_tokens) FROM read_parquet('${f}')`);
        await db.run(`COPY t TO '${f}' (FORMAT parquet)`);
        await db.run("DROP TABLE t");
        const cols = await db.all(`SELECT name FROM parquet_schema('${f}')`);
        expect(cols.map((r) => r.name)).not.toContain("response_tokens");
      }
    } finally {
      db.close();
    }
    delete m.sources[0].tokens;
    writeFileSync(manifestPath, JSON.stringify(m, null, 2) + "\n");
    const { trajectories } = await loadTrajectories([EVAL, VERL]);
    let c = await Corpus.open(dir);
    try {
      const [r] = await c.sql("SELECT COUNT(*) AS n, COUNT(response_tokens) AS counted FROM trajectories");
      expect([Number(r!.n), Number(r!.counted)]).toEqual([
        trajectories.filter((t) => t.provenance.source.file === EVAL).length,
        0,
      ]);
    } finally {
      c.close();
    }
    const fig = cli(["figure", "fig7", dir, "--out", join(dir, "..", "fig7.svg")]);
    expect([fig.code, fig.stderr]).toEqual([
      2,
      expect.stringContaining(`sounding convert ${EVAL} --out ${dir} --tokens --label h\``),
    ]);
    // a newer convert adds a source with tokens: old parts read NULL, new ones their counts
    await convertToCorpus([VERL], dir, { label: "h", tokens: true });
    c = await Corpus.open(dir);
    try {
      const rows = await c.sql("SELECT key, file, response_tokens, n_calls FROM trajectories");
      const byKey = new Map(rows.map((x) => [x.key, x]));
      for (const t of trajectories) {
        const row = byKey.get(trajectoryKey(t))!;
        expect([row.n_calls, row.response_tokens]).toEqual([
          t.calls.length,
          t.provenance.source.file === VERL ? responseTokens(t) : null,
        ]);
      }
    } finally {
      c.close();
    }
    const mixed = cli(["figure", "fig7", dir, "--out", join(dir, "..", "fig7.svg")]);
    expect([mixed.code, mixed.stderr]).toEqual([2, expect.stringContaining("for 1 of the 2 of its source files")]);
  }, 180_000);
});

describe("corpus schema docs", () => {
  it("docs/corpus.md names every column of every table, in schema order", () => {
    const doc = readFileSync(join(ROOT, "docs", "corpus.md"), "utf8");
    const tables = { trajectories: TRAJECTORY_COLUMNS, calls: CALL_COLUMNS, labels: LABEL_COLUMNS };
    for (const [table, columns] of Object.entries(tables)) {
      const start = doc.indexOf(`### \`${table}\``);
      expect([table, start >= 0]).toEqual([table, true]);
      const rest = doc.slice(doc.indexOf("\n", start) + 1); // below the heading
      const section = rest.slice(0, rest.search(/^##/m));
      // `name` in the text, or the first cell of a table row (not the header's "column")
      const named = [...section.matchAll(/`([a-z_]+)`|^\| ([a-z_]+) \|/gm)]
        .map((m) => m[1] ?? m[2])
        .filter((n) => n !== "column");
      expect([table, [...new Set(named)]]).toEqual([table, columns.map((c) => c.name)]);
    }
  });
});
