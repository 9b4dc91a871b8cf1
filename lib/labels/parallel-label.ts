/**
 * Deterministic labelling on several cores: files, and large JSON Lines files cut into byte
 * ranges at line boundaries, are labelled by worker threads; the results are written in file
 * order with ids numbered exactly as a single-threaded load numbers them, so the label set is
 * byte-identical whatever the number of jobs.
 */
import { Worker } from "node:worker_threads";
import { readRecords, splitJsonlRanges } from "../io/read-records.js";
import { detectFormat } from "../formats/detect.js";
import { StrictModeError, type LoadOptions, type LoadReport } from "../formats/load.js";
import { addFileReport, copyFileReport } from "../formats/merge-reports.js";
import { IdAssigner } from "../trajectory/ids.js";
import type { HeuristicOptions } from "./heuristic-labeller.js";
import type { LabelSetWriter } from "./label-set.js";
import type { WorkerResult, WorkerTask } from "./label-worker.js";

export interface ParallelOptions {
  jobs: number;
  load: Pick<LoadOptions, "format" | "toolRoles" | "strict" | "maxRecordBytes">;
  heuristic: Partial<HeuristicOptions>;
  onProgress?: (doneTasks: number, totalTasks: number) => void;
}

async function detect(file: string, maxRecordBytes?: number): Promise<LoadOptions["format"]> {
  const values: unknown[] = [];
  try {
    for await (const batch of readRecords(file, { maxRecordBytes })) {
      for (const r of batch) if (r.kind === "value") values.push(r.value);
      if (values.length >= 20) break;
    }
  } catch {
    return undefined;
  }
  return detectFormat(values).format ?? undefined;
}

/** Label `files` with `jobs` worker threads into `writer`, filling `report` as one load would. */
export async function labelFilesParallel(
  files: readonly string[],
  opts: ParallelOptions,
  writer: LabelSetWriter,
  report: LoadReport,
): Promise<void> {
  // plan: one task per file, or per byte range of a large JSON Lines file of a known format
  const tasks: WorkerTask[] = [];
  const fileOfTask: number[] = [];
  const ranged: boolean[] = [];
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    let ranges: Array<{ start: number; end: number; firstLine: number }> = [];
    let format = opts.load.format;
    if (opts.jobs > 1) {
      try {
        ranges = await splitJsonlRanges(file, opts.jobs * 2);
      } catch {
        ranges = [];
      }
      if (ranges.length > 1 && !format) format = await detect(file, opts.load.maxRecordBytes);
    }
    if (ranges.length > 1 && format) {
      for (const r of ranges) {
        tasks.push({
          index: tasks.length,
          file,
          load: { ...opts.load, format, byteRange: r },
          heuristic: opts.heuristic,
        });
        fileOfTask.push(f);
        ranged.push(true);
      }
    } else {
      tasks.push({ index: tasks.length, file, load: { ...opts.load }, heuristic: opts.heuristic });
      fileOfTask.push(f);
      ranged.push(false);
    }
  }

  const workers = Array.from(
    { length: Math.max(1, Math.min(opts.jobs, tasks.length)) },
    () => new Worker(new URL("./label-worker.js", import.meta.url)),
  );
  const results = new Map<number, WorkerResult>();
  let nextTask = 0;
  let nextWrite = 0;
  let failure: Error | null = null;
  const assigners = new Map<number, IdAssigner>();
  let flushing: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    while (results.has(nextWrite)) {
      const r = results.get(nextWrite)!;
      results.delete(nextWrite);
      const f = fileOfTask[nextWrite]!;
      // merge the part's report into the file's entry
      const part = r.report.files[0];
      const fr = report.files.find((x) => x.path === files[f]);
      if (!fr && part) report.files.push(copyFileReport(part));
      else if (fr && part) addFileReport(fr, part);
      report.issues.push(...r.report.issues);
      let ids = assigners.get(f);
      if (!ids) assigners.set(f, (ids = new IdAssigner()));
      for (const t of r.trajectories) {
        const id = ranged[nextWrite] ? ids.assignBase(t.base) : t.id;
        report.trajectories++;
        report.toolCalls += t.rows.length;
        if (id !== t.id || ranged[nextWrite]) for (const row of t.rows) row.trajectoryId = id;
        await writer.write(t.rows);
      }
      nextWrite++;
      opts.onProgress?.(nextWrite, tasks.length);
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      const give = (w: Worker): void => {
        if (failure || nextTask >= tasks.length) {
          if (active === 0) resolve();
          return;
        }
        active++;
        w.postMessage(tasks[nextTask++]);
      };
      for (const w of workers) {
        w.on("message", (r: WorkerResult) => {
          active--;
          if (r.error) {
            failure = r.error.strict
              ? new StrictModeError({
                  file: tasks[r.index]!.file,
                  line: r.report.issues.find((i) => i.severity === "error")?.line ?? 0,
                  reason: r.report.issues.find((i) => i.severity === "error")?.reason ?? r.error.message,
                  excerpt: "",
                  severity: "error",
                })
              : new Error(r.error.message);
            reject(failure);
            return;
          }
          results.set(r.index, r);
          // one flush at a time, so rows are written strictly in task order
          flushing = flushing.then(flush);
          flushing.then(() => give(w), reject);
        });
        w.on("error", (err) => reject(err));
        give(w);
      }
    });
    await flushing;
    await flush();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
