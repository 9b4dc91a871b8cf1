/**
 * Every notebook runs headlessly in the real Jupyter stack (the venv and tslab kernel that
 * `scripts/setup.sh` installs), on the bundled traces, in ≤ 30 s, with no failing cell.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTrajectories } from "../../lib/index.js";
import { ROOT, tmpDir } from "../helpers.js";

const JUPYTER = join(ROOT, ".venv", "bin", "jupyter");
const notebooks = readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
}

function run(nb: string): { ms: number; cells: Array<{ outputs?: Output[] }> } {
  expect(existsSync(JUPYTER), "the Jupyter venv is missing: run `npm run setup`").toBe(true);
  const out = tmpDir("nb-");
  const t0 = Date.now();
  const r = spawnSync(JUPYTER, ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=60", "--output-dir", out, join("notebooks", nb)], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PLATFORM_DIRS: "1" },
  });
  const ms = Date.now() - t0;
  expect(r.status, `${nb} failed:\n${r.stderr.slice(-3000)}`).toBe(0);
  return { ms, cells: JSON.parse(readFileSync(join(out, nb), "utf8")).cells };
}

const text = (o: Output) => [o.text, ...Object.values(o.data ?? {})].flat().filter((x) => typeof x === "string").join("");

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
    const all = cells.flatMap((c) => c.outputs ?? []).map(text).join("\n");
    const { report } = await loadTrajectories([join(ROOT, "traces", "generated")]);
    expect(all).toContain(`${report.files.length} files, ${report.trajectories} trajectories, ${report.toolCalls} tool calls`);
    expect(all).toContain('<table class="sounding-table">');
    for (const f of ["fathom", "verl"]) expect(all).toContain(`<td style="text-align:left">${f}</td>`);
  });
});
