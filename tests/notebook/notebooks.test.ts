/**
 * Every notebook runs headlessly in the real Jupyter stack (the venv and tslab kernel that
 * `scripts/setup.sh` installs), on the bundled traces, in ≤ 30 s, with no failing cell; and again
 * with `SOUNDING_TRACES` set to a generated verl file and to a generated eval-only file, where the
 * first output says what was loaded and the group / step sections say they are skipped on eval data.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateTraces, loadTrajectories } from "../../lib/index.js";
import { ROOT, SHARED_DATA, tmpDir } from "../helpers.js";

const JUPYTER = join(ROOT, ".venv", "bin", "jupyter");
const notebooks = readdirSync(join(ROOT, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
}

interface Ran {
  ms: number;
  cells: Array<{ outputs?: Output[] }>;
}
const ran = new Map<string, Ran>();

/** Execute a notebook once per environment (later calls reuse the result). */
function run(nb: string, env: Record<string, string> = {}): Ran {
  const key = `${nb}\n${JSON.stringify(env)}`;
  const done = ran.get(key);
  if (done) return done;
  expect(existsSync(JUPYTER), "the Jupyter venv is missing: run `npm run setup`").toBe(true);
  const out = tmpDir("nb-");
  const t0 = Date.now();
  const r = spawnSync(
    JUPYTER,
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=60",
      "--output-dir",
      out,
      join("notebooks", nb),
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        SOUNDING_TRACES: "",
        SOUNDING_LABELS: "",
        SOUNDING_CORPUS: "",
        JUPYTER_PLATFORM_DIRS: "1",
        ...env,
      },
    },
  );
  const ms = Date.now() - t0;
  expect(r.status, `${nb} failed:\n${r.stderr.slice(-3000)}`).toBe(0);
  const result = { ms, cells: JSON.parse(readFileSync(join(out, nb), "utf8")).cells };
  ran.set(key, result);
  return result;
}

const allText = (r: Ran) =>
  r.cells
    .flatMap((c) => c.outputs ?? [])
    .map(text)
    .join("\n");
const text = (o: Output) =>
  [o.text, ...Object.values(o.data ?? {})]
    .flat()
    .filter((x) => typeof x === "string")
    .join("");

describe("notebooks", () => {
  it("there is at least the tour", () => {
    expect(notebooks).toContain("01-tour.ipynb");
  });

  for (const nb of notebooks) {
    it(`${nb} executes headlessly in ≤ 30 s with no error output`, () => {
      const { ms, cells } = run(nb);
      expect(ms).toBeLessThanOrEqual(30_000);
      const outputs = cells.flatMap((c) => c.outputs ?? []);
      expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
      expect(outputs.length).toBeGreaterThan(0);
    });
  }

  it("01-tour shows the inspect summary of the bundled traces", async () => {
    const { cells } = run("01-tour.ipynb");
    const all = cells
      .flatMap((c) => c.outputs ?? [])
      .map(text)
      .join("\n");
    const { report } = await loadTrajectories([join(ROOT, "traces", "generated")]);
    expect(all).toContain(
      `${report.files.length} files, ${report.trajectories} trajectories, ${report.toolCalls} tool calls`,
    );
    expect(all).toContain('<table class="sounding-table">');
    for (const f of ["fathom", "verl"]) expect(all).toContain(`<td style="text-align:left">${f}</td>`);
  });

  // a temporary verl file (one training step, GRPO groups of 5) and an eval-only file (no group, no step)
  const gen = tmpDir("nb-traces-");
  const files = {
    verl: generateTraces(join(gen, "verl"), { format: "verl", seed: 7, prompts: 6, steps: 1, labels: false }).then(
      (f) => f[0]!.path,
    ),
    eval: generateTraces(join(gen, "eval"), { seed: 8, prompts: 30, labels: false }, "my-eval").then((f) => f[0]!.path),
  };

  for (const kind of ["verl", "eval"] as const) {
    for (const nb of notebooks) {
      it(`${nb} on SOUNDING_TRACES=<a generated ${kind} file> says what it loaded, with no error output`, async () => {
        const path = await files[kind];
        const { report } = await loadTrajectories([path]);
        const r = run(nb, { SOUNDING_TRACES: path });
        const outputs = r.cells.flatMap((c) => c.outputs ?? []);
        expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
        const first = text(outputs[0]!);
        expect(first).toContain(
          `loaded SOUNDING_TRACES: 1 file, ${report.trajectories} trajectories, ${report.toolCalls} tool calls`,
        );
        expect(first).toContain(path);
        expect(first).toContain("labels: labelled now with the deterministic labeller");
        const all = allText(r);
        expect(all).not.toContain("NaN");
        if (kind === "eval")
          expect(first).toContain(`these ${report.trajectories} rollouts carry no GRPO group ids or training steps`);
        else expect(first).toMatch(/GRPO groups: 6; training steps: 1\n/);
        if (nb.startsWith("03")) {
          if (kind === "eval") {
            expect(all).toContain("group views skipped");
            expect(all).toContain("step view skipped");
            expect(all).not.toContain("sounding-group");
          } else expect(all).toContain('class="sounding-group"');
        }
        if (nb.startsWith("04")) {
          if (kind === "eval") expect(all).toMatch(/<td[^>]*>n\/a<\/td>/);
          else expect(all).not.toContain("n/a");
        }
        if (nb.startsWith("05")) {
          if (kind === "eval") expect(all).toContain("Fig. 6 and Fig. 7 skipped");
          else expect(all).not.toContain("Fig. 6 and Fig. 7 skipped");
        }
      });
    }
  }

  it("02-relabel compares with the hand labels of real calls when ../shared/data is present, else says what it needs", () => {
    const all = allText(run("02-relabel.ipynb"));
    if (existsSync(SHARED_DATA)) {
      expect(all).toMatch(/hand labels: 158 real calls from \d+ files/);
      expect(all).toContain("deterministic vs hand: 158 calls compared");
      // every κ with its bootstrap interval, and the labeller calibrated to the hand labels on held-out folds
      expect(all).toMatch(/<td[^>]*>\[0\.\d{3}, [01]\.\d{3}\]<\/td>/);
      expect(all).toContain("κ intervals: 95% bootstrap over trajectories, 1000 resamples, seed 1");
      expect(all).toMatch(
        /calibrated to hand: 158 reference calls of \d+ trajectories, 5 folds by trajectory \(seed 1\)/,
      );
    } else {
      expect(all).toContain("No reference to compare with");
      expect(all).toContain("No reference to calibrate to");
    }
    // the generator's labels appear only as a labelled sanity check
    expect(all).toContain("sanity check (generator labels, not evidence of quality)");
  });
});
