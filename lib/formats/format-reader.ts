/**
 * The interface every dialect reader implements. A reader turns one framed JSON record into
 * canonical trajectories; it knows nothing of files, labels or metrics.
 */
import type { FormatName, Trajectory } from "../trajectory/schema.js";
import type { ToolRoles } from "../trajectory/tool-roles.js";

export interface ReadContext {
  /** The file path as the user gave it. */
  file: string;
  /** 1-based line of the record's first byte. */
  line: number;
  roles: ToolRoles;
  /**
   * The record's key when it came out of a keyed container (FireAct's object keyed by
   * question id): the loader uses it as the id when the trajectory has no `recordId`.
   */
  key?: string;
  /**
   * Score at or above which a numeric `reward` / `score` means `correct` (load option
   * `verdictThreshold`; default `DEFAULT_VERDICT_THRESHOLD` in record-fields.ts).
   */
  verdictThreshold?: number;
  /**
   * Say something about the load once (a line-0 warning in the load report, however many records
   * give it): for a rule that applies to many records alike.
   */
  note?(reason: string): void;
}

export interface FormatReader {
  readonly name: FormatName;
  /** One line for help texts. */
  readonly description: string;
  /**
   * Confidence in [0, 1] that `value` is a record of this dialect; the loader picks the
   * reader with the highest score over a file's first records.
   */
  detect(value: unknown): number;
  /** Read one record. Throws `RecordError` for a record that cannot give a trajectory. */
  read(value: unknown, ctx: ReadContext): Trajectory;
}

/** A record this reader cannot turn into a trajectory; `message` is the user-facing reason. */
export class RecordError extends Error {
  override readonly name = "RecordError";
}
