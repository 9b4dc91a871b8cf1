/**
 * What a report embeds (compressed) and its page reads: the tallies of every rollout, column by
 * column in the order of `tallyArrays` (a group's rollouts contiguous), with the per-claim checks
 * B_v needs, the rollouts' table columns, and the full text of a bounded sample. Plain JSON: the
 * page rebuilds the typed arrays the library's reward kernel and sweep read.
 */
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import type { RewardConfig } from "../reward/reward-config.js";

/** Verdict codes of `rows.verdict`. */
export const VERDICTS = ["correct", "incorrect", "unknown"] as const;

export interface ReportPayload {
  version: 1;
  title: string;
  /** What the report was made from (paths or a corpus directory). */
  source: string;
  /** Rollouts in the report (every one has tallies). */
  n: number;
  /** The B_v the labels were made with. */
  labelsBv: number;
  /** The reward setting the report opens with (and the tuner's reference). */
  base: RewardConfig;
  /** The full-text sample: its size, the size asked for, what it is stratified by, the seed. */
  sample: { size: number; requested: number; strata: string; seed: number };
  /** What the full text holds (trace files: everything; a corpus: what it stores). */
  textNote: string;
  files: string[];
  datasets: string[];
  models: string[];
  /** One entry per group (`tallyArrays` order): its id ("" for a rollout without one) and question. */
  groups: { id: string[]; question: string[] };
  /** Group g is rows [groupStart[g], groupStart[g + 1]). */
  groupStart: number[];
  rows: {
    id: string[];
    file: number[];
    line: number[];
    /** Index into `datasets` / `models`, −1 when none. */
    dataset: number[];
    model: number[];
    step: Array<number | null>;
    /** Index into VERDICTS. */
    verdict: number[];
    T: number[];
    labelled: number[];
    nUniqS: number[];
    nRedS: number[];
    nExplore: number[];
    nVerify: number[];
    nRedQ: number[];
    nRedQFixed: number[];
    hasClaims: number[];
    correct: number[];
    formatOk: number[];
    /** Mean utility of the labelled calls, null when none has one. */
    utility: Array<number | null>;
    /** Characters the model wrote (reasoning and text of every turn); null when not known. */
    responseChars: Array<number | null>;
    checkStart: number[];
    checks: number[];
  };
  /** Full text of the sampled rollouts: their row, trajectory and label rows. */
  text: { row: number[]; trajectories: Trajectory[]; labels: LabelRow[][] };
}
