/**
 * `sweep` on several cores: the settings after the reference are split into `jobs` shares, each
 * worker thread sweeps the reference plus its share, and the rows come back in setting order —
 * identical to a single-threaded sweep.
 */
import { Worker } from "node:worker_threads";
import type { TallyArrays } from "../metrics/tally-arrays.js";
import type { RewardConfig } from "./reward-config.js";
import { sweep, type SweepOptions, type SweepRow } from "./sweep.js";

export async function sweepParallel(
  a: TallyArrays,
  settings: readonly RewardConfig[],
  opts: SweepOptions & { jobs: number },
): Promise<SweepRow[]> {
  const rest = settings.slice(1);
  const jobs = Math.max(1, Math.min(opts.jobs, rest.length));
  if (jobs <= 1 || settings.length < 2) return sweep(a, settings, opts);
  const size = Math.ceil(rest.length / jobs);
  const shares = Array.from({ length: jobs }, (_, k) => rest.slice(k * size, (k + 1) * size)).filter((s) => s.length);
  const { jobs: _j, ...sweepOpts } = opts;
  const parts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<SweepRow[]>((resolve, reject) => {
          const w = new Worker(new URL("./sweep-worker.js", import.meta.url));
          w.once("message", (rows: SweepRow[]) => {
            resolve(rows);
            void w.terminate();
          });
          w.once("error", reject);
          w.postMessage({ arrays: a, settings: [settings[0]!, ...share], opts: sweepOpts });
        }),
    ),
  );
  const out: SweepRow[] = [parts[0]![0]!];
  let next = 1;
  for (const rows of parts) for (const r of rows.slice(1)) out.push({ ...r, setting: next++ });
  return out;
}
