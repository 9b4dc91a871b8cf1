import { describe, expect, it } from "vitest";
import { HeuristicLabeller, loadTrajectories, type CallLabel } from "../../lib/index.js";
import { traj } from "./build.js";
import { describeShared, shared } from "../helpers.js";

const labels = (ls: CallLabel[]) => ls.map((l) => l.label);
const H = new HeuristicLabeller();

describe("deterministic labeller: search rules", () => {
  it("a new query is UNIQUESEARCH, a reworded one REDUNDANTSEARCH (token Jaccard ≥ 0.7)", () => {
    const t = traj([
      { search: "Eiffel Tower height in meters" },
      { search: "height of the Eiffel Tower meters" },
      { search: "Gustave Eiffel birth date" },
    ]);
    const l = H.label(t);
    expect(labels(l)).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH", "UNIQUESEARCH"]);
    expect(l[1]!.evidence).toMatch(/similar to call 0 "Eiffel Tower height in meters" \(tokens 1\.00/);
  });

  it("near-identical spelling is caught by character trigrams (≥ 0.8)", () => {
    const l = H.label(
      traj([
        { search: "Tchaikovsky symphony number six premiere" },
        { search: "Tchaikovski symphony number six premiere" },
      ]),
    );
    expect(labels(l)).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH"]);
    expect(l[1]!.evidence).toMatch(/trigrams 0\.[89]/);
  });

  it("a lexically new query whose results were already seen is REDUNDANTSEARCH (≥ 60 % of ≥ 3 results)", () => {
    const urls = [
      "https://a.example/1",
      "https://b.example/2",
      "https://c.example/3",
      "https://d.example/4",
      "https://e.example/5",
    ];
    const seenAgain = [
      "http://www.a.example/1/",
      "https://b.example/2?utm_source=x",
      "https://c.example/3#s",
      "https://new.example/9",
      "https://new.example/10",
    ];
    const l = H.label(
      traj([
        { search: "alpha beta", hits: urls },
        { search: "gamma delta", hits: seenAgain },
        { search: "epsilon", hits: ["https://a.example/1", "https://z.example/1"] },
      ]),
    );
    expect(labels(l)).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH", "UNIQUESEARCH"]);
    expect(l[1]!.evidence).toMatch(/60% of its 5 results were already seen/);
    expect(l[2]!.evidence).toMatch(/50% results seen/); // 1 of 2 seen, and under the 3-result minimum anyway
  });

  it("batched queries are judged one by one (earlier queries of the same call count) and summarised", () => {
    const l = H.label(
      traj([
        { search: ["capital of Australia", "the Australia capital", "population of Canberra"] },
        { search: ["capital of Australia", "Australia capital?"] },
      ]),
    );
    expect(labels(l)).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH"]);
    expect(l[0]!.items!.map((i) => i.label)).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH", "UNIQUESEARCH"]);
    expect(l[0]!.evidence).toMatch(/2 of 3 queries new \(any-unique\)/);
    const maj = new HeuristicLabeller({ batchSummary: "majority" }).label(
      traj([{ search: ["Eiffel Tower height", "Eiffel Tower height please", "Eiffel Tower height now"] }]),
    );
    expect(labels(maj)).toEqual(["REDUNDANTSEARCH"]);
  });

  it("thresholds are options", () => {
    const t = traj([{ search: "Eiffel Tower height" }, { search: "Eiffel Tower height today" }]);
    expect(labels(H.label(t))).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH"]);
    expect(
      labels(new HeuristicLabeller({ tokenThreshold: 0.9, charThreshold: 0.95, noveltyThreshold: 0 }).label(t)),
    ).toEqual(["UNIQUESEARCH", "UNIQUESEARCH"]);
  });

  it("failed and malformed calls are labelled by what they attempted, with utility 0", () => {
    const l = H.label(
      traj([{ search: "moon landing year", fail: true }, { search: "moon landing year" }, { search: [] as string[] }]),
    );
    expect(labels(l)).toEqual(["UNIQUESEARCH", "REDUNDANTSEARCH", "REDUNDANTSEARCH"]);
    expect(l[0]!.utility).toBe(0);
    expect(l[2]!.evidence).toMatch(/no query/);
  });
});

describe("deterministic labeller: page rules", () => {
  it("first read EXPLORATION; new source for the same claim VERIFICATION up to B_v, then REDUNDANTQUERY; same URL same goal REDUNDANTQUERY", () => {
    const l = H.label(
      traj([
        { visit: "https://en.wikipedia.org/wiki/Canberra", goal: "Find when Canberra became the capital" },
        { visit: "https://www.britannica.com/place/Canberra", goal: "Verify when Canberra became the capital" },
        { visit: "https://www.nla.gov.au/canberra", goal: "Confirm the year Canberra became capital" },
        { visit: "http://wikipedia.org/wiki/Canberra/", goal: "Find when Canberra became the capital" },
        { visit: "https://en.wikipedia.org/wiki/Walter_Burley_Griffin", goal: "Find who designed Canberra's plan" },
      ]),
    );
    expect(labels(l)).toEqual(["EXPLORATION", "VERIFICATION", "REDUNDANTQUERY", "REDUNDANTQUERY", "EXPLORATION"]);
    expect(l[1]!.evidence).toMatch(/verification 1 of B_v=1/);
    expect(l[2]!.evidence).toMatch(/already verified 1 time/);
  });

  it("B_v is an option", () => {
    const specs = [
      { visit: "https://a.example/x", goal: "Find the founding year of ACME" },
      { visit: "https://b.example/x", goal: "Verify founding year of ACME" },
      { visit: "https://c.example/x", goal: "Check ACME founding year" },
    ];
    expect(labels(new HeuristicLabeller({ verifyBudget: 2 }).label(traj(specs)))).toEqual([
      "EXPLORATION",
      "VERIFICATION",
      "VERIFICATION",
    ]);
    expect(labels(new HeuristicLabeller({ verifyBudget: 0 }).label(traj(specs)))).toEqual([
      "EXPLORATION",
      "REDUNDANTQUERY",
      "REDUNDANTQUERY",
    ]);
  });

  it("the same URL for a new goal is EXPLORATION by default (an option); without goals only the URL counts", () => {
    const specs = [
      { visit: "https://a.example/p", goal: "Find the author of the book" },
      { visit: "https://a.example/p", goal: "Find the publisher of the magazine" },
    ];
    expect(labels(H.label(traj(specs)))).toEqual(["EXPLORATION", "EXPLORATION"]);
    expect(labels(new HeuristicLabeller({ sameUrlNewGoal: "REDUNDANTQUERY" }).label(traj(specs)))).toEqual([
      "EXPLORATION",
      "REDUNDANTQUERY",
    ]);
    expect(
      labels(
        H.label(
          traj([{ visit: "https://a.example/p" }, { visit: "https://b.example/q" }, { visit: "https://a.example/p" }]),
        ),
      ),
    ).toEqual(["EXPLORATION", "EXPLORATION", "REDUNDANTQUERY"]);
  });

  it("a batched visit gets its best item; per-URL labels are kept", () => {
    const l = H.label(
      traj([
        {
          visit: ["https://a.example/1", "https://b.example/2", "https://c.example/3"],
          goal: "Find the tallest tower in Europe",
        },
      ]),
    );
    expect(labels(l)).toEqual(["EXPLORATION"]);
    expect(l[0]!.items!.map((i) => i.label)).toEqual(["EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"]);
  });

  it("answer and other calls get no label", () => {
    const l = H.label(
      traj([
        { tool: "submit_final_result", args: { answer: "x" } },
        { tool: "calculate", args: { expression: "1+1" } },
      ]),
    );
    expect(labels(l)).toEqual([null, null]);
    expect(l.map((x) => x.utility)).toEqual([null, null]);
  });
});

describe("utility", () => {
  it("scores new URLs, new hosts, new text and the first appearance of the gold answer", () => {
    // six results on six hosts, returned again by the second search
    const hits = [
      "https://a.example/1",
      "https://b.example/2",
      "https://c.example/3",
      "https://d.example/4",
      "https://e.example/5",
      "https://f.example/6",
    ];
    const l = H.label(
      traj(
        [
          { search: "q one", hits },
          { search: "q one again", hits },
          { visit: "https://a.example/1", goal: "Find the answer", text: "The capital is Canberra since 1913." },
          {
            visit: "https://z.example/1",
            goal: "Verify the answer",
            text: "The capital is Canberra since 1913.",
            fail: true,
          },
        ],
        ["Canberra"],
      ),
    );
    // first search: 6 new URLs (cap 5 → 1.0), 6 new hosts (cap 3 → 1.0), all text new: 0.3 + 0.2 + 0.3 = 0.8
    expect(l[0]!.utility).toBe(0.8);
    // identical results and text: nothing new
    expect(l[1]!.utility).toBe(0);
    // page: a first read (0.3), host seen (0), some new words, gold first seen (0.2)
    expect(l[2]!.utility!).toBeGreaterThan(0.5);
    expect(l[2]!.evidence).toMatch(/gold answer first seen/);
    // failed call
    expect(l[3]!.utility).toBe(0);
  });

  it("weights are options", () => {
    const t = traj([{ search: "q", hits: ["https://a.example/1"] }]);
    const l = new HeuristicLabeller({
      utility: { weights: { urls: 1, domains: 0, evidence: 0, gold: 0 }, scale: { urls: 1, domains: 1 } },
    }).label(t);
    expect(l[0]!.utility).toBe(1);
  });
});

describeShared("on real trajectories", () => {
  it("labels every search and page call of the WebDancer and R1-Searcher samples, deterministically", async () => {
    const { trajectories } = await loadTrajectories([
      shared("webdancer/sample_traj.jsonl"),
      shared("r1_searcher/bamboogle_qwen.jsonl"),
    ]);
    const a = trajectories.map((t) => H.label(t));
    const b = trajectories.map((t) => new HeuristicLabeller().label(t));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const all = a.flat();
    expect(all).toHaveLength(222 + 248);
    expect(all.every((l) => l.label !== null && l.utility !== null && l.utility >= 0 && l.utility <= 1)).toBe(true);
    // the first call of every rollout is new by definition
    for (const ls of a) if (ls.length) expect(["UNIQUESEARCH", "EXPLORATION"]).toContain(ls[0]!.label);
  });
});
