import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  TrajectorySchema,
  toolRoles,
  parseToolRoleMap,
  callTargets,
  contentId,
  loadTrajectories,
  DEFAULT_TOOL_ROLES,
} from "../../lib/index.js";
import { HAVE_SHARED, shared } from "../helpers.js";

describe("the canonical model", () => {
  it("every trajectory a reader produces validates against the zod schema", async () => {
    const { trajectories } = await loadTrajectories([
      // the real samples when ../shared/data is beside the repository (a user's clone has only generated ones)
      ...(HAVE_SHARED
        ? [shared("webdancer/sample_traj.jsonl"), shared("nemo_gym/google_search__example_rollouts.jsonl")]
        : []),
      "traces/generated",
    ]);
    for (const t of trajectories) expect(TrajectorySchema.safeParse(t).success).toBe(true);
    // structural invariants: calls indexed in order, each step lists exactly its calls
    for (const t of trajectories) {
      t.calls.forEach((c, i) => expect(c.index).toBe(i));
      expect(t.steps.flatMap((s) => s.calls)).toEqual(t.calls.map((c) => c.index));
      for (const c of t.calls) expect(t.steps[c.step]!.calls).toContain(c.index);
    }
  });

  it("tool roles: domain defaults, case-insensitive, user overrides win, unknown is other", () => {
    const r = toolRoles();
    expect(
      [
        "search_urls",
        "web_search",
        "search",
        "query_url",
        "web_visit",
        "visit",
        "browse",
        "open_url",
        "lookup",
        "submit_final_result",
        "calculate",
      ].map(r.roleOf),
    ).toEqual(["search", "search", "search", "page", "page", "page", "page", "page", "page", "answer", "other"]);
    expect(r.roleOf("Search_URLs")).toBe("search");
    const u = toolRoles({ browse: "other", bing: "search" });
    expect([u.roleOf("browse"), u.roleOf("BING"), u.roleOf("visit")]).toEqual(["other", "search", "page"]);
    expect(Object.isFrozen(DEFAULT_TOOL_ROLES)).toBe(true);
    expect(() => parseToolRoleMap({ x: "web" }, "roles.json")).toThrow(/roles\.json: expected an object .* at "x"/);
    expect(() => parseToolRoleMap([1])).toThrow();
  });

  it("call targets come from any common argument naming, strings or arrays", () => {
    expect(callTargets({ query: "a", top_k: 10 })).toEqual({ queries: ["a"], urls: [], goal: null });
    expect(callTargets({ query: ["a", "b", ""] })).toEqual({ queries: ["a", "b"], urls: [], goal: null });
    expect(callTargets({ url: ["https://x", "https://y"], goal: "g" })).toEqual({
      queries: [],
      urls: ["https://x", "https://y"],
      goal: "g",
    });
    expect(callTargets({ q: "z", link: "https://l" })).toEqual({ queries: ["z"], urls: ["https://l"], goal: null });
    expect(callTargets(null)).toEqual({ queries: [], urls: [], goal: null });
  });

  it("content ids depend on content only", async () => {
    const { trajectories } = await loadTrajectories(["traces/generated/verl/1.jsonl"]);
    const t = trajectories[0]!;
    const moved = { ...t, provenance: { ...t.provenance, source: { file: "elsewhere.jsonl", line: 99 } } };
    expect(contentId(moved)).toBe(contentId(t));
    expect(contentId({ ...t, finalAnswer: "something else" })).not.toBe(contentId(t));
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        (a, b) => (a === b) === (contentId({ ...t, question: a }) === contentId({ ...t, question: b })),
      ),
    );
  });
});
