/** Shared test helpers: repository paths, the shared real data, temp dirs, the built CLI. */
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { loadTrajectories, type LoadOptions, type Loaded } from "../lib/index.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** `../shared/data` beside the repository (CI and developers have it; users do not). */
export const SHARED_DATA = resolve(ROOT, "..", "shared", "data");

export function shared(rel: string): string {
  const p = join(SHARED_DATA, rel);
  if (!existsSync(p)) throw new Error(`test data missing: ${p} (../shared/data must sit beside the repository)`);
  return p;
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
export function cli(args: string[], opts: { cwd?: string; input?: string } = {}): { code: number; stdout: string; stderr: string } {
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
