import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { Histogram } from '@vitals/core';
import type { Sample } from '@vitals/core';
import { MEMORY_METRICS } from '../memory.metrics';

/** What `getProfiles()` returns per profiled function. */
export interface MemoryProfile {
  readonly name: string;
  readonly calls: number;
  /** Calls that threw or rejected (still measured). */
  readonly errors: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly meanHeapDeltaBytes: number;
  readonly maxHeapDeltaBytes: number;
  /** GCs seen during calls: GC entries counted across async calls, plus calls whose heap shrank. */
  readonly gcs: number;
}

interface Entry {
  readonly duration: Histogram;
  readonly heapDelta: Histogram;
  heapSum: number;
  heapMax: number;
  gcs: number;
  errors: number;
}

const HEAP_BUCKETS = [0, 1024, 16384, 131072, 1048576, 8388608, 67108864];

/**
 * Per-function histograms of duration and heap delta, and GC activity. One `v8.getHeapStatistics()`
 * before and after each call (≈ 0.3 µs each) plus two `performance.now()`: measured by
 * `npm run bench:profile`.
 *
 * @example
 * const profiler = new MemoryProfiler();
 * const load = profiler.wrap('load', loadOrders);
 * profiler.profiles();
 */
export class MemoryProfiler {
  private readonly entries = new Map<string, Entry>();
  private gcCount: () => number = () => 0;

  /** Lets GC entries seen during (async) calls count: the plugin passes its observer's counter. */
  useGcCounter(counter: () => number): void {
    this.gcCount = counter;
  }

  /** Wraps `fn` (sync or async); the wrapper keeps `this`, arguments, result and errors. */
  wrap<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
    const entry = this.entry(name);
    const gcCount = (): number => this.gcCount();
    const record = (t0: number, heap0: number, gc0: number, failed: boolean): void =>
      this.record(entry, t0, heap0, gc0, failed);
    return function profiled(this: unknown, ...args: A): R {
      const gc0 = gcCount();
      const heap0 = getHeapStatistics().used_heap_size;
      const t0 = performance.now();
      let result: R;
      try {
        result = fn.apply(this, args);
      } catch (error) {
        record(t0, heap0, gc0, true);
        throw error;
      }
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => (record(t0, heap0, gc0, false), value),
          (error: unknown) => {
            record(t0, heap0, gc0, true);
            throw error;
          },
        ) as R;
      }
      record(t0, heap0, gc0, false);
      return result;
    };
  }

  /** Calls, p50/p95 duration, mean and max heap delta per function. */
  profiles(): MemoryProfile[] {
    return [...this.entries].map(([name, e]) => {
      const d = e.duration.snapshot();
      return {
        name,
        calls: d.count,
        errors: e.errors,
        p50Ms: d.p50 * 1000,
        p95Ms: d.p95 * 1000,
        meanHeapDeltaBytes: d.count === 0 ? 0 : e.heapSum / d.count,
        maxHeapDeltaBytes: d.count === 0 ? 0 : e.heapMax,
        gcs: e.gcs,
      };
    });
  }

  /** Histogram samples for the metric stream, labelled `{fn}`. */
  toSamples(): Sample[] {
    const samples: Sample[] = [];
    for (const [fn, e] of this.entries) {
      samples.push(...e.duration.toSamples(MEMORY_METRICS.profileDuration, { fn }));
      samples.push(...e.heapDelta.toSamples(MEMORY_METRICS.profileHeapDelta, { fn }));
      samples.push({ name: MEMORY_METRICS.profileGcs, value: e.gcs, labels: { fn } });
    }
    return samples;
  }

  /** Forgets every profile. */
  reset(): void {
    this.entries.clear();
  }

  private entry(name: string): Entry {
    let e = this.entries.get(name);
    if (!e) {
      e = {
        duration: new Histogram(),
        heapDelta: new Histogram(HEAP_BUCKETS),
        heapSum: 0,
        heapMax: -Infinity,
        gcs: 0,
        errors: 0,
      };
      this.entries.set(name, e);
    }
    return e;
  }

  private record(e: Entry, t0: number, heap0: number, gc0: number, failed: boolean): void {
    const seconds = (performance.now() - t0) / 1000;
    const delta = getHeapStatistics().used_heap_size - heap0;
    e.duration.observe(seconds);
    e.heapDelta.observe(delta);
    e.heapSum += delta;
    if (delta > e.heapMax) e.heapMax = delta;
    const gcs = this.gcCount() - gc0;
    e.gcs += gcs > 0 ? gcs : delta < 0 ? 1 : 0;
    if (failed) e.errors++;
  }
}

/** The profiler that `@memoryProfile()` and `profileMemory()` use unless given another. */
export const defaultProfiler = new MemoryProfiler();
