/**
 * The notebook viewer and views a researcher reads rollouts in: full text on demand, links in
 * responses, parsed results as a table, a label legend, a trajectory picker, a diff that aligns
 * reworded queries, plotly charts with jitter on count axes and a static fallback. Hostile text
 * stays text everywhere.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  alignCalls,
  groupSideBySide,
  trajectoryDiff,
  trajectoryHtml,
  type TrajectoryMetricRow,
} from "../../lib/index.js";
import { callSimilarity, ALIGN_MIN_SIMILARITY } from "../../lib/notebook/rollout-views.js";
import { linkify, longText } from "../../lib/notebook/rich-text.js";
import { trajectoryPicker } from "../../lib/notebook/trajectory-picker.js";
import { plotlyBundle, plotlyScatter, PLOTLY_MIME } from "../../lib/notebook/plotly.js";
import { hits, traj } from "../labels/build.js";
import { callLists, matchedCalls } from "./align-checks.js";

const HOSTILE = `<script>window.x=1</script><img src=x onerror=alert(1)> javascript:alert(1)`;

describe("rich text", () => {
  it("makes http(s) URLs links and leaves everything else escaped text", () => {
    const html = linkify(`see https://example.org/a?b=1&c=2. and javascript:alert(1) ${HOSTILE}`);
    expect(html).toContain(
      `<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow">`,
    );
    expect(html).toContain("</a>. and"); // trailing full stop is not part of the link
    expect(html).not.toMatch(/<script|<img|href="javascript/);
    expect(html).toContain("&lt;script&gt;");
  });

  it("escapes any string: no tag survives (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.webUrl(), (s, u) => {
        const html = linkify(`${s} ${u} ${s}`);
        const withoutLinks = html.replace(
          /<a href="[^"]*" target="_blank" rel="noopener noreferrer nofollow">|<\/a>/g,
          "",
        );
        expect(withoutLinks).not.toMatch(/[<>]/);
      }),
    );
  });

  it("shows the head of long text and the whole of it on demand", () => {
    const text = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(" ");
    const html = longText(text, 4000);
    expect(html).toContain(`show all ${text.length} characters`);
    expect(html).toContain("word1999"); // the full text is there, behind the toggle
    const head = html.slice(0, html.indexOf("<details"));
    expect(head).not.toContain("word1999");
    expect(head).toMatch(/word\d+ …<\/pre>$/); // cut between words
    expect(longText("short", 4000)).not.toContain("<details");
  });
});

describe("trajectory viewer", () => {
  it("lists parsed search results as a table with safe links, has a legend, and expands long responses", () => {
    const t = traj([{ search: "alpha", hits: ["https://a.example/1", "https://b.example/2"] }]);
    t.calls[0]!.response = `${"x ".repeat(5000)} end https://c.example/3`;
    const html = trajectoryHtml(t);
    expect(html).toContain(`class="sounding-results"`);
    expect(html).toContain(`<a href="https://a.example/1"`);
    expect(html).toContain("2 parsed results");
    expect(html).toContain(`class="sounding-legend"`);
    expect(html).toContain("show all 10024 characters");
    expect(html).toContain(`<a href="https://c.example/3"`); // links inside the full response
  });

  it("keeps hostile text inert in the question, queries, URLs, responses and results", () => {
    const t = traj([
      { search: HOSTILE, hits: ["javascript:alert(1)"] },
      { visit: "javascript:alert(1)", goal: HOSTILE },
    ]);
    t.question = HOSTILE;
    t.calls[1]!.response = HOSTILE;
    for (const html of [trajectoryHtml(t), trajectoryPicker([t]), groupSideBySide([t, t]), trajectoryDiff(t, t)]) {
      expect(html).not.toMatch(/<script|<img|<[^>]*\sonerror=|href="javascript/i);
    }
  });
});

describe("trajectory picker", () => {
  it("one row per trajectory with id, dataset, verdict and label counts; filter and limit", () => {
    const ts = [1, 2, 3].map((i) => {
      const t = traj([{ search: `q${i}` }]);
      t.id = `t${i}`;
      t.verdict = i === 2 ? "correct" : "incorrect";
      t.provenance.dataset = "frames";
      return t;
    });
    const labels = [
      { trajectoryId: "t1", callIndex: 0, label: "UNIQUESEARCH", source: { file: "test.jsonl", line: 1 } },
    ] as never;
    const html = trajectoryPicker(ts, labels);
    expect(html.match(/<details style="border-bottom/g)).toHaveLength(3);
    expect(html).toContain("<b>t2</b> · frames");
    expect(html).toContain("✓ correct");
    expect(html).toContain(`title="UNIQUESEARCH">UNI 1</span>`);
    const few = trajectoryPicker(ts, [], { limit: 1, filter: (t) => t.verdict === "incorrect" });
    expect(few.match(/<details style="border-bottom/g)).toHaveLength(1);
    expect(few).toContain("2 of 3 trajectories (filtered)");
    expect(few).toContain("… 1 more");
  });
});

describe("diff alignment by the labeller's similarity", () => {
  it("aligns a reworded query with its original, so two rollouts of a prompt do not diverge at 0", () => {
    const a = traj([
      { search: "Adele full name singer" },
      { visit: "https://en.wikipedia.org/wiki/Adele" },
      { search: "Adele birthplace" },
    ]);
    const b = traj([
      { search: "full name of the singer Adele" },
      { visit: "https://www.en.wikipedia.org/wiki/Adele/" },
      { search: "Tottenham weather" },
    ]);
    const steps = alignCalls(a, b);
    expect(steps[0]).toMatchObject({ a: 0, b: 0 });
    expect(steps[1]).toMatchObject({ a: 1, b: 1, similarity: 1 }); // URL variants are one page
    const html = trajectoryDiff(a, b);
    expect(html).toContain("2 ◀ diverge");
    expect(html).not.toContain("0 ◀ diverge");
  });

  it("order kept, every call once, matched calls share role and tool and are similar enough (property)", () => {
    const calls = callLists(["alpha", "beta", "gamma", "delta", "alpha beta", "beta gamma delta"]);
    fc.assert(
      fc.property(calls, calls, (ca, cb) => {
        const a = traj(ca);
        const b = traj(cb);
        for (const [x, y] of matchedCalls(a, b)) {
          expect([x.role, x.name]).toEqual([y.role, y.name]);
          expect(callSimilarity(x, y)).toBeGreaterThanOrEqual(ALIGN_MIN_SIMILARITY);
        }
        // a rollout against itself aligns call for call
        expect(alignCalls(a, a).every((s) => s.a === s.b)).toBe(true);
      }),
    );
  });
});

describe("plotly charts", () => {
  const rows = Array.from({ length: 40 }, (_, i) => ({
    key: `f::t${i}`,
    trajectoryId: `t${i}`,
    file: "f.jsonl",
    line: i + 1,
    breadth: i % 3,
    horizon: i % 4,
    correct: i % 2 === 0,
  })) as unknown as TrajectoryMetricRow[];

  it("jitters count axes deterministically within ±0.2 and hovers the true values", () => {
    const fig = plotlyScatter(rows, "horizon", "breadth", "correct");
    const again = plotlyScatter(rows, "horizon", "breadth", "correct");
    expect(JSON.stringify(fig)).toBe(JSON.stringify(again));
    for (const t of fig.data) {
      const xs = t.x as number[];
      const cd = t.customdata as Array<[number, number]>;
      xs.forEach((x, i) => expect(Math.abs(x - cd[i]![0])).toBeLessThanOrEqual(0.2));
      expect(xs.some((x, i) => x !== cd[i]![0])).toBe(true);
    }
    const none = plotlyScatter(rows, "horizon", "breadth", "correct", "t", { jitter: 0 });
    expect((none.data[0]!.x as number[]).every(Number.isInteger)).toBe(true);
  });

  it("a display bundle carries a static SVG of the same points beside the plotly JSON", async () => {
    const bundle = await plotlyBundle(plotlyScatter(rows, "horizon", "breadth", "correct"));
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, "image/svg+xml", "text/plain"].sort());
    const svg = String(bundle["image/svg+xml"]);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/role-mark[^>]*aria-roledescription="symbol mark container"/)).not.toBeNull();
    expect((svg.match(/aria-roledescription="point"/g) ?? []).length).toBe(40);
  });
});
void hits;
