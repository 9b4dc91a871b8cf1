/**
 * The house style, checked with the tests (so CI fails on it and says which files): Prettier (print
 * width 120, `.prettierrc.json`) and ESLint with typescript-eslint (`eslint.config.js`: no `any`, no
 * unused names, lines ≤ 120 characters).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
const run = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

describe("house style", () => {
  it("every source file is formatted by Prettier", () => {
    const r = run(bin("prettier"), ["--check", "--log-level", "warn", "."]);
    expect(r.stderr + r.stdout).toBe("");
    expect(r.status).toBe(0);
  }, 180_000);

  it("ESLint finds nothing in lib, tests and bench", () => {
    const r = run(bin("eslint"), ["--max-warnings", "0", "lib", "tests", "bench"]);
    expect(r.stdout.trim()).toBe("");
    expect(r.status).toBe(0);
  }, 300_000);
});
