/**
 * The report in Node: the stratified sample (property tests), the page's bytes (deterministic,
 * one script allowed by its hash, no network in the policy, no eval), what the payload holds
 * (the tallies `tallyArrays` computes, every rollout; the text of the sample only), the corpus
 * path against the trace-file path, and the CLI's habits. The page itself: tests/browser/report.test.ts.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  convertToCorpus,
  Corpus,
  corpusReportHtml,
  HeuristicLabeller,
  loadTrajectories,
  reportFrame,
  reportHtml,
  runLabeller,
  stratifiedSample,
  tallyArrays,
  type LabelRow,
  type ReportPayload,
  type Trajectory,
} from "../../lib/index.js";
import { cachedColumns, sweep, sweepCache } from "../../lib/reward/sweep.js";
import { replayColumns, replayRewards } from "../../lib/reward/replay.js";
import { sortRows } from "../../lib/report/page/columns.js";
import type { State } from "../../lib/report/page/state.js";
import { randomSettings, rewardConfig } from "../../lib/index.js";
import { cli, ROOT, tmpDir } from "../helpers.js";

const TRACES = join(ROOT, "traces");

function block<T>(html: string, id: string): T {
  const m = new RegExp(`<script id="${id}"[^>]*>([A-Za-z0-9+/=]*)</script>`).exec(html);
  if (!m) throw new Error(`no ${id} block`);
  return JSON.parse(gunzipSync(Buffer.from(m[1]!, "base64")).toString("utf8")) as T;
}

function payloadOf(html: string): ReportPayload {
  return { ...block<Omit<ReportPayload, "text">>(html, "sounding-data"), text: block(html, "sounding-text") };
}

let loaded: { trajectories: Trajectory[]; labels: LabelRow[] } | null = null;
async function traces() {
  if (!loaded) {
    const { trajectories } = await loadTrajectories([TRACES]);
    loaded = { trajectories, labels: (await runLabeller(new HeuristicLabeller(), trajectories)).rows };
  }
  return loaded;
}

describe("stratifiedSample", () => {
  it("draws min(n, N) distinct indices, every stratum while n allows, shares within one of proportional", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 320 }),
        fc.nat(),
        (codes, n, seed) => {
          const keys = codes.map((c) => `s${c}`);
          const got = stratifiedSample(keys, n, seed);
          expect(got.length).toBe(Math.min(n, keys.length));
          expect(new Set(got).size).toBe(got.length);
          expect(got).toEqual([...got].sort((a, b) => a - b));
          for (const i of got) expect(i >= 0 && i < keys.length).toBe(true);
          expect(stratifiedSample(keys, n, seed)).toEqual(got);
          const strata = new Map<string, number>();
          for (const k of keys) strata.set(k, (strata.get(k) ?? 0) + 1);
          const drawn = new Map<string, number>();
          for (const i of got) drawn.set(keys[i]!, (drawn.get(keys[i]!) ?? 0) + 1);
          if (n >= strata.size && n < keys.length) {
            for (const [k, size] of strata) {
              const share = (drawn.get(k) ?? 0) / got.length;
              expect(drawn.get(k) ?? 0).toBeGreaterThanOrEqual(1);
              // proportional up to the one-per-stratum floor and rounding
              expect(Math.abs(share - size / keys.length)).toBeLessThanOrEqual((strata.size + 1) / got.length + 1e-9);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("another seed draws other rollouts of the same strata", () => {
    const keys = Array.from({ length: 400 }, (_, i) => `d${i % 4}`);
    const a = stratifiedSample(keys, 40, 1);
    const b = stratifiedSample(keys, 40, 2);
    expect(a).not.toEqual(b);
    const count = (xs: number[]) => [0, 1, 2, 3].map((d) => xs.filter((i) => keys[i] === `d${d}`).length);
    expect(count(a)).toEqual([10, 10, 10, 10]);
    expect(count(b)).toEqual(count(a));
  });
});

describe("reportHtml", () => {
  it("is deterministic, self-contained and allows exactly its own script", async () => {
    const { trajectories, labels } = await traces();
    const a = await reportHtml(trajectories, labels, { sample: 50 });
    const b = await reportHtml(trajectories, labels, { sample: 50 });
    expect(a).toBe(b);
    const scripts = [...a.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    const runnable = scripts.filter((m) => !/type=/.test(m[1]!));
    expect(runnable.length).toBe(1);
    const hash = createHash("sha256").update(runnable[0]![2]!, "utf8").digest("base64");
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(a)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/connect-src|unsafe-eval|https?:/);
    const code = runnable[0]![2]!;
    expect(code).not.toMatch(/\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(a).not.toMatch(/\b(src|href)="https?:/);
  });

  it("embeds the tallies of every rollout (as tallyArrays has them) and the text of the sample only", async () => {
    const { trajectories, labels } = await traces();
    const p = payloadOf(await reportHtml(trajectories, labels, { sample: 30, seed: 4 }));
    const a = tallyArrays(trajectories, labels);
    expect(p.n).toBe(trajectories.length);
    for (const k of ["T", "nUniqS", "nRedS", "nExplore", "nVerify", "nRedQ", "nRedQFixed", "correct"] as const)
      expect(p.rows[k], k).toEqual(Array.from(a[k]));
    expect(p.rows.checks).toEqual(Array.from(a.checks));
    expect(p.groupStart).toEqual(Array.from(a.groupStart));
    expect(p.rows.id.map((id, i) => `${p.files[p.rows.file[i]!]}::${id}`)).toEqual(a.keys);
    expect(p.sample).toMatchObject({ size: 30, requested: 30 });
    expect(p.text.trajectories.length).toBe(30);
    p.text.row.forEach((r, k) => expect(p.text.trajectories[k]!.id).toBe(p.rows.id[r]));
  });

  it("frames the page for a notebook cell: one sandboxed iframe, the page escaped into srcdoc", async () => {
    const { trajectories, labels } = await traces();
    const f = await reportHtml(trajectories.slice(0, 5), labels, { frame: true, frameHeight: 700 });
    const sandbox = /^<iframe class="sounding-report" sandbox="([^"]*)"/.exec(f)?.[1];
    expect(sandbox).toContain("allow-scripts");
    expect(sandbox).not.toContain("allow-same-origin");
    expect(f).toContain("height:700px");
    expect(f.match(/<script/g)).toBeNull();
    expect(reportFrame("<p>&</p>")).toContain('srcdoc="&lt;p&gt;&amp;&lt;/p&gt;"');
  });
});

describe("the tuner's sweep cache", () => {
  it("gives the rows a fresh sweep gives, setting after setting, B_v included", async () => {
    const { trajectories, labels } = await traces();
    const a = tallyArrays(trajectories, labels);
    const base = rewardConfig({});
    const ranges = {
      c1: [-0.2, 0.8],
      c2: [0, 0.6],
      CS: [1, 20],
      CQ: [1, 40],
      floor: [0, 1],
      formatWeight: [0, 0.3],
    } as const;
    const settings = randomSettings(base, { ...ranges, Bv: [0, 3] }, 40, 5);
    const cache = sweepCache();
    for (const cfg of settings) expect(sweep(a, [base, cfg], { cache })).toEqual(sweep(a, [base, cfg]));
    expect(cache.types.size).toBeGreaterThan(1);
    // another reference (and rank changes off) is a new pass, not the kept one
    const other = settings[3]!;
    expect(sweep(a, [other, base, settings[7]!], { cache })).toEqual(sweep(a, [other, base, settings[7]!]));
    expect(sweep(a, [base, other], { cache, ranks: false })).toEqual(sweep(a, [base, other], { ranks: false }));
    expect(sweep(a, [base, other], { cache })).toEqual(sweep(a, [base, other]));
    expect(() => sweep(tallyArrays(trajectories.slice(0, 3), labels), [base], { cache })).toThrow(/one TallyArrays/);
  });
});

describe("the tuner's one call per move: sweep with `rewards`", () => {
  it("writes the last setting's reward of every rollout, the numbers replayRewards gives, B_v included", async () => {
    const { trajectories, labels } = await traces();
    const a = tallyArrays(trajectories, labels);
    const base = rewardConfig({});
    const settings = randomSettings(
      base,
      { c1: [-0.2, 0.8], c2: [0, 0.6], CS: [1, 20], CQ: [1, 40], Bv: [0, 4], floor: [0, 1], formatWeight: [0, 0.3] },
      25,
      9,
    );
    const cache = sweepCache();
    const out = new Float64Array(a.n).fill(NaN);
    for (const cfg of [base, ...settings]) {
      const rows = sweep(a, [base, cfg], { cache, rewards: out });
      expect(Array.from(out)).toEqual(Array.from(replayRewards(a, cfg)));
      expect(rows).toEqual(sweep(a, [base, cfg]));
      // the cached replay columns are the setting's own
      expect(cachedColumns(a, cfg, cache)).toEqual(replayColumns(a, cfg));
    }
    // the reference alone (its pass kept) and the means-only mode fill it too
    out.fill(NaN);
    sweep(a, [base], { cache, rewards: out });
    expect(Array.from(out)).toEqual(Array.from(replayRewards(a, base)));
    out.fill(NaN);
    sweep(a, [base, settings[4]!], { groups: false, rewards: out });
    expect(Array.from(out)).toEqual(Array.from(replayRewards(a, settings[4]!)));
    expect(() => sweep(a, [base], { rewards: new Float64Array(3) })).toThrow(/3 slots for/);
  });
});

describe("the table's partial sort", () => {
  it("the first k rows are the full sort's first k (ties in row order, NaN last), the rest the other rows", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(NaN)), { maxLength: 400 }),
        fc.nat(120),
        fc.boolean(),
        (values, k, desc) => {
          const s = { sortBy: "reward", sortDesc: desc, rewards: Float64Array.from(values) } as unknown as State;
          // every other row passes the filters
          const rows = values.map((_, i) => i).filter((i) => i % 2 === 0);
          const full = sortRows(s, rows);
          const part = sortRows(s, rows, k);
          expect(part.slice(0, k)).toEqual(full.slice(0, k));
          expect([...part].sort((x, y) => x - y)).toEqual(rows);
          // the full order itself: by value (NaN last), ties by row
          const key = (i: number) => (Number.isNaN(values[i]!) ? Infinity : (desc ? -1 : 1) * values[i]!);
          expect(full).toEqual([...rows].sort((x, y) => key(x) - key(y) || x - y));
        },
      ),
    );
  });
});

describe("corpusReportHtml", () => {
  it("a corpus of the traces gives the tallies the trace files give", async () => {
    const { trajectories, labels } = await traces();
    const dir = join(tmpDir("report-corpus-"), "c");
    await convertToCorpus([TRACES], dir, { label: "heuristic" });
    const c = await Corpus.open(dir);
    let html: string;
    try {
      html = await corpusReportHtml(c, { sample: 20 });
    } finally {
      c.close();
    }
    const fromCorpus = payloadOf(html);
    const fromFiles = payloadOf(await reportHtml(trajectories, labels, { sample: 20 }));
    const byKey = (p: ReportPayload) =>
      new Map(
        p.rows.id.map((id, i) => [
          `${p.files[p.rows.file[i]!]}::${id}`,
          (["T", "nUniqS", "nRedS", "nExplore", "nVerify", "nRedQ", "nRedQFixed", "hasClaims", "correct"] as const)
            .map((k) => p.rows[k][i])
            .concat(p.rows.checks.slice(p.rows.checkStart[i], p.rows.checkStart[i + 1])),
        ]),
      );
    expect(byKey(fromCorpus)).toEqual(byKey(fromFiles));
    expect(fromCorpus.text.trajectories.length).toBe(20);
    expect(fromCorpus.textNote).toContain("no tool responses");
    const t = fromCorpus.text.trajectories[0]!;
    expect(t.calls.length).toBe(fromCorpus.rows.T[fromCorpus.text.row[0]!]);
  });
});

describe("sounding report", () => {
  it("writes one HTML file and says where and how big", () => {
    const out = join(tmpDir("report-cli-"), "sub", "r.html");
    const r = cli(["report", TRACES, "--sample", "10", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/r\.html {2}\d+\.\d\d MB \(270 trajectories\)/);
    expect(existsSync(out)).toBe(true);
    const p = payloadOf(readFileSync(out, "utf8"));
    expect(p.sample.size).toBe(10);
  });

  it("a user's mistake is one line and a non-zero exit", () => {
    const noOut = cli(["report", TRACES]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr.trim().split("\n")).toEqual([expect.stringContaining("report needs --out FILE")]);
    const missing = cli(["report", join(ROOT, "no-such-dir"), "--out", join(tmpDir(), "x.html")]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no-such-dir/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const badSample = cli(["report", TRACES, "--sample", "-3", "--out", join(tmpDir(), "x.html")]);
    expect(badSample.code).toBe(2);
    expect(badSample.stderr).toMatch(/--sample/);
  });
});
