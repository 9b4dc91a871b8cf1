/**
 * Worker thread of `labelFilesParallel`: reads one file (or one byte range of a JSON Lines
 * file), labels every trajectory with the deterministic labeller and sends back, per
 * trajectory in order, its base id and its label rows, with the load report of its part.
 */
import { parentPort } from "node:worker_threads";
import { emptyReport, streamTrajectories, StrictModeError, type LoadOptions } from "../formats/load.js";
import { baseId } from "../trajectory/ids.js";
import { HeuristicLabeller, type HeuristicOptions } from "./heuristic-labeller.js";
import { labelRows } from "./label-set.js";
import type { LabelRow } from "../trajectory/schema.js";

export interface WorkerTask {
  index: number;
  file: string;
  load: Pick<LoadOptions, "format" | "toolRoles" | "strict" | "maxRecordBytes" | "byteRange">;
  heuristic: Partial<HeuristicOptions>;
}

export interface WorkerResult {
  index: number;
  trajectories: Array<{ base: string; id: string; rows: LabelRow[] }>;
  report: ReturnType<typeof emptyReport>;
  error?: { message: string; strict?: boolean };
}

const port = parentPort;
if (port) {
  port.on("message", async (task: WorkerTask) => {
    const report = emptyReport();
    const labeller = new HeuristicLabeller(task.heuristic);
    const trajectories: WorkerResult["trajectories"] = [];
    try {
      for await (const t of streamTrajectories(task.file, task.load, report)) {
        trajectories.push({ base: baseId(t), id: t.id, rows: labelRows(t, labeller.label(t), labeller.info) });
      }
      port.postMessage({ index: task.index, trajectories, report } satisfies WorkerResult);
    } catch (err) {
      port.postMessage({
        index: task.index,
        trajectories: [],
        report,
        error: { message: (err as Error).message, strict: err instanceof StrictModeError },
      } satisfies WorkerResult);
    }
  });
}
