/**
 * The exported module loaded the way the trainers load it, on the real harness verl dumps:
 * - verl (volcengine/verl@b178a3c): `verl/utils/import_utils.py` load_module/load_extern_object
 *   (spec_from_file_location + exec_module, not added to sys.modules), the function by name, and
 *   `verl/trainer/ppo/reward.py` get_custom_reward_fn binding reward_kwargs with functools.partial
 *   (`_call_with_kwargs`, `_call_with_kwargs_async` for coroutine functions); then called as
 *   `NaiveRewardManager` calls it (keywords data_source=, solution_str=, ground_truth=,
 *   extra_info= with num_turns and rollout_reward_scores added) and as `BatchRewardManager` does
 *   (data_sources=, solution_strs=, ground_truths=, extra_infos=), and the async variant gathered.
 * - TRL (huggingface/trl@f2cd577, `GRPOTrainer._calculate_rewards`): reward_func(prompts=,
 *   completions=, completion_ids=, **dataset columns repeated per sample, trainer_state=,
 *   log_extra=, log_metric=), completions as strings, as one assistant message, and as the
 *   tool-calling message lists TRL builds (assistant `tool_calls` + `tool` messages).
 * Correctness comes from the gold answers, as in training (the dumps' `acc` is not passed).
 */
import { HEURISTIC_VERSION } from "../../lib/index.js";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportVerl, loadTrajectories, rewardConfig, type Trajectory } from "../../lib/index.js";
import { SHARED_DATA, tmpDir } from "../helpers.js";
import { hasPython, jsonl, reference } from "./python-reward.js";

const PY = hasPython();
const VERL_DIR = join(SHARED_DATA, "harness", "verl");
const HARNESS = existsSync(VERL_DIR);
if (!PY) console.log("verl-loading: skipped, python3 >= 3.9 is not on PATH");
else if (!HARNESS)
  console.log(`verl-loading: skipped, ${VERL_DIR} is absent (../shared/data sits beside the repository)`);

const LOADER = String.raw`
import asyncio, importlib.util, inspect, json, os, sys
from functools import partial

def load_extern_object(module_path, object_name):
    # verl/utils/import_utils.py load_module + load_extern_object
    spec = importlib.util.spec_from_file_location(f"custom_module_{hash(os.path.abspath(module_path))}", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, object_name)

def _call_with_kwargs(raw_fn, extra_kwargs, *args, **kwargs):
    return raw_fn(*args, **{**kwargs, **extra_kwargs})

async def _call_with_kwargs_async(raw_fn, extra_kwargs, *args, **kwargs):
    return await raw_fn(*args, **{**kwargs, **extra_kwargs})

def get_custom_reward_fn(path, name, reward_kwargs):
    raw_fn = load_extern_object(path, name)
    if not inspect.iscoroutinefunction(raw_fn):
        return partial(_call_with_kwargs, raw_fn, dict(reward_kwargs))
    return partial(_call_with_kwargs_async, raw_fn, dict(reward_kwargs))

path, rows_file, reward_kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
rows = [json.loads(l) for l in open(rows_file, encoding="utf-8")]
out = {}

naive = get_custom_reward_fn(path, "compute_score", reward_kwargs)
res = []
for r in rows:
    extra_info = {"index": 0, "num_turns": None, "rollout_reward_scores": {}}
    res.append(naive(data_source="frames", solution_str=r["output"], ground_truth=r["gts"], extra_info=extra_info))
out["naive"] = res

batch = get_custom_reward_fn(path, "compute_score_batch", reward_kwargs)
extras = [{"rollout_reward_scores": {}} for _ in rows]
out["batch"] = batch(data_sources=["frames"] * len(rows), solution_strs=[r["output"] for r in rows], ground_truths=[r["gts"] for r in rows], extra_infos=extras)

async_fn = get_custom_reward_fn(path, "compute_score_async", reward_kwargs)
assert inspect.iscoroutinefunction(load_extern_object(path, "compute_score_async"))
async def main():
    return await asyncio.gather(*[async_fn(data_source="frames", solution_str=r["output"], ground_truth=r["gts"], extra_info={}) for r in rows])
out["async"] = asyncio.run(main())

# TRL GRPOTrainer._calculate_rewards
trl = load_extern_object(path, "trl_reward")
class TrainerState: global_step = 7
logged = {}
def call_trl(completions):
    inputs = [{"prompt": [{"role": "user", "content": "q"}], "answer": r["gts"], "completion": c} for r, c in zip(rows, completions)]
    prompts = [x["prompt"] for x in inputs]
    keys = [k for k in inputs[0] if k not in ["prompt", "completion", "completion_ids"]]
    kw = {k: [ex[k] for ex in inputs] for k in keys}
    kw["trainer_state"] = TrainerState()
    kw["log_extra"] = lambda column, values: logged.__setitem__(column, values)
    kw["log_metric"] = lambda name, value: None
    return trl(prompts=prompts, completions=completions, completion_ids=[[1, 2, 3]] * len(completions), **kw)
bound = partial(trl, **reward_kwargs)
trl = bound
out["trl_strings"] = call_trl([r["output"] for r in rows])
out["trl_messages"] = call_trl([[{"role": "assistant", "content": r["output"]}] for r in rows])
out["trl_logged"] = logged.get("sounding_labels")
out["trl_tools"] = call_trl(json.loads(open(sys.argv[4], encoding="utf-8").read()))
out["trl_tools_labels"] = logged.get("sounding_labels")
print(json.dumps(out))
`;

/** The rollout as TRL's tool-calling loop holds it: assistant messages with tool_calls, then tool messages. */
function trlMessages(t: Trajectory): Array<Record<string, unknown>> {
  const msgs: Array<Record<string, unknown>> = [];
  for (const s of t.steps) {
    const calls = s.calls.map((i) => t.calls[i]!);
    const content = s.text.replace(/<tool_call>[\s\S]*?<\/tool_call>/g, "").trim();
    msgs.push({
      role: "assistant",
      content,
      ...(calls.length
        ? {
            tool_calls: calls.map((c) => ({
              type: "function",
              function: { name: c.name, arguments: c.parsedArguments ?? {} },
            })),
          }
        : {}),
    });
    for (const c of calls) if (c.response !== null) msgs.push({ role: "tool", name: c.name, content: c.response });
  }
  return msgs;
}

describe.skipIf(!PY || !HARNESS)("the exported module, loaded as verl and TRL load reward functions", () => {
  it("gives sounding reward's labels, tallies and scores on the real verl dumps, both conventions, async and TRL", async () => {
    const dir = tmpDir("loading-");
    const e = await exportVerl(rewardConfig({}), dir);
    const files = readdirSync(VERL_DIR)
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => join(VERL_DIR, f));
    const { trajectories } = await loadTrajectories(files, { format: "verl" });
    const byFile = new Map(files.map((f) => [f, jsonl(f)]));
    const rows = trajectories.map((t) => byFile.get(t.provenance.source.file)![t.provenance.source.line - 1]!);
    const rowsFile = join(dir, "rows.jsonl");
    writeFileSync(rowsFile, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const toolsFile = join(dir, "trl-tools.json");
    // only rollouts whose every call parsed can be written as TRL tool calls
    const clean = trajectories.map((t) => t.calls.every((c) => c.parsedArguments !== null));
    writeFileSync(
      toolsFile,
      JSON.stringify(
        trajectories.map((t, i) => (clean[i] ? trlMessages(t) : [{ role: "assistant", content: rows[i]!.output }])),
      ),
    );
    const kwargs = { c1: 0.3, Bv: 2 };
    const cfg = rewardConfig(kwargs);
    const script = join(dir, "loader.py");
    writeFileSync(script, LOADER);
    const out = JSON.parse(
      execFileSync("python3", [script, e.python, rowsFile, JSON.stringify(kwargs), toolsFile], {
        encoding: "utf8",
        maxBuffer: 1 << 28,
      }),
    ) as Record<string, unknown[]>;
    // In the trainer there is no dump verdict: the module judges the final answer against the gold
    // answers. The harness's own reward missed brace-less boxes (`$\boxed X$`, pred ""), so the
    // reference is the answer against the gold under the module's normalisation, not the dump's `acc`.
    const norm = (x: string) =>
      x
        .normalize("NFKD")
        .replace(/\p{M}/gu, "")
        .toLowerCase()
        .replace(/[^\p{L}\p{N}_]+|_/gu, " ")
        .split(/\s+/)
        .filter(Boolean)
        .join(" ");
    const judged = trajectories.map((t) => ({
      ...t,
      verdict:
        t.finalAnswer !== null && t.goldAnswers.some((g) => norm(g) === norm(t.finalAnswer!))
          ? ("correct" as const)
          : ("incorrect" as const),
    }));
    expect(judged.filter((t, i) => t.verdict !== trajectories[i]!.verdict).length).toBeLessThanOrEqual(3);
    const want = judged.map((t) => reference(t, cfg));
    for (const conv of ["naive", "batch", "async"]) {
      const got = out[conv] as Array<Record<string, unknown>>;
      expect(got).toHaveLength(trajectories.length);
      got.forEach((g, i) => {
        const w = want[i]!;
        expect({ conv, i, ...g, score: Math.round((g.score as number) * 1e12) }).toMatchObject({
          conv,
          i,
          ...w,
          score: Math.round(w.score * 1e12),
          reward_spec: `${e.hash}+Bv=2+c1=0.3`,
          labeller: `heuristic@${HEURISTIC_VERSION}`,
        });
        expect(Object.keys(g)).toEqual([
          "score",
          "reward_spec",
          "labeller",
          "T",
          "n_uniq_s",
          "n_red_s",
          "n_explore",
          "n_verify",
          "n_red_q",
          "rho",
          "delta_s",
          "delta_q",
          "correct",
          "format_ok",
          "labels",
        ]);
      });
    }
    for (const conv of ["trl_strings", "trl_messages"]) {
      const got = out[conv] as number[];
      got.forEach((g, i) => expect([conv, i, Math.abs(g - want[i]!.score) <= 1e-12]).toEqual([conv, i, true]));
    }
    expect(out.trl_logged).toEqual(want.map((w) => w.labels));
    // TRL tool-calling messages: the same calls, so the same labels
    expect(out.trl_tools_labels).toEqual(want.map((w) => w.labels));
    expect(clean.filter(Boolean).length).toBeGreaterThan(100);
  }, 120_000);
});
