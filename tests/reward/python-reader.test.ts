/**
 * The exported module's reader of verl's `solution_str` (`read_solution` in
 * lib/reward/python/05-solution-parser.py) gives the calls the TypeScript verl reader gives, field
 * for field, on seeded random solution strings: simulator rollouts with every knob drawn at random
 * (parallel calls, failures, truncation, batched queries), fuzz rollouts (fuzz-rollouts.ts), and
 * both cut at a random character, the way a response-length limit cuts a rollout mid-tag. The
 * labels and rewards are held equal by python-parity.test.ts; this holds the reader itself, so a
 * faster reader (search hits parsed lazily, fast paths) cannot drift from the reference unseen.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { exportVerl, generateTraces, loadTrajectories, rewardConfig, type Trajectory } from "../../lib/index.js";
import { tmpDir } from "../helpers.js";
import { fuzzOutput } from "./fuzz-rollouts.js";
import { hasPython } from "./python-reward.js";

const PY = hasPython();
if (!PY) console.log("python-reader: skipped, python3 >= 3.9 is not on PATH");

// one line per solution: the rollout as the Python reader reads it (the judge's detail mode, which
// also reads tool failures out of responses), the search hits trimmed as TypeScript trims them
const SCRIPT = `
import json, sys
sys.path.insert(0, sys.argv[1])
import sounding_reward as m
out = []
for line in open(sys.argv[2], encoding="utf-8"):
    r = m.read_solution(json.loads(line), None, True)
    calls = []
    for c in r.calls:
        hits = m.call_hits(c)[0]
        calls.append({
            "name": c["name"], "role": c["role"], "queries": c["queries"], "urls": c["urls"], "goal": c["goal"],
            "arguments": m.call_arguments(c), "parsed": c["parsed"], "response": c["response"],
            "results": [[h[0], m.hit_title(h), m.hit_snippet(h)] for h in hits],
            "error": c["error"], "errorReason": c["error_reason"],
        })
    out.append(json.dumps({"calls": calls, "finalAnswer": r.final_answer, "truncated": r.truncated, "steps": len(r.steps)}))
sys.stdout.write("\\n".join(out) + "\\n")
`;

/**
 * An error reason without the JSON parser's own message ("call is not valid JSON (Expected ','
 * …)"): V8 and Python word their syntax errors differently; the reason itself must agree.
 */
const engineless = (r: string | null) => (r === null ? r : r.replace(/^(call is not valid JSON) \(.*\)$/s, "$1"));

function tsView(t: Trajectory) {
  return {
    calls: t.calls.map((c) => ({
      name: c.name,
      role: c.role,
      queries: c.queries,
      urls: c.urls,
      goal: c.goal,
      arguments: c.arguments,
      parsed: c.parsedArguments !== null,
      response: c.response,
      results: c.results.map((h) => [h.url, h.title, h.snippet]),
      error: c.error,
      errorReason: engineless(c.errorReason),
    })),
    finalAnswer: t.finalAnswer,
    truncated: t.truncated,
    steps: t.steps.length,
  };
}

/** The first field where two JSON values differ, as `path: Python … TypeScript …`. */
function firstDifference(a: unknown, b: unknown, path = ""): string {
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${path}.${k}`);
    }
  }
  return `${path}: Python ${JSON.stringify(a)?.slice(0, 200)} TypeScript ${JSON.stringify(b)?.slice(0, 200)}`;
}

describe.skipIf(!PY)("Python reader of solution_str = TypeScript verl reader", () => {
  it("on seeded random solution strings: simulator knobs at random, fuzz rollouts, cuts at any character", async () => {
    const dir = tmpDir("reader-");
    await exportVerl(rewardConfig({}), dir);
    const outputs: string[] = [];
    // simulator rollouts, every knob drawn per set
    const knobs = fc.sample(
      fc.record({
        seed: fc.integer({ min: 1, max: 1e6 }),
        breadth: fc.double({ min: 0.3, max: 6, noNaN: true }),
        verification: fc.integer({ min: 0, max: 4 }),
        redundancy: fc.double({ min: 0, max: 0.7, noNaN: true }),
        parallel: fc.double({ min: 0, max: 1, noNaN: true }),
        failureRate: fc.double({ min: 0, max: 0.4, noNaN: true }),
        truncationRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
        horizon: fc.integer({ min: 4, max: 48 }),
      }),
      { numRuns: 8, seed: 41 },
    );
    for (const [i, k] of knobs.entries()) {
      const files = await generateTraces(join(dir, `gen-${i}`), {
        format: "verl",
        prompts: 6,
        groupSize: 4,
        steps: 1,
        labels: false,
        ...k,
      });
      for (const f of files)
        for (const l of readFileSync(f.path, "utf8").trim().split("\n"))
          outputs.push(String((JSON.parse(l) as { output: unknown }).output));
    }
    // fuzz rollouts: batched queries, malformed calls, other tools, ReCall / Search-R1 / R1-Searcher tags
    for (const s of fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { numRuns: 600, seed: 43 }))
      outputs.push(fuzzOutput(s).output);
    // every one of them also cut at a random character (inside a tag, a call, a response, ...)
    const cuts = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: outputs.length, seed: 47 });
    const whole = outputs.length;
    for (let i = 0; i < whole; i++) outputs.push(outputs[i]!.slice(0, Math.floor(cuts[i]! * outputs[i]!.length)));

    const file = join(dir, "rows.jsonl");
    writeFileSync(
      file,
      outputs.map((o) => JSON.stringify({ input: "user\nq\nassistant\n", output: o, gts: ["x"] })).join("\n") + "\n",
    );
    const { trajectories } = await loadTrajectories([file], { format: "verl" });
    const solutions = join(dir, "solutions.jsonl");
    writeFileSync(
      solutions,
      trajectories.map((t) => JSON.stringify(outputs[t.provenance.source.line - 1])).join("\n") + "\n",
    );
    const got = execFileSync("python3", ["-c", SCRIPT, dir, solutions], { encoding: "utf8", maxBuffer: 1 << 30 })
      .trim()
      .split("\n")
      .map((l) => {
        const v = JSON.parse(l) as { calls: Array<{ errorReason: string | null }> };
        for (const c of v.calls) c.errorReason = engineless(c.errorReason);
        return v;
      });
    expect(got).toHaveLength(trajectories.length);
    const bad: string[] = [];
    trajectories.forEach((t, i) => {
      const want = tsView(t);
      if (JSON.stringify(got[i]) !== JSON.stringify(want))
        bad.push(`line ${t.provenance.source.line}: ${firstDifference(got[i], want)}`);
    });
    expect(bad.slice(0, 5), `${bad.length} of ${trajectories.length} rollouts differ`).toEqual([]);
    // the sample reaches the corners it is for
    const calls = trajectories.flatMap((t) => t.calls);
    expect(trajectories.length).toBeGreaterThan(1000);
    expect(trajectories.filter((t) => t.truncated).length).toBeGreaterThan(50);
    expect(trajectories.filter((t) => t.steps.some((s) => s.calls.length > 1)).length).toBeGreaterThan(100);
    expect(calls.filter((c) => c.error).length).toBeGreaterThan(100);
    expect(calls.filter((c) => c.queries.length > 1).length).toBeGreaterThan(100);
  }, 300_000);
});
