/**
 * Worker threads for a conversion with `jobs` > 1: one task per source file or per byte range of
 * a large JSON Lines file, given out in file order to `jobs` workers (convert-worker.ts); each
 * task's rows come back as a stream of chunks that the single writer (convertToCorpus) consumes
 * in file order, the ranges of a file one after the other with their ids numbered in file order.
 * A chunk is acknowledged when the writer takes it, which lets its worker read on (each worker
 * runs at most `windowRows` ahead).
 */
import { Worker } from "node:worker_threads";
import { StrictModeError, type LoadReport } from "../formats/load.js";
import { mergeRangeReports } from "../formats/merge-reports.js";
import { IdAssigner } from "../trajectory/ids.js";
import type { ConvertTask, FromWorker, ToWorker } from "./convert-worker.js";
import { renumberIds, type RowChunk } from "./row-chunk.js";

export type PoolTask = Omit<ConvertTask, "index" | "chunkRows" | "windowRows">;

/** The rows of one source as the writer reads them, and its load report once they are all read. */
export interface SourceRows {
  chunks: AsyncIterable<RowChunk>;
  /** The load report of the source (complete once `chunks` is exhausted). */
  report(): LoadReport;
}

/** One task's results as they arrive. */
class Feed {
  readonly queue: Array<{ chunk: RowChunk; rows: number }> = [];
  report: LoadReport | null = null;
  error: Error | null = null;
  wake: (() => void) | null = null;
  worker: Worker | null = null;

  notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

export class ConvertPool {
  private readonly feeds: Feed[];
  private readonly workers: Worker[] = [];
  private next = 0;
  private stopped = false;
  private closing = false;

  /**
   * Start `jobs` workers on `tasks` (at most one per task). `chunkRows`: rows per chunk;
   * `windowRows`: unacknowledged rows per worker before it waits.
   */
  constructor(
    private readonly tasks: readonly PoolTask[],
    jobs: number,
    private readonly sizes: { chunkRows: number; windowRows: number },
  ) {
    this.feeds = tasks.map(() => new Feed());
    const n = Math.max(1, Math.min(jobs, tasks.length));
    for (let i = 0; i < n && tasks.length; i++) {
      const w = new Worker(new URL("./convert-worker.js", import.meta.url));
      this.workers.push(w);
      w.on("message", (m: FromWorker) => this.receive(w, m));
      w.on("error", (err) => this.fail(err));
      w.on("exit", (code) => {
        if (!this.closing) this.fail(new Error(`a convert worker thread exited (code ${code})`));
      });
      this.give(w);
    }
  }

  private give(w: Worker): void {
    if (this.stopped || this.next >= this.tasks.length) return;
    const index = this.next++;
    this.feeds[index]!.worker = w;
    const task: ConvertTask = { ...this.tasks[index]!, index, ...this.sizes };
    w.postMessage({ type: "task", task } satisfies ToWorker);
  }

  private receive(w: Worker, m: FromWorker): void {
    const feed = this.feeds[m.index];
    if (!feed) return;
    if (m.type === "chunk") feed.queue.push({ chunk: m.chunk, rows: m.rows });
    else if (m.type === "done") {
      feed.report = m.report;
      this.give(w);
    } else {
      feed.error = m.strictIssue ? new StrictModeError(m.strictIssue) : new Error(m.message);
      this.stopped = true;
    }
    feed.notify();
  }

  /** A worker died: every task not yet complete fails with its error. */
  private fail(err: Error): void {
    this.stopped = true;
    for (const f of this.feeds) {
      if (f.report || f.error) continue;
      f.error = err;
      f.notify();
    }
  }

  /** The rows of task `index` (read once, in order). */
  rows(index: number): SourceRows {
    const feed = this.feeds[index];
    if (!feed) throw new Error(`no conversion task ${index}`);
    const chunks = async function* (): AsyncGenerator<RowChunk> {
      for (;;) {
        const item = feed.queue.shift();
        if (item) {
          feed.worker?.postMessage({ type: "ack", rows: item.rows } satisfies ToWorker);
          yield item.chunk;
          continue;
        }
        if (feed.error) throw feed.error;
        if (feed.report) return;
        await new Promise<void>((r) => (feed.wake = r));
      }
    };
    return {
      chunks: chunks(),
      report: () => {
        if (!feed.report) throw new Error(`conversion task ${index} has not finished`);
        return feed.report;
      },
    };
  }

  /**
   * The rows of one file read as the tasks `indices` (its byte ranges in order, or the whole file):
   * ids renumbered in file order across ranges, the ranges' reports merged into one.
   */
  fileRows(indices: readonly number[]): SourceRows {
    if (indices.length === 1) return this.rows(indices[0]!);
    const parts = indices.map((i) => ({ rows: this.rows(i), start: this.tasks[i]?.load.byteRange?.start ?? 0 }));
    const ids = new IdAssigner();
    const chunks = async function* (): AsyncGenerator<RowChunk> {
      for (const p of parts) {
        for await (const c of p.rows.chunks) {
          renumberIds(c, ids);
          if (c.bytesRead !== null) c.bytesRead += p.start;
          yield c;
        }
      }
    };
    return { chunks: chunks(), report: () => mergeRangeReports(parts.map((p) => p.rows.report())) };
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
