/** Every options object is a zod schema: misspelt or out-of-range options are errors naming them. */
import { describe, expect, it } from "vitest";
import {
  convertOptions,
  DEFAULT_HEURISTIC,
  DEFAULT_LLM,
  DEFAULT_UTILITY,
  HeuristicLabeller,
  HeuristicOptionsSchema,
  heuristicOptions,
  LlmLabeller,
  llmOptions,
  loadOptions,
  OptionsError,
  UtilityTracker,
} from "../../lib/index.js";

/** An options object as a user's untyped (JavaScript) script would pass it. */
function untyped<T>(o: object): T {
  return JSON.parse(JSON.stringify(o));
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof OptionsError) return err.message;
    throw err;
  }
  throw new Error("expected an OptionsError");
}

const endpoint = { endpoints: [{ baseURL: "http://127.0.0.1:9/v1" }], model: "m" };

describe("options schemas", () => {
  it("reject a misspelt option with its name and the closest valid one", () => {
    expect(message(() => new HeuristicLabeller(untyped({ tokenTreshold: 0.5 })))).toBe(
      'heuristic labeller options: unknown option "tokenTreshold" (did you mean "tokenThreshold"?)',
    );
    expect(message(() => new HeuristicLabeller(untyped({ utility: { weights: { url: 1 } } })))).toBe(
      'heuristic labeller options: utility.weights unknown option "url" (did you mean "urls"?)',
    );
    expect(message(() => new UtilityTracker([], untyped({ scales: {} })))).toBe(
      'utility options: unknown option "scales" (did you mean "scale"?)',
    );
    expect(message(() => new LlmLabeller({ ...endpoint, ...untyped({ chunksize: 4 }) }))).toBe(
      'LLM labeller options: unknown option "chunksize" (did you mean "chunkSize"?)',
    );
    expect(message(() => loadOptions(untyped({ maxRecordMb: 3 })))).toBe(
      'load options: unknown option "maxRecordMb" (did you mean "maxRecordBytes"?)',
    );
    expect(message(() => convertOptions(untyped({ partcalls: 3 })))).toBe(
      'convert options: unknown option "partcalls" (did you mean "partCalls"?)',
    );
    expect(message(() => loadOptions(untyped({ zzz: 1 })))).toBe('load options: unknown option "zzz"');
  });

  it("reject out-of-range and mistyped values naming the option", () => {
    expect(message(() => new HeuristicLabeller({ tokenThreshold: 2 }))).toBe(
      "heuristic labeller options: tokenThreshold must be ≤ 1",
    );
    expect(message(() => new HeuristicLabeller({ verifyBudget: 1.5 }))).toBe(
      "heuristic labeller options: verifyBudget expects an integer",
    );
    expect(message(() => heuristicOptions(untyped({ batchSummary: "all" })))).toBe(
      "heuristic labeller options: batchSummary must be any-unique or majority",
    );
    expect(message(() => new LlmLabeller({ endpoints: [], model: "m" }))).toBe(
      "LLM labeller options: endpoints needs at least 1 item(s)",
    );
    expect(message(() => llmOptions({ ...endpoint, ...untyped({ responseFormat: "yaml" }) }))).toBe(
      "LLM labeller options: responseFormat must be json_schema or json_object or none",
    );
    expect(message(() => loadOptions({ maxRecordBytes: 0 }))).toBe("load options: maxRecordBytes must be > 0");
  });

  it("fill defaults from one declaration, and keep the exported defaults", () => {
    expect(heuristicOptions({})).toEqual(DEFAULT_HEURISTIC);
    expect(new HeuristicLabeller().options).toEqual(DEFAULT_HEURISTIC);
    expect(DEFAULT_HEURISTIC.utility).toEqual(DEFAULT_UTILITY);
    expect(HeuristicOptionsSchema.shape.tokenThreshold.description).toBe("query token Jaccard for REDUNDANTSEARCH");
    expect(llmOptions(endpoint)).toEqual({ ...DEFAULT_LLM, ...endpoint });
    // a partial nested option keeps the other defaults
    const o = heuristicOptions({ utility: { scale: { urls: 2 } } });
    expect(o.utility).toEqual({
      weights: DEFAULT_UTILITY.weights,
      scale: { urls: 2, domains: DEFAULT_UTILITY.scale.domains },
    });
    // the labeller's identity (config hash) does not depend on how the defaults were spelt
    expect(new HeuristicLabeller({ tokenThreshold: DEFAULT_HEURISTIC.tokenThreshold }).info.configHash).toBe(
      new HeuristicLabeller().info.configHash,
    );
    expect(new HeuristicLabeller({ tokenThreshold: 0.5 }).info.configHash).not.toBe(
      new HeuristicLabeller().info.configHash,
    );
  });
});
