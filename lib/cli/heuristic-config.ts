/** The deterministic labeller's options from a JSON file (`label --config`, `calibrate --config`). */
import { readFile } from "node:fs/promises";
import { heuristicOptions, OptionsError, type HeuristicOptions } from "../index.js";
import { fileErrorText } from "./load-options.js";
import { UsageError } from "./usage-error.js";

/** Every option of the file (a misspelt or out-of-range one is a usage error naming it); defaults without a file. */
export async function heuristicConfigFrom(path: string | undefined, flag = "--config"): Promise<HeuristicOptions> {
  if (path === undefined) return heuristicOptions({});
  let body: string;
  try {
    body = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot read file (${fileErrorText(err)})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new UsageError(`${flag} ${path}: expects a JSON object of deterministic labeller options`);
  try {
    return heuristicOptions(v, `${flag} ${path}`);
  } catch (err) {
    if (err instanceof OptionsError) throw new UsageError(err.message);
    throw err;
  }
}
