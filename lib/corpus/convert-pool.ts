/**
 * Worker threads for a conversion with `jobs` > 1: one task per source file or per byte range of
 * a large JSON Lines file, given out in file order to `jobs` workers (convert-worker.ts); each
 * task's rows come back as a stream of chunks that the single writer (convertToCorpus) consumes
 * in file order, the ranges of a file one after the other with their ids numbered in file order.
 * A chunk is acknowledged when the writer takes it, which lets its worker read on (each worker
 * runs at most `windowRows` ahead).
 *
 * Workers are started once per process and reused by later conversions (loading the readers and
 * the labeller in a new thread costs more than converting a few MB): a pool takes idle workers
 * and gives them back when it closes with all of them idle; a worker busy with an abandoned task
 * (an error elsewhere stopped the run) is terminated instead. Idle workers do not keep the
 * process alive.
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

/** Idle workers, kept for the next conversion, each with the listener that drops it if it exits. */
const idle = new Map<Worker, () => void>();

/** Put a worker in the idle list (one that exits there leaves it); it no longer keeps the process alive. */
function park(w: Worker): void {
  const gone = () => {
    w.off("exit", gone);
    w.off("error", gone);
    idle.delete(w);
  };
  w.on("exit", gone);
  // an idle worker has no task: an error it raises is its own start-up failing (it then exits)
  w.on("error", gone);
  w.unref();
  idle.set(w, gone);
}

/**
 * A new worker thread, with the parent's Node options except `--input-type` (meant for the
 * parent's `-e` code; a worker started from a file refuses it).
 */
function newWorker(): Worker {
  const execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
  return new Worker(new URL("./convert-worker.js", import.meta.url), { execArgv });
}

/** A worker for a pool: an idle one, else a new one. */
function takeWorker(): Worker {
  for (const [w, gone] of idle) {
    gone();
    w.ref();
    return w;
  }
  return newWorker();
}

/**
 * Start up to `n` convert workers ahead of their tasks (their module loading then overlaps the
 * writer's own start-up); they wait idle, and do not keep the process alive.
 */
export function warmConvertWorkers(n: number): void {
  while (idle.size < n) park(newWorker());
}

/** The idle workers waiting for the next conversion (tests check that they are reused). */
export function idleConvertWorkers(): readonly Worker[] {
  return [...idle.keys()];
}

export class ConvertPool {
  private readonly feeds: Feed[];
  private readonly workers: Worker[] = [];
  /** Workers running a task of this pool (given one, not yet done). */
  private readonly busy = new Set<Worker>();
  /** Each worker's listeners, removed when it goes back to the idle list. */
  private readonly listeners = new Map<
    Worker,
    { message: (m: FromWorker) => void; error: (e: Error) => void; exit: (c: number) => void }
  >();
  private failed = false;
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
      const w = takeWorker();
      this.workers.push(w);
      const l = {
        message: (m: FromWorker) => this.receive(w, m),
        error: (err: Error) => this.fail(err),
        exit: (code: number) => {
          if (!this.closing) this.fail(new Error(`a convert worker thread exited (code ${code})`));
        },
      };
      this.listeners.set(w, l);
      w.on("message", l.message);
      w.on("error", l.error);
      w.on("exit", l.exit);
      this.give(w);
    }
  }

  private give(w: Worker): void {
    if (this.stopped || this.next >= this.tasks.length) return;
    const index = this.next++;
    this.feeds[index]!.worker = w;
    this.busy.add(w);
    const task: ConvertTask = { ...this.tasks[index]!, index, ...this.sizes };
    w.postMessage({ type: "task", task } satisfies ToWorker);
  }

  private receive(w: Worker, m: FromWorker): void {
    const feed = this.feeds[m.index];
    if (!feed) return;
    if (m.type === "chunk") feed.queue.push({ chunk: m.chunk, rows: m.rows });
    else if (m.type === "done") {
      feed.report = m.report;
      this.busy.delete(w);
      this.give(w);
    } else {
      feed.error = m.strictIssue ? new StrictModeError(m.strictIssue) : new Error(m.message);
      this.busy.delete(w);
      this.stopped = true;
    }
    feed.notify();
  }

  /** A worker died: every task not yet complete fails with its error. */
  private fail(err: Error): void {
    this.stopped = true;
    this.failed = true;
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

  /** Give idle workers back for the next conversion; terminate those still running a task. */
  async close(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    const ending: Array<Promise<number>> = [];
    for (const w of this.workers) {
      const l = this.listeners.get(w)!;
      w.off("message", l.message);
      if (this.failed || this.busy.has(w)) {
        // (its listeners stay: an error it raises while ending is this closed pool's, and ignored)
        ending.push(w.terminate());
        continue;
      }
      w.off("error", l.error);
      w.off("exit", l.exit);
      // chunks this run left unread were never acknowledged: the worker starts its next task afresh
      w.postMessage({ type: "reset" } satisfies ToWorker);
      park(w);
    }
    await Promise.all(ending);
  }
}
