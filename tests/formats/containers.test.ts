/** Containers of rollouts expanded before detection: keyed objects, Inspect logs, message and event arrays. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHARED_DATA, load, shared, tmpDir, tmpFile } from "../helpers.js";
import { expandPaths } from "../../lib/formats/load.js";
import { expandContainer, gatherRollout, isAgentEvent, isChatMessage } from "../../lib/formats/containers.js";
import type { RawRecord } from "../../lib/io/raw-record.js";

const HAVE_DATA = existsSync(join(SHARED_DATA, "PROVENANCE.md"));
if (!HAVE_DATA)
  console.log(`containers: real-file tests skipped: ${SHARED_DATA} is absent (a fresh clone has no ../shared)`);

const rollout = (q: string) => ({
  question: q,
  golden_answers: ["x"],
  output: `<search> ${q} </search>\n<information>Doc 1(Title: "T") text</information>\n<answer> x </answer>`,
});

const never = (): boolean => false;

async function* from(recs: RawRecord[]): AsyncGenerator<RawRecord> {
  for (const r of recs) yield r;
}
async function collect(g: AsyncIterable<RawRecord>): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of g) out.push(r);
  return out;
}

describe("containers", () => {
  it("an object keyed by id gives one rollout per value; the key is the id when the value has none", async () => {
    const keyed = { q17: rollout("a"), q3: rollout("b"), q9: { ...rollout("c"), id: "own" } };
    const { trajectories, report } = await load(tmpFile("keyed.json", JSON.stringify(keyed, null, 2)));
    expect(report.files[0]!.format).toBe("search-r1");
    expect(trajectories.map((t) => t.id)).toEqual(["q17", "q3", "own"]);
    expect(trajectories.map((t) => t.provenance.recordId)).toEqual(["q17", "q3", "own"]);
    expect(trajectories.map((t) => t.calls.length)).toEqual([1, 1, 1]);
    // a record some reader reads as it is is not a container, whatever its shape
    const single = { a: { x: 1 }, b: { x: 2 } };
    expect(expandContainer(single, 1, () => true).container).toBeNull();
    expect(expandContainer(single, 1, never).members.map((m) => m.key)).toEqual(["a", "b"]);
    // values of different kinds (no shared field) or not all objects: not a keyed container
    expect(expandContainer({ a: { x: 1 }, b: { y: 2 } }, 1, never).container).toBeNull();
    expect(expandContainer({ a: { x: 1 }, b: 2 }, 1, never).container).toBeNull();
  });

  it("property: a keyed object's members are its values in key order, each with its key", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), fc.record({ v: fc.integer(), w: fc.string() }), { minKeys: 1 }),
        (d) => {
          const e = expandContainer(d, 7, never);
          expect(e.container).toBe("keyed-object");
          expect(e.members.map((m) => [m.key, m.value, m.line])).toEqual(Object.entries(d).map(([k, v]) => [k, v, 7]));
        },
      ),
    );
  });

  it("property: a run of messages or events is gathered into one record; bad records pass through", async () => {
    const message = fc.record({ role: fc.constantFrom("user", "assistant", "tool"), content: fc.string() });
    const event = fc.record({
      id: fc.nat(),
      source: fc.constantFrom("agent", "user"),
      action: fc.constantFrom("run", "message"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(message, event), { minLength: 1, maxLength: 20 }),
        fc.nat(5),
        async (vals, badAt) => {
          const recs: RawRecord[] = vals.map((value, i) => ({ kind: "value", line: i + 2, value, bytes: 10 }));
          const bad: RawRecord = { kind: "bad", line: 99, reason: "invalid JSON", excerpt: "" };
          recs.splice(Math.min(badAt, recs.length), 0, bad);
          const out = await collect(gatherRollout(from(recs)));
          expect(out).toEqual([bad, { kind: "value", line: 2, value: vals, bytes: 10 * vals.length }]);
        },
      ),
    );
    const rows: RawRecord[] = [rollout("a"), rollout("b")].map((value, i) => ({
      kind: "value",
      line: i + 1,
      value,
      bytes: 1,
    }));
    expect(await collect(gatherRollout(from(rows)))).toEqual(rows);
    expect([
      isChatMessage({ role: "user", content: "x" }),
      isChatMessage({ role: "user", messages: [], content: "" }),
    ]).toEqual([true, false]);
    expect([isAgentEvent({ id: 1, cause: 0, observation: "run" }), isAgentEvent({ id: 1, action: 3 })]).toEqual([
      true,
      false,
    ]);
  });

  it("directories expand to trace files, Inspect *.eval logs and SWE-agent *.traj files included", async () => {
    const dir = tmpDir();
    for (const f of ["a.eval", "b.traj", "c.jsonl.gz", "d.labels.jsonl", "e.txt", "f.json"])
      writeFileSync(join(dir, f), "{}");
    expect((await expandPaths([dir])).map((p) => p.slice(dir.length + 1))).toEqual([
      "a.eval",
      "b.traj",
      "c.jsonl.gz",
      "f.json",
    ]);
  });

  it("the format list in an undecidable file's message comes from the registry", async () => {
    const { report } = await load(tmpFile("odd.jsonl", JSON.stringify({ foo: 1 })));
    const reason = report.issues[0]!.reason;
    for (const f of ["fathom", "openai-chat", "verifiers", "inspect", "swe-agent", "mini-swe-agent"])
      expect(reason).toContain(f);
  });

  it.skipIf(!HAVE_DATA)(
    "FireAct's keyed object (needs ../shared/data): 499 members, each keyed by its question id",
    () => {
      const raw = JSON.parse(readFileSync(shared("fireact/hotpotqa_dev_0_500_llama-2-13b.json"), "utf8"));
      const e = expandContainer(raw, 1, never);
      expect(e.container).toBe("keyed-object");
      expect(e.members).toHaveLength(Object.keys(raw).length);
      expect(e.members.length).toBe(499);
      expect(e.members.map((m) => m.key)).toEqual(Object.keys(raw));
    },
  );
});
