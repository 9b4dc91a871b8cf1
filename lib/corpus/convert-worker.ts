/**
 * Worker thread of a conversion with `jobs` > 1 (convert-pool.ts): reads one source file (or one
 * byte range of a JSON Lines file), labels
 * every trajectory with the deterministic labeller when asked, and sends the rows back as chunks of
 * column values (row-chunk.ts), in file order, then the file's load report. It runs ahead of the
 * writer by at most `windowRows` unacknowledged rows, so memory stays bounded when the writer is
 * busy with an earlier file.
 */
import { parentPort } from "node:worker_threads";
import { emptyReport, streamTrajectories, StrictModeError, type LoadIssue, type LoadOptions } from "../formats/load.js";
import { HeuristicLabeller, type HeuristicOptionsInput } from "../labels/heuristic-labeller.js";
import { labelSync } from "../labels/run-labeller.js";
import { ChunkBuilder, type RowChunk } from "./row-chunk.js";

export interface ConvertTask {
  index: number;
  file: string;
  /** How to read it; with `byteRange`, one range of a JSON Lines file (ids then count repeats in the range). */
  load: Pick<LoadOptions, "format" | "toolRoles" | "strict" | "maxRecordBytes" | "detectSample" | "byteRange">;
  label: { name: string; options: HeuristicOptionsInput | undefined } | null;
  /** Count response tokens (convert `tokens`). */
  tokens: boolean;
  /** Rows per chunk sent. */
  chunkRows: number;
  /** Rows sent and not yet acknowledged beyond which the worker waits. */
  windowRows: number;
}

export type ToWorker = { type: "task"; task: ConvertTask } | { type: "ack"; rows: number } | { type: "reset" };

export type FromWorker =
  | { type: "chunk"; index: number; chunk: RowChunk; rows: number }
  | { type: "done"; index: number; report: ReturnType<typeof emptyReport> }
  | { type: "error"; index: number; message: string; strictIssue: LoadIssue | null };

const port = parentPort;
if (port) {
  let unacked = 0;
  let resume: (() => void) | null = null;
  let window = Infinity;

  const send = async (m: FromWorker): Promise<void> => {
    port.postMessage(m);
    if (m.type !== "chunk") return;
    unacked += m.rows;
    while (unacked >= window) await new Promise<void>((r) => (resume = r));
  };

  /** Labellers by their options, kept between tasks (the worker is reused by later conversions). */
  const labellers = new Map<string, HeuristicLabeller>();
  const labellerFor = (options: HeuristicOptionsInput | undefined): HeuristicLabeller => {
    const key = JSON.stringify(options ?? {});
    let l = labellers.get(key);
    if (!l) labellers.set(key, (l = new HeuristicLabeller(options)));
    return l;
  };

  const run = async (task: ConvertTask): Promise<void> => {
    window = task.windowRows;
    const report = emptyReport();
    const labeller = task.label ? labellerFor(task.label.options) : null;
    const b = new ChunkBuilder(task.tokens);
    let bytesRead: number | null = null;
    const load: LoadOptions = { ...task.load, onProgress: (n) => (bytesRead = n) };
    try {
      for await (const t of streamTrajectories(task.file, load, report)) {
        const labels = labeller && task.label ? { set: task.label.name, rows: labelSync(labeller, t) } : null;
        b.add(t, labels);
        if (b.rows >= task.chunkRows) {
          const rows = b.rows;
          await send({ type: "chunk", index: task.index, chunk: b.take(bytesRead), rows });
        }
      }
      if (b.rows) {
        const rows = b.rows;
        await send({ type: "chunk", index: task.index, chunk: b.take(bytesRead), rows });
      }
      await send({ type: "done", index: task.index, report });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const strictIssue = err instanceof StrictModeError ? err.issue : null;
      await send({ type: "error", index: task.index, message, strictIssue });
    }
  };

  port.on("message", (m: ToWorker) => {
    if (m.type === "reset") unacked = 0;
    else if (m.type === "ack") {
      unacked -= m.rows;
      if (unacked < window && resume) {
        const r = resume;
        resume = null;
        r();
      }
    } else void run(m.task);
  });
}
