/**
 * The options of `convertToCorpus`, as one zod schema: the load options, plus what to label and
 * which label sets to add, each with its default and its meaning. `convertOptions(input)`
 * validates and completes them; a misspelt option is an error naming it.
 */
import { z } from "zod";
import { parseOptions } from "../io/parse-options.js";
import { LoadOptionsSchema } from "../formats/load-options.js";
import { HeuristicOptionsSchema } from "../labels/heuristic-labeller.js";

export const EngineOptionsSchema = z
  .object({
    memoryLimit: z.string().min(1).optional().describe('DuckDB memory_limit, e.g. "1GB" (default)'),
    threads: z.number().int().min(1).optional().describe("DuckDB worker threads (default: one per core)"),
    tempDirectory: z
      .string()
      .min(1)
      .optional()
      .describe("where DuckDB may spill beyond the memory limit (default: a per-process folder in the OS temp dir)"),
  })
  .strict();

export const ConvertOptionsSchema = LoadOptionsSchema.extend({
  label: z
    .string()
    .min(1)
    .optional()
    .describe("label every call with the deterministic labeller while converting, as the label set of this name"),
  labellerOptions: HeuristicOptionsSchema.optional().describe("options of that labeller"),
  labelSets: z
    .array(z.object({ name: z.string().min(1), path: z.string().min(1) }).strict())
    .readonly()
    .optional()
    .describe("label sets to add (or replace): a label-set path (file or directory) under a name"),
  tokens: z
    .boolean()
    .default(false)
    .describe(
      "count each trajectory's response tokens (the model's text, Qwen3 tokenizer, as trajectoryRows' `tokens`) " +
        "into trajectories.response_tokens, for figure fig1 / fig7 on the corpus; the tokenizer makes convert several times slower",
    ),
  partCalls: z.number().int().min(1).default(250_000).describe("calls per Parquet part"),
  jobs: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe(
      "worker threads that read and label the sources; one writer stages their rows in file order, so the corpus " +
        "is byte-identical whatever the number",
    ),
  engine: EngineOptionsSchema.optional().describe("DuckDB settings"),
}).strict();

/** What a caller may pass (every option optional). */
export type ConvertOptions = z.input<typeof ConvertOptionsSchema>;
/** Validated options with their defaults filled in. */
export type ResolvedConvertOptions = z.output<typeof ConvertOptionsSchema>;

/** Validate and complete convert options; throws an OptionsError naming a bad or misspelt option. */
export function convertOptions(input: ConvertOptions = {}, where = "convert options"): ResolvedConvertOptions {
  return parseOptions(ConvertOptionsSchema, input, where);
}
