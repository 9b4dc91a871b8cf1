/** Shared pieces of the call-alignment property tests (viewer.test.ts, views.test.ts). */
import fc from "fast-check";
import { expect } from "vitest";
import { alignCalls, type Trajectory } from "../../lib/index.js";
import type { CallSpec } from "../labels/build.js";

/** Call lists of up to 8 searches for one of `words` and visits to `https://<its first word>.example/`. */
export function callLists(words: string[]): fc.Arbitrary<CallSpec[]> {
  const word = fc.constantFrom(...words);
  return fc.array(
    fc.oneof(
      word.map((w) => ({ search: w })),
      word.map((w) => ({ visit: `https://${w.split(" ")[0]}.example/` })),
    ),
    { maxLength: 8 },
  );
}

type Call = Trajectory["calls"][number];

/**
 * `alignCalls(a, b)`, checked to keep both rollouts' call order with every call exactly once; the
 * calls it matched, as pairs.
 */
export function matchedCalls(a: Trajectory, b: Trajectory): Array<[Call, Call]> {
  const steps = alignCalls(a, b);
  expect(steps.filter((s) => s.a !== null).map((s) => s.a)).toEqual(a.calls.map((c) => c.index));
  expect(steps.filter((s) => s.b !== null).map((s) => s.b)).toEqual(b.calls.map((c) => c.index));
  return steps.flatMap((s) => (s.a !== null && s.b !== null ? [[a.calls[s.a]!, b.calls[s.b]!] as [Call, Call]] : []));
}
