/**
 * The version moves (issue 15, item 4): a label set made by heuristic 1.0.0 stays readable, says
 * which version made it, and `sounding agree` against the current version lists what changed.
 * The fixture is 1.0.0's labels of 40 generated rollouts (seed 11), made before the rules changed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateTraces, HEURISTIC_VERSION, readLabelSet } from "../../lib/index.js";
import { cli, ROOT, tmpDir } from "../helpers.js";

const OLD = join(ROOT, "tests", "fixtures", "label-versions", "heuristic-1.0.0.labels.jsonl");

describe("label sets across heuristic versions", () => {
  it("an old set stays readable and is stamped with its version; agree shows both versions and what changed", async () => {
    const old = await readLabelSet(OLD);
    expect(old.issues).toEqual([]);
    expect(old.rows.length).toBe(561);
    expect(new Set(old.rows.map((r) => `${r.labeller} ${r.version}`))).toEqual(new Set(["heuristic 1.0.0"]));
    expect(HEURISTIC_VERSION).not.toBe("1.0.0");

    const dir = tmpDir("versions-");
    await generateTraces(
      dir,
      { seed: 11, prompts: 40, breadth: 4, redundancy: 0.2, verification: 2, failureRate: 0.2, labels: false },
      "versions",
    );
    const out = join(dir, "labels-new");
    expect(cli(["label", dir, "--labeller", "heuristic", "--out", out]).code).toBe(0);

    const text = cli(["agree", OLD, out, "--show", "500"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("(made by heuristic 1.0.0)");
    expect(text.stdout).toContain(`(made by heuristic ${HEURISTIC_VERSION})`);
    expect(text.stdout).toMatch(/calls in both: 561 \(only in A: 0, only in B: 0\)/);

    const j = JSON.parse(cli(["agree", "--json", OLD, out]).stdout) as {
      madeByA: string;
      madeByB: string;
      matched: number;
      disagreements: Array<{ role: string; a: string; b: string; evidenceB?: string }>;
    };
    expect([j.madeByA, j.madeByB]).toEqual(["heuristic 1.0.0", `heuristic ${HEURISTIC_VERSION}`]);
    // the rules changed some labels, and each change is explained by a rule that 1.0.0 did not have
    expect(j.disagreements.length).toBeGreaterThan(0);
    expect(j.disagreements.length).toBeLessThan(j.matched / 4);
    for (const d of j.disagreements) {
      expect(d.role).toBe("search");
      expect(d.evidenceB, `${d.a} → ${d.b}`).toMatch(/^(adds \d+% new|asks \d+, a number|names \S+, which no earlier)/);
    }
    // a disagreement is listed in the text report with both evidences
    expect(text.stdout).toMatch(/disagreements \(\d+\):/);
  });
});
