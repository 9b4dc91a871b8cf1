/// <reference lib="dom" />
/**
 * At most one update per animation frame. The first request of a frame runs at once (no wait for
 * the frame: a lone slider move is shown as soon as it is computed); requests that come before the
 * next frame are folded into one run at that frame, with the latest value and the time of the
 * first request folded in.
 */
export interface PerFrame<T> {
  /** Ask for an update to `value`; `since` is when its input happened (the `performance.now()` clock). */
  request: (value: T, since: number) => void;
  /** Run a folded request now, if one waits (so a reader sees the latest value). */
  flush: () => void;
}

export function perFrame<T>(run: (value: T, since: number) => void): PerFrame<T> {
  let waiting: { value: T; since: number } | null = null;
  /** A run happened in this frame: further requests wait for the next one. */
  let busy = false;
  const frame = () => {
    if (!waiting) {
      busy = false;
      return;
    }
    const w = waiting;
    waiting = null;
    run(w.value, w.since);
    requestAnimationFrame(frame);
  };
  return {
    request: (value, since) => {
      if (busy) {
        waiting = { value, since: waiting ? waiting.since : since };
        return;
      }
      busy = true;
      run(value, since);
      requestAnimationFrame(frame);
    },
    flush: () => {
      if (!waiting) return;
      const w = waiting;
      waiting = null;
      run(w.value, w.since);
    },
  };
}
