import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

/** Period of the event-loop delay histogram, ms. */
const RESOLUTION_MS = 10;

/** What this process's runtime did during a diagnosis. */
export interface RuntimeSample {
  /** Event-loop delay p99 over the window, ms (the histogram's own period subtracted). */
  readonly eventLoopDelayP99Ms?: number;
  /** Durations of the GC pauses seen in the window, ms (only when GC was observed). */
  readonly gcPausesMs?: readonly number[];
}

/** A running runtime sample; `finish()` ends it. */
export interface RuntimeSampler {
  /**
   * Waits until the window has lasted `minMs` (real time: the event loop only runs in it), then
   * stops. `eventLoop: false` drops the event-loop figure (a collector already has it).
   */
  finish(minMs: number, options?: { eventLoop?: boolean }): Promise<RuntimeSample>;
  /** Stops at once without a result (idempotent; the runner's clean-up on a failure). */
  stop(): void;
}

/** Resolves after `ms` of real time, without keeping the process alive on its own. */
const realDelay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Starts measuring this process's event-loop delay (`monitorEventLoopDelay`) and, when `gc` is
 * set, its GC pauses (a `gc` PerformanceObserver): the fallback when @vitals/monitor and
 * @vitals/memory are not installed. Cheap enough to run for a whole `--watch` window.
 * @example const sampler = startRuntimeSampler({ gc: true }); ...; await sampler.finish(50);
 */
export function startRuntimeSampler(options: { gc: boolean }): RuntimeSampler {
  const started = performance.now();
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  const pauses: number[] = [];
  const take = (entries: PerformanceEntry[]) => entries.forEach((e) => pauses.push(e.duration));
  const observer = options.gc
    ? new PerformanceObserver((list) => take(list.getEntries()))
    : undefined;
  observer?.observe({ entryTypes: ['gc'] });
  const stop = () => {
    loop.disable();
    observer?.disconnect();
  };
  return {
    stop,
    async finish(minMs, finishOptions = {}) {
      try {
        const wanted = finishOptions.eventLoop !== false;
        const rest = minMs - (performance.now() - started);
        if (wanted && rest > 0) await realDelay(rest);
        // A block that just ended is recorded only when the histogram's timer next fires.
        for (let i = 0; wanted && i < 3 && loop.count === 0; i++)
          await realDelay(RESOLUTION_MS + 1);
        // GC entries are queued; one turn of the loop hands them to takeRecords().
        if (observer) await new Promise((resolve) => setImmediate(resolve));
        if (observer) take(observer.takeRecords());
        const p99 =
          wanted && loop.count > 0
            ? Math.max(0, loop.percentile(99) / 1e6 - RESOLUTION_MS)
            : undefined;
        return {
          ...(p99 !== undefined ? { eventLoopDelayP99Ms: p99 } : {}),
          ...(observer ? { gcPausesMs: pauses } : {}),
        };
      } finally {
        stop();
      }
    },
  };
}
