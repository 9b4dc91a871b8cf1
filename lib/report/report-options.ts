/** The options of a report (`reportHtml`, `sounding report`), each default beside its description. */
import { z } from "zod";
import { RewardConfigSchema } from "../reward/reward-config.js";

export const ReportOptionsSchema = z
  .object({
    /** Title of the page ("sounding report"). */
    title: z.string().default("sounding report"),
    /** What the report was made from, shown on the page ("" : not said). */
    source: z.string().default(""),
    /** Rollouts whose full text is embedded (2000), stratified by dataset, verdict and step. */
    sample: z.number().int().nonnegative().default(2000),
    /** Seed of the sample's draw (0). */
    seed: z.number().int().nonnegative().default(0),
    /** The reward setting the page opens with (the paper's). */
    config: RewardConfigSchema.default(RewardConfigSchema.parse({})),
    /** The B_v the labels were made with (1). */
    labelsBv: z.number().int().nonnegative().default(1),
    /** Wrap the page in an `<iframe srcdoc>` for a notebook cell (false: the whole document). */
    frame: z.boolean().default(false),
    /** Height of the notebook frame in pixels (900). */
    frameHeight: z.number().int().positive().default(900),
  })
  .strict();

export type ReportOptions = z.output<typeof ReportOptionsSchema>;
export type ReportOptionsInput = z.input<typeof ReportOptionsSchema>;
