/**
 * Files the real harness code wrote (../shared/data/harness: Fathom's eval_search.py, verl's
 * dump, ReCall's trainer save and FlashRAG eval). Every count is computed a second way here,
 * from the raw text with plain string and regex counting that follows each harness's own rule,
 * and pinned to the numbers in PROVENANCE.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { load, SHARED_DATA } from "../helpers.js";
import type { Trajectory } from "../../lib/index.js";

const HAVE = existsSync(join(SHARED_DATA, "harness"));
const WHY = HAVE ? "" : " (skipped: ../shared/data/harness is not beside the repository)";
const path = (rel: string): string => join(SHARED_DATA, "harness", rel);

function jsonl(p: string): Record<string, unknown>[] {
  return readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
const count = (s: string, needle: string): number => s.split(needle).length - 1;
const COMPLETE_CALL = /<tool_call>([\s\S]*?)<\/tool_call>/g;
const parses = (s: string): boolean => {
  try {
    const v: unknown = JSON.parse(s.trim());
    return typeof v === "object" && v !== null && "name" in v && typeof v.name === "string";
  } catch {
    return false;
  }
};
/** Assistant turns of a ChatML string (special tokens kept), as ReCall's loop sees them. */
const assistantTurns = (t: string): string[] =>
  t
    .split("<|im_start|>assistant\n")
    .slice(1)
    .map((s) => s.split("<|im_end|>")[0]!);
/** Calls by the eval-loop rule: a turn whose tag counts differ yields none. */
function evalLoopCalls(t: string): string[] {
  const out: string[] = [];
  for (const turn of assistantTurns(t)) {
    if (count(turn, "<tool_call>") !== count(turn, "</tool_call>")) continue;
    for (const m of turn.matchAll(COMPLETE_CALL)) out.push(m[1]!);
  }
  return out;
}
/** Stopped, not finished: the turn cap (an empty assistant prefix) or a cut inside a call or <think>. */
function evalLoopCut(t: string): boolean {
  if (/<\|im_start\|>assistant\n<think>\s*$/.test(t)) return true;
  const last = assistantTurns(t).pop() ?? "";
  if (last.includes("\\boxed")) return false;
  return (
    count(last, "<tool_call>") > count(last, "</tool_call>") || (last.includes("<think>") && !last.includes("</think>"))
  );
}
const searches = (ts: Trajectory[], role: string): number =>
  ts.reduce((n, t) => n + t.calls.filter((c) => c.role === role && c.parsedArguments !== null).length, 0);
const unparsable = (ts: Trajectory[]): number =>
  ts.reduce((n, t) => n + t.calls.filter((c) => c.parsedArguments === null).length, 0);

describe.skipIf(!HAVE)(`files the real harnesses wrote${WHY}`, () => {
  it("Fathom eval_search.py: 118 rows, 661 calls (384 search, 263 page, 14 unparsable), cuts and turn cap truncated", async () => {
    const p = path("fathom/frames-Fathom-Search-4B.jsonl");
    const raw = jsonl(p);
    const calls = raw.flatMap((r) => evalLoopCalls(r.transcript as string));
    const names = calls.filter(parses).map((c) => (JSON.parse(c) as { name: string }).name);
    // search_urls plus the legacy preset's web_search (domain.md §2.1)
    const nSearch = names.filter((n) => n === "search_urls" || n === "web_search").length;
    expect([raw.length, calls.length, nSearch]).toEqual([118, 661, 384]);
    expect([names.filter((n) => n === "query_url").length, calls.length - names.length]).toEqual([263, 14]);
    const cut = raw.filter((r) => evalLoopCut(r.transcript as string)).map((r) => r.id);

    const { trajectories: ts, report } = await load(p);
    expect(report.files[0]!.format).toBe("fathom");
    expect([ts.length, report.toolCalls, searches(ts, "search"), searches(ts, "page"), unparsable(ts)]).toEqual([
      118, 661, 384, 263, 14,
    ]);
    expect(ts.filter((t) => t.truncated).map((t) => t.provenance.recordId)).toEqual(cut);
    expect(cut.length).toBe(8);
    const byId = new Map(ts.map((t) => [t.provenance.recordId, t]));
    // `$\boxed 96$` without braces is the answer 96, as the harness extracts it
    expect(byId.get("frames-2")!.finalAnswer).toBe("96");
    expect(raw.find((r) => r.id === "frames-2")!.model_answer).toBe("96");
    // "No further <tool_call> is needed" in prose before the boxed answer: answered, not truncated
    const six = byId.get("frames-6")!;
    expect([six.truncated, six.finalAnswer]).toEqual([false, "Mendelevium is named after Dmitri Mendeleev."]);
    // the 64-turn cap: the transcript ends on the pre-filled assistant prefix
    const capped = raw.filter((r) => (r.transcript as string).endsWith("<|im_start|>assistant\n<think>"));
    expect(capped.map((r) => byId.get(r.id as string)!.truncated)).toEqual([true]);
    // rows without \boxed get the prompt's example "20c" from the harness; sounding reports no answer
    const noBox = raw.filter((r) => !(assistantTurns(r.transcript as string).pop() ?? "").includes("\\boxed"));
    expect(noBox.every((r) => r.model_answer === "20c")).toBe(true);
    expect(noBox.map((r) => byId.get(r.id as string)!.finalAnswer)).toEqual(noBox.map(() => null));
  });

  it.each([
    ["1", 187, 12],
    ["2", 176, 4],
    ["3", 197, 15],
  ])(
    "verl dump %s.jsonl: 40 rollouts, %i calls in the text, %i cut by the turn or length limit",
    async (step, nCalls, nCut) => {
      const p = path(`verl/${step}.jsonl`);
      const raw = jsonl(p);
      // verl cuts response tokens after the calls ran: every complete call block in the text counts
      const calls = raw.reduce((n, r) => n + [...(r.output as string).matchAll(COMPLETE_CALL)].length, 0);
      // finished = the output ends on the model's own answer turn (a \boxed answer or a closed reasoning + text)
      const cut = raw.filter((r) => {
        const o = r.output as string;
        const tail = o.slice(Math.max(o.lastIndexOf("</tool_response>"), 0));
        if (o.lastIndexOf("<tool_response>") > o.lastIndexOf("</tool_response>")) return true;
        const turn = tail.replace(/^<\/tool_response>/, "");
        return !turn.includes("\\boxed") && !/<\/think>\s*\n\n[^<]+$/.test(turn);
      });
      expect([raw.length, calls, cut.length]).toEqual([40, nCalls, nCut]);

      const { trajectories: ts, report } = await load(p);
      expect(report.files[0]!.format).toBe("verl");
      expect([ts.length, report.toolCalls, report.files[0]!.truncated]).toEqual([40, nCalls, nCut]);
      expect(ts.map((t) => t.truncated)).toEqual(raw.map((r) => cut.includes(r)));
      expect(new Set(ts.map((t) => t.provenance.trainingStep))).toEqual(new Set([Number(step)]));
      // verdicts: the reward function's acc key
      expect(ts.map((t) => t.verdict)).toEqual(raw.map((r) => (r.acc ? "correct" : "incorrect")));
    },
  );

  it.each([
    ["1", 187],
    ["2", 176],
    ["3", 197],
  ])(
    "ReCall train_%s.jsonl: the same rollouts as the verl dump, %i calls, EOS-less rows truncated",
    async (step, nCalls) => {
      const p = path(`recall-train/train_${step}.jsonl`);
      const raw = jsonl(p);
      const text = (r: Record<string, unknown>): string => r.sequences_str as string;
      const response = (r: Record<string, unknown>): string => text(r).slice(text(r).indexOf("<|im_start|>assistant"));
      const calls = raw.reduce((n, r) => n + [...response(r).matchAll(COMPLETE_CALL)].length, 0);
      const noEos = raw.filter((r) => r.reason === "not end with eos token");
      expect([raw.length, calls]).toEqual([40, nCalls]);

      const { trajectories: ts, report } = await load(p);
      expect(report.files[0]!.format).toBe("recall-train");
      expect([ts.length, report.toolCalls]).toEqual([40, nCalls]);
      expect(ts.map((t) => t.truncated)).toEqual(raw.map((r) => noEos.includes(r)));
      expect(ts.map((t) => t.provenance.trainingStep)).toEqual(raw.map(() => Number(step)));
      expect(ts.map((t) => t.goldAnswers)).toEqual(raw.map((r) => r.ground_truth));
      // the verdict is a full-F1 score by the default threshold; 0.1 (format reward) and partial F1 are not correct
      expect(ts.map((t) => t.verdict)).toEqual(raw.map((r) => ((r.score as number) >= 1 ? "correct" : "incorrect")));
      // same calls as verl's dump of the same step, in the same order
      const verl = (await load(path(`verl/${step}.jsonl`))).trajectories;
      expect(ts.map((t) => t.calls.map((c) => c.arguments))).toEqual(verl.map((t) => t.calls.map((c) => c.arguments)));
      // rollouts of one prompt share a group: 8 prompts of 5 rollouts
      const groups = new Map<string, number>();
      for (const t of ts) groups.set(t.provenance.groupId!, (groups.get(t.provenance.groupId!) ?? 0) + 1);
      expect([...groups.values()].sort()).toEqual(Array(8).fill(5));
    },
  );

  it("FlashRAG intermediate_data.json: 60 items, 236 calls (232 search, 4 unparsable), em verdicts, turn cap", async () => {
    const p = path("recall-eval/intermediate_data.json");
    const raw = JSON.parse(readFileSync(p, "utf8")) as {
      id: string;
      output: { final_response: string; metric_score: { em: number } };
    }[];
    const calls = raw.flatMap((r) => evalLoopCalls(r.output.final_response));
    expect([raw.length, calls.length, calls.filter((c) => !parses(c)).length]).toEqual([60, 236, 4]);
    const cut = raw.filter((r) => evalLoopCut(r.output.final_response));

    const { trajectories: ts, report } = await load(p);
    expect(report.files[0]!.format).toBe("flashrag");
    expect([ts.length, report.toolCalls, searches(ts, "search"), unparsable(ts)]).toEqual([60, 236, 232, 4]);
    expect(ts.map((t) => t.truncated)).toEqual(raw.map((r) => cut.includes(r)));
    expect(ts.map((t) => t.verdict)).toEqual(raw.map((r) => (r.output.metric_score.em >= 1 ? "correct" : "incorrect")));
    const em = Number(/^em: (\S+)/m.exec(readFileSync(path("recall-eval/metric_score.txt"), "utf8"))![1]);
    expect(ts.filter((t) => t.verdict === "correct").length / ts.length).toBeCloseTo(em, 12);
    // wiki passages ("Title"\ntext) are parsed into hits
    const wiki = ts.flatMap((t) => t.calls.filter((c) => c.role === "search" && !c.error && c.response));
    expect(wiki.every((c) => c.results.length > 0)).toBe(true);
  });
});
