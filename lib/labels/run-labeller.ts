/**
 * Run a labeller over trajectories: in order, with a concurrency limit for async labellers,
 * progress reports, and failures collected (a trajectory that cannot be labelled is reported
 * with its file, line and reason; it never gets guessed labels).
 */
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { LabelError, type Labeller } from "./labeller.js";
import { labelRows, type LabelSetManifest } from "./label-set.js";

export interface RunOptions {
  /** Trajectories labelled at once (async labellers). Default 1. */
  concurrency?: number;
  /** Called after each trajectory with (done, total). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface LabelRun {
  rows: LabelRow[];
  failures: LabelSetManifest["failures"];
}

export async function runLabeller(
  labeller: Labeller,
  trajectories: readonly Trajectory[],
  opts: RunOptions = {},
): Promise<LabelRun> {
  const results: Array<LabelRow[] | null> = new Array(trajectories.length).fill(null);
  const failures: Array<LabelSetManifest["failures"][number] & { i: number }> = [];
  let next = 0;
  let done = 0;
  const work = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= trajectories.length) return;
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
      const t = trajectories[i]!;
      try {
        const labels = await labeller.label(t, opts.signal);
        results[i] = labelRows(t, labels, labeller.info);
      } catch (err) {
        if (!(err instanceof LabelError)) throw err;
        failures.push({
          i,
          file: t.provenance.source.file,
          line: t.provenance.source.line,
          trajectoryId: t.id,
          reason: err.message,
        });
      }
      done++;
      opts.onProgress?.(done, trajectories.length);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 1, trajectories.length || 1));
  await Promise.all(Array.from({ length: n }, work));
  failures.sort((a, b) => a.i - b.i);
  return { rows: results.flatMap((r) => r ?? []), failures: failures.map(({ i: _i, ...f }) => f) };
}

/** Label synchronously (deterministic labellers only): the fast path used by benchmarks. */
export function labelSync(labeller: Labeller, t: Trajectory): LabelRow[] {
  const labels = labeller.label(t);
  if (labels instanceof Promise) throw new Error(`${labeller.info.name} is asynchronous; use runLabeller`);
  return labelRows(t, labels, labeller.info);
}
