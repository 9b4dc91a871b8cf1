/**
 * The options of `loadTrajectories` / `streamTrajectories` (and of every command that loads
 * traces), as one zod schema: each option with its default and its meaning. `loadOptions(input)`
 * validates and completes them; a misspelt option is an error naming it.
 */
import { z } from "zod";
import { DEFAULT_MAX_RECORD_BYTES } from "../io/read-records.js";
import { parseOptions } from "../io/parse-options.js";
import { FormatNameSchema } from "../trajectory/schema.js";
import { ToolRoleMapSchema } from "../trajectory/tool-roles.js";

/** Progress: bytes read of the current file, its size, and the file. */
export type LoadProgress = (bytesRead: number, fileBytes: number, file: string) => void;

const isFunction = (v: unknown): v is LoadProgress => typeof v === "function";

export const LoadOptionsSchema = z
  .object({
    format: FormatNameSchema.optional().describe("read every file as this format; default: detect per file"),
    toolRoles: ToolRoleMapSchema.optional().describe(
      'tool-role overrides {"tool_name": "search"|"page"|"answer"|"other"} merged over the defaults',
    ),
    strict: z.boolean().default(false).describe("stop at the first bad record (throws StrictModeError)"),
    maxRecordBytes: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_MAX_RECORD_BYTES)
      .describe("skip (and report) records larger than this many bytes"),
    detectSample: z.number().int().min(1).default(20).describe("records sampled for format detection"),
    onProgress: z.custom<LoadProgress>(isFunction).optional().describe("called with bytes read, file size, file"),
    /**
     * Read only a byte range of an uncompressed JSON Lines file (see `splitJsonlRanges`);
     * `format` must be given. Trajectory ids then count repeats within the range only: the
     * caller re-assigns them in file order (`IdAssigner.assignBase`).
     */
    byteRange: z
      .object({ start: z.number().int().min(0), end: z.number().int().min(0), firstLine: z.number().int().min(1) })
      .strict()
      .optional()
      .describe("read only this byte range of an uncompressed JSON Lines file (format must be given)"),
    verdictThreshold: z
      .number()
      .optional()
      .describe(
        "score at or above which a numeric reward/score is a correct verdict, for rows that carry only a number " +
          "(default DEFAULT_VERDICT_THRESHOLD = 1)",
      ),
  })
  .strict();

/** What a caller may pass (every option optional). */
export type LoadOptions = z.input<typeof LoadOptionsSchema>;
/** Validated options with their defaults filled in. */
export type ResolvedLoadOptions = z.output<typeof LoadOptionsSchema>;

/** Validate and complete load options; throws an OptionsError naming a bad or misspelt option. */
export function loadOptions(input: LoadOptions = {}, where = "load options"): ResolvedLoadOptions {
  return parseOptions(LoadOptionsSchema, input, where);
}

const LenientLoadOptionsSchema = LoadOptionsSchema.strip();

/**
 * Validate the load options inside a larger options object (convert options, label options): known
 * options are checked and completed, other keys are left to their owner.
 */
export function loadOptionsWithin(input: LoadOptions = {}, where = "load options"): ResolvedLoadOptions {
  return parseOptions(LenientLoadOptionsSchema, input, where);
}
