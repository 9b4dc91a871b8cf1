/** The `sounding` CLI as users run it: the built binary in a child process. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProgressBar } from "../../lib/cli/progress.js";
import { cli, itShared, load, shared, tmpDir, tmpFile } from "../helpers.js";

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe("sounding inspect", () => {
  itShared("prints per-file format, trajectories, calls by role and verdicts", () => {
    const r = cli(["inspect", shared("r1_searcher/bamboogle_qwen.jsonl"), shared("webdancer/sample_traj.jsonl")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("bamboogle_qwen.jsonl  r1-searcher");
    expect(r.stdout).toMatch(
      /trajectories\s+125\s+answered 125, truncated 0; verdicts: correct 68, incorrect 57, unknown 0/,
    );
    expect(r.stdout).toMatch(/tool calls\s+222\s+search 204, page 18, answer 0, other 0/);
    expect(r.stdout).toContain("total: 2 file(s), 325 trajectories, 470 tool calls, 0 bad record(s), 0 warning(s)");
  });

  itShared("--json prints one object with the documented shape, matching the library", async () => {
    const f = shared("tau_bench/gpt-4o-airline.json");
    const r = cli(["inspect", "--json", f]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(["trajectories", "toolCalls", "files", "errors", "warnings"]);
    const { report } = await load(f);
    expect(j.trajectories).toBe(report.trajectories);
    expect(j.toolCalls).toBe(report.toolCalls);
    expect(j.files[0]).toMatchObject({ path: f, format: "openai-chat", trajectories: 200, toolCalls: 1164, errors: 0 });
    expect(j.errors).toEqual([]);
  });

  it("reports bad records with file and line and exits 0; --strict stops with exit 1 and no stack trace", () => {
    const good = JSON.stringify({
      question: "q",
      output: "<search> a </search><information>x</information><answer> b </answer>",
    });
    const f = tmpFile("bad.jsonl", [good, "{not json", good, '{"score": 0}'].join("\n"));
    const r = cli(["inspect", "--json", f]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.trajectories).toBe(2);
    expect(j.errors.map((e: { file: string; line: number }) => [e.file, e.line])).toEqual([
      [f, 2],
      [f, 4],
    ]);
    const human = cli(["inspect", f]);
    expect(human.stdout).toContain(`${f}:2: invalid JSON`);
    const s = cli(["inspect", "--strict", f]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/--strict: stopped at .*bad\.jsonl:2: invalid JSON/);
    noStack(s.stderr);
  });

  itShared("exits 1 on an unreadable file but still reports the others", () => {
    const ok = shared("nemo_gym/google_search__example_rollouts.jsonl");
    const r = cli(["inspect", "--json", join(tmpDir(), "missing.jsonl"), ok]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.files[1]).toMatchObject({ format: "openai-responses", trajectories: 5 });
    expect(j.errors[0].reason).toBe("cannot read file: no such file");
  });

  itShared("exits 2 with a one-line reason on usage errors", () => {
    const f = shared("nemo_gym/google_search__example_rollouts.jsonl");
    const badJson = tmpFile("roles.json", "{oops");
    const badRole = tmpFile("roles2.json", JSON.stringify({ search_direct_flight: "searching" }));
    for (const [args, msg] of [
      [["inspect"], /inspect needs at least one path/],
      [["inspect", "--bogus", f], /Unknown option '--bogus'/],
      [["inspect", "--format", "nope", f], /unknown format "nope"/],
      [["inspect", "--tool-roles", badJson, f], /not valid JSON/],
      [["inspect", "--tool-roles", badRole, f], /expected an object of tool name -> .* at "search_direct_flight"/],
      [["inspect", "--max-record-mb", "lots", f], /--max-record-mb expects a number/],
      [["frobnicate"], /unknown command "frobnicate"/],
    ] as const) {
      const r = cli([...args]);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(msg);
      noStack(r.stderr);
    }
  });

  itShared("--tool-roles re-maps tools: tau-bench's flight search becomes a search", () => {
    const roles = tmpFile(
      "roles.json",
      JSON.stringify({ search_direct_flight: "search", search_onestop_flight: "search" }),
    );
    const r = cli(["inspect", "--json", "--tool-roles", roles, shared("tau_bench/gpt-4o-airline.json")]);
    expect(JSON.parse(r.stdout).files[0].byRole).toEqual({ search: 141 + 38, page: 0, answer: 0, other: 1164 - 179 });
  });

  itShared("--format overrides detection", () => {
    const r = cli(["inspect", "--json", "--format", "fathom", shared("r1_searcher/bamboogle_qwen.jsonl")]);
    const j = JSON.parse(r.stdout);
    expect(j.files[0].format).toBe("fathom");
    expect(j.trajectories).toBe(0);
    expect(j.errors).toHaveLength(125);
  });
});

describe("sounding generate", () => {
  it("writes seeded traces and label sets; same seed, same bytes", () => {
    const a = tmpDir();
    const b = tmpDir();
    const r1 = cli(["generate", "--out", a, "--seed", "9", "--prompts", "4", "--group-size", "2"]);
    const r2 = cli(["generate", "--out", b, "--seed", "9", "--prompts", "4", "--group-size", "2"]);
    expect(r1.code).toBe(0);
    expect(r2.code).toBe(0);
    expect(r1.stdout).toMatch(
      /fathom-eval\.jsonl {2}8 rollouts, \d+ tool calls {2}\(labels: .*fathom-eval\.labels\.jsonl\)/,
    );
    expect(readFileSync(join(a, "fathom-eval.jsonl")).equals(readFileSync(join(b, "fathom-eval.jsonl")))).toBe(true);
    const v = cli([
      "generate",
      "--out",
      join(a, "verl"),
      "--format",
      "verl",
      "--steps",
      "2",
      "--prompts",
      "2",
      "--no-labels",
    ]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim().split("\n")).toHaveLength(2);
    const ins = JSON.parse(cli(["inspect", "--json", a]).stdout);
    expect(ins.files.map((f: { format: string }) => f.format)).toEqual(["fathom", "verl", "verl"]);
  });

  it("rejects bad knobs with exit 2", () => {
    for (const args of [
      ["generate"],
      ["generate", "--out", tmpDir(), "--accuracy", "1.5"],
      ["generate", "--out", tmpDir(), "--datasets", "nope"],
      ["generate", "--out", tmpDir(), "--format", "csv"],
    ]) {
      const r = cli(args);
      expect([args, r.code]).toEqual([args, 2]);
      noStack(r.stderr);
    }
  });
});

describe("progress bar", () => {
  it("draws on a terminal and stays silent otherwise", () => {
    const written: string[] = [];
    const fake = (isTTY: boolean) =>
      ({ isTTY, columns: 120, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream;
    const saved = process.env.CI;
    delete process.env.CI;
    try {
      const bar = new ProgressBar("reading", fake(true));
      bar.update(5 << 20, 10 << 20);
      bar.update(10 << 20, 10 << 20);
      bar.done();
      expect(written[0]).toMatch(/reading \[#{15}-{15}\]\s+50% 5\.0\/10\.0 MB/);
      expect(written.at(-1)).toBe("\r\x1b[K");
      written.length = 0;
      const quiet = new ProgressBar("reading", fake(false));
      quiet.update(1, 2);
      quiet.done();
      expect(written).toEqual([]);
    } finally {
      if (saved !== undefined) process.env.CI = saved;
    }
  });
});
