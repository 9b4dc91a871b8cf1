/** Shared test helpers: repository paths, the shared real data, temp dirs, the built CLI. */
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import {
  loadTrajectories,
  randomSettings,
  rewardConfig,
  type Knob,
  type LoadOptions,
  type Loaded,
  type RewardConfig,
} from "../lib/index.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * `../shared/data` beside the repository (CI and developers have it; users do not).
 * `SOUNDING_SHARED_DATA=DIR` points elsewhere, e.g. at a missing directory to run the suite as a
 * fresh clone would.
 */
export const SHARED_DATA = process.env.SOUNDING_SHARED_DATA
  ? resolve(process.env.SOUNDING_SHARED_DATA)
  : resolve(ROOT, "..", "shared", "data");

/**
 * True when `../shared/data` sits beside the repository. Third-party trajectories are never
 * committed here (see traces/PROVENANCE.md), so a user's fresh clone has none: tests that read
 * them are written with `describeShared` / `itShared` and skip there with one line saying why.
 * With `../shared/data` present nothing skips, and a missing file under it fails (`shared`).
 */
export const HAVE_SHARED = existsSync(SHARED_DATA);
/** The reason printed for every test skipped for lack of `../shared/data`. */
export const SHARED_SKIP_REASON = "needs ../shared/data beside the repository (absent in a user's clone)";

/** Path of a file under `../shared/data`; throws when it is missing. Call it inside a shared test. */
export function shared(rel: string): string {
  const p = join(SHARED_DATA, rel);
  if (!existsSync(p)) throw new Error(`test data missing: ${p} (../shared/data must sit beside the repository)`);
  return p;
}

type SuiteFn = () => void;
type TestFn = () => unknown;

/**
 * `describe(name, fn)` when `../shared/data` is present. Without it the suite body is not run
 * (so `shared()` calls at collection time are safe), one line `skipped "<name>": needs …` goes to
 * stderr, and one skipped test titled `skipped: needs ../shared/data …` stands in for the suite.
 */
export function describeShared(name: string, fn: SuiteFn): void {
  if (HAVE_SHARED) {
    describe(name, fn);
    return;
  }
  sayWhy(name);
  describe(name, () => it.skip(`skipped: ${SHARED_SKIP_REASON}`, () => undefined));
}

/** The one line a skipped suite or test prints (the reporter itself shows only a count). */
function sayWhy(name: string): void {
  process.stderr.write(`skipped "${name}": ${SHARED_SKIP_REASON}\n`);
}

/** `it(name, fn, timeout)` when `../shared/data` is present, else skipped with the reason in its title. */
export function itShared(name: string, fn: TestFn, timeout?: number): void {
  if (HAVE_SHARED) {
    it(name, fn, timeout);
    return;
  }
  sayWhy(name);
  it.skip(`${name} (skipped: ${SHARED_SKIP_REASON})`, () => undefined);
}

export function tmpDir(prefix = "sounding-"): string {
  const base = join(ROOT, "tests", ".tmp");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

/** Write `content` (string or bytes) to a fresh temp file and return its path. */
export function tmpFile(name: string, content: string | Buffer): string {
  const p = join(tmpDir(), name);
  writeFileSync(p, content);
  return p;
}

export async function load(paths: string | string[], opts: LoadOptions = {}): Promise<Loaded> {
  return loadTrajectories(Array.isArray(paths) ? paths : [paths], opts);
}

/** Run the built CLI (`dist/cli/main.js`, built by `npm test`'s setup step). */
export function cli(
  args: string[],
  opts: { cwd?: string; input?: string } = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    input: opts.input,
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A ChatML turn. */
export function im(role: string, content: string, closed = true): string {
  return `<|im_start|>${role}\n${content}${closed ? "<|im_end|>\n" : ""}`;
}

/** The paper's reward setting, then `n` settings drawn (seeded) over `ranges` around it. */
export function baseAndRandom(
  ranges: Partial<Record<Knob, readonly [number, number]>>,
  n: number,
  seed: number,
): RewardConfig[] {
  const base = rewardConfig({});
  return [base, ...randomSettings(base, ranges, n, seed)];
}

/** Wide knob ranges for the sweep-equality tests: c1 down to −0.2, C_S, C_Q from 1, B_v 0–3, floor, format weight. */
export const WIDE_KNOB_RANGES: Partial<Record<Knob, readonly [number, number]>> = {
  c1: [-0.2, 0.6],
  c2: [0, 0.5],
  CS: [1, 20],
  CQ: [1, 30],
  Bv: [0, 3],
  floor: [0, 0.9],
  formatWeight: [0, 0.3],
};
