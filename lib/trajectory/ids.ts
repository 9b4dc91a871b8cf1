/**
 * Stable trajectory ids.
 *
 * Derivation (documented in README "Trajectory ids"):
 * 1. The record's own id when it has one (Fathom `id`, a Responses `response.id`,
 *    tau-bench `task_id` + `trial`, ...); else its key in a keyed container (FireAct's
 *    object keyed by question id, `formats/containers.ts`), which the loader stores as
 *    `provenance.recordId`.
 * 2. Otherwise `h` + the first 12 hex digits of SHA-1 over the trajectory's content
 *    (format, question, every call's name and raw arguments, final answer): the same rollout
 *    gets the same id wherever its file lives.
 * 3. Within one file, the k-th repeat (k ≥ 2, in file order) of an id gets `#k` appended,
 *    so ids are unique per file: rollouts of one question in one eval file become
 *    `q17`, `q17#2`, `q17#3`.
 * Ids never depend on what else is loaded. Across files the key of a trajectory is
 * (file, id): `trajectoryKey(t)`. Label sets store both, so they join either way.
 * `provenance.source` ({file, line}) is always kept beside the id.
 */
import { hash } from "node:crypto";
import type { Trajectory } from "./schema.js";

/** Content hash of a trajectory (independent of file and line). */
export function contentId(t: Trajectory): string {
  // one string, one one-shot hash: the bytes are those of the field-by-field updates (a hash
  // object and an update per field were a tenth of a reader's time on short rollouts)
  let s = t.provenance.format + "\u0000" + t.question;
  for (const c of t.calls) s += "\u0000" + c.name + "\u0001" + c.arguments;
  s += "\u0000" + (t.finalAnswer ?? "");
  return "h" + hash("sha1", s, "hex").slice(0, 12);
}

/** The id before repeats are numbered: the record's own id (or container key), else the content hash. */
export function baseId(t: Trajectory): string {
  return t.provenance.recordId ?? contentId(t);
}

/** Assigns per-file unique ids in file order. */
export class IdAssigner {
  private readonly seen = new Map<string, number>();

  assign(t: Trajectory): string {
    return this.assignBase(baseId(t));
  }

  /** The id of the next trajectory whose base id (`baseId`) is `base`, in file order. */
  assignBase(base: string): string {
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  }
}

/** A key unique across a load: `<file>::<id>`. */
export function trajectoryKey(t: Trajectory): string {
  return `${t.provenance.source.file}::${t.id}`;
}
