/**
 * FireAct ReAct runs (../shared/data/fireact): one JSON object keyed by question id. The
 * loader expands the object (engineer F1's part); here each value goes through the ReAct reader
 * directly, with the counts computed independently from the raw text. The chat-model layout
 * (`traj` as messages) is built from the same runs the way FireAct's `generation.py` writes it
 * with `chatgpt_format`: the question as the first user message, each `Thought/Action` as an
 * assistant message and each observation as a user message.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SHARED_DATA } from "../helpers.js";
import { reactReader } from "../../lib/formats/react.js";
import { toolRoles } from "../../lib/trajectory/tool-roles.js";
import type { Trajectory } from "../../lib/index.js";

const FILE = join(SHARED_DATA, "fireact", "hotpotqa_dev_0_500_llama-2-13b.json");
const HAVE = existsSync(FILE);
const WHY = HAVE ? "" : " (skipped: ../shared/data/fireact is not beside the repository)";

interface Run {
  reward: boolean;
  em: boolean;
  f1: number;
  gt: string;
  pred: string;
  traj: string;
}

function read(value: unknown, line = 1): Trajectory {
  return reactReader.read(value, { file: FILE, line, roles: toolRoles() });
}

/** The chatgpt_format layout of one Alpaca-string run. */
function asMessages(run: Run): Omit<Run, "traj"> & { traj: { role: string; content: string }[] } {
  const body = run.traj.split("### Response:\n")[1] ?? "";
  const question = /### Instruction:\n([\s\S]*?)\n\n### Response:/.exec(run.traj)![1]!;
  const msgs: { role: string; content: string }[] = [{ role: "user", content: question }];
  for (const chunk of body.split(/\n(?=Observation: )/)) {
    if (chunk.startsWith("Observation: ")) {
      const nl = chunk.indexOf("\nThought");
      msgs.push({ role: "user", content: nl === -1 ? chunk.trimEnd() : chunk.slice(0, nl) });
      if (nl !== -1) msgs.push({ role: "assistant", content: chunk.slice(nl + 1) });
    } else msgs.push({ role: "assistant", content: chunk });
  }
  return { ...run, traj: msgs };
}

describe.skipIf(!HAVE)(`FireAct runs${WHY}`, () => {
  const runs = HAVE ? (JSON.parse(readFileSync(FILE, "utf8")) as Record<string, Run>) : {};

  it("499 runs, 1,643 actions: 1,144 search calls with their observations and 499 finish answers", () => {
    const values = Object.values(runs);
    const actions = values.map((r) => [...r.traj.matchAll(/^Action(?: \d+)?: +(\w+)\[/gm)].map((m) => m[1]!));
    const nSearch = actions.flat().filter((a) => a === "search").length;
    const nFinish = actions.flat().filter((a) => a === "finish").length;
    expect([values.length, actions.flat().length, nSearch, nFinish]).toEqual([499, 1643, 1144, 499]);

    const ts = values.map((v) => read(v));
    expect(values.every((v) => reactReader.detect(v) >= 0.8)).toBe(true);
    expect(ts.reduce((n, t) => n + t.calls.length, 0)).toBe(nSearch);
    expect(ts.map((t) => t.calls.length)).toEqual(actions.map((a) => a.filter((x) => x === "search").length));
    expect(
      ts.every((t) => t.calls.every((c) => c.role === "search" && c.response !== null && c.queries.length === 1)),
    ).toBe(true);
    // finish[…] is the answer, never a call; every run finished
    const finishes = values.map((r) =>
      [...r.traj.matchAll(/^Action(?: \d+)?: +finish\[(.*)\]$/gm)].map((m) => m[1]!).pop(),
    );
    expect(ts.map((t) => t.finalAnswer)).toEqual(finishes);
    expect(ts.filter((t) => t.truncated).length).toBe(0);
    // verdict from em, gold from gt, question from the Alpaca instruction
    expect(ts.map((t) => t.verdict)).toEqual(values.map((r) => (r.em ? "correct" : "incorrect")));
    expect(ts.filter((t) => t.verdict === "correct").length).toBe(172);
    expect(ts.map((t) => t.goldAnswers)).toEqual(values.map((r) => [r.gt]));
    expect(ts.every((t) => t.question.length > 0 && !t.question.includes("###"))).toBe(true);
  });

  it("reads the chat-message layout of the same runs to the same calls, answers and verdicts", () => {
    const values = Object.values(runs);
    const a = values.map((v) => read(v));
    const b = values.map((v) => read(asMessages(v)));
    const view = (t: Trajectory): unknown => [
      t.question,
      t.calls.map((c) => [c.name, c.queries, c.response]),
      t.finalAnswer,
      t.verdict,
    ];
    expect(b.map(view)).toEqual(a.map(view));
  });

  it("falls back to reward when em is absent, and to pred when no finish[] was reached", () => {
    const [first] = Object.values(runs);
    const { em: _em, ...noEm } = first!;
    expect(read({ ...noEm, reward: 1 }).verdict).toBe("correct");
    expect(read({ ...noEm, reward: 0 }).verdict).toBe("incorrect");
    const cut = { ...first!, traj: first!.traj.replace(/\nAction: +finish\[[\s\S]*$/, "\n") };
    const t = read(cut);
    expect([t.truncated, t.finalAnswer]).toEqual([true, first!.pred]);
  });
});
