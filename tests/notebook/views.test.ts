import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  alignCalls,
  groupSideBySide,
  HeuristicLabeller,
  loadTrajectories,
  plotlyScatter,
  runLabeller,
  trajectoryDiff,
  trajectoryRows,
  type Trajectory,
} from "../../lib/index.js";
import { ROOT } from "../helpers.js";
import { traj } from "../labels/build.js";
import { callLists, matchedCalls } from "./align-checks.js";

async function verl(): Promise<Trajectory[]> {
  return (await loadTrajectories([join(ROOT, "traces", "generated", "verl", "1.jsonl")])).trajectories;
}

describe("plotly scatter", () => {
  it("one trace per group, hover text leads back to the trajectory (escaped)", async () => {
    const ts = await verl();
    const { rows } = await runLabeller(new HeuristicLabeller(), ts);
    const tr = trajectoryRows(ts, rows);
    tr[0]!.trajectoryId = "<img src=x onerror=alert(1)>";
    const fig = plotlyScatter(tr, "breadth", "depth", "correct");
    expect(fig.data.map((d) => d.name)).toEqual(["false", "true"]);
    expect((fig.data as Array<{ x: unknown[] }>).reduce((n, d) => n + d.x.length, 0)).toBe(tr.length);
    const texts = fig.data.flatMap((d) => d.text as string[]);
    expect(texts.some((t) => t.startsWith("&lt;img src=x onerror=alert(1)&gt;<br>"))).toBe(true);
    expect(texts.join("")).not.toContain("<img");
  });
});

describe("group side by side and trajectory diff", () => {
  it("shows every rollout of a group as a column, escaped", async () => {
    const ts = await verl();
    const g = ts.filter((t) => t.provenance.groupId === ts[0]!.provenance.groupId);
    expect(g).toHaveLength(5);
    const html = groupSideBySide(g, [], [0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(html.match(/<b>#\d<\/b>/g)).toHaveLength(5);
    expect(html).toContain("reward 0.500");
    const evil = traj([{ search: "<script>x</script>" }]);
    expect(groupSideBySide([evil])).not.toContain("<script>");
  });

  it("aligns calls: order kept, every call once, matched calls have the same tool and target", () => {
    const calls = callLists(["alpha", "beta", "gamma", "delta"]);
    fc.assert(
      fc.property(calls, calls, (ca, cb) => {
        for (const [x, y] of matchedCalls(traj(ca), traj(cb)))
          expect([...x.queries, ...x.urls]).toEqual([...y.queries, ...y.urls]);
      }),
    );
  });

  it("marks the first divergence, and none for identical rollouts", () => {
    const a = traj([{ search: "alpha" }, { visit: "https://a.example/" }, { search: "beta" }]);
    const b = traj([{ search: "alpha" }, { search: "gamma" }, { search: "beta" }]);
    expect(trajectoryDiff(a, a)).not.toContain("diverge");
    const d = trajectoryDiff(a, b);
    expect(d).toContain("1 ◀ diverge");
    expect(alignCalls(a, b).filter((s) => s.a !== null && s.b !== null)).toHaveLength(2);
  });
});
