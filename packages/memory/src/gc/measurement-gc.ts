import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { findGc } from '../cleanup/optimize-memory';

/** When a measurement GC runs; every field has a default. */
export interface MeasurementGcOptions {
  /** Only after this long without a major GC, ms. @default 60000 */
  readonly afterMs?: number;
  /** …and only when heap used grew by this fraction of the last baseline… @default 0.05 */
  readonly minGrowthRatio?: number;
  /** …and by at least this many bytes. @default 1 MiB */
  readonly minGrowthBytes?: number;
  /** Never when heap used is above this (a full GC of a big heap pauses longer), bytes. @default 512 MiB */
  readonly maxHeapBytes?: number;
  /** Obtain `gc` without `--expose-gc` (v8 flag + vm). @default true */
  readonly allowFallback?: boolean;
}

/** What one check decided. */
export interface MeasurementGcResult {
  readonly forced: boolean;
  /** Why not, or what it did; one line. */
  readonly reason: string;
  /** Pause of the forced GC, ms (0 when none). */
  readonly pauseMs: number;
  /** Heap used before the GC, bytes. */
  readonly heapUsedBytes: number;
}

/**
 * The "measurement GC" policy (issue 10, item 2): a service whose garbage all dies young runs
 * few major GCs, so its post-GC baseline — the leak detector's input — has few points. When no
 * major GC ran for `afterMs` and heap used grew by ≥ `minGrowthRatio` and ≥ `minGrowthBytes`
 * since the last baseline, and heap used is at most `maxHeapBytes`, one full GC is forced
 * (`global.gc`, or `v8.setFlagsFromString('--expose-gc')` + `vm.runInNewContext('gc')`) and its
 * pause timed; the GC observer then reports its baseline like any other major GC. The same policy
 * runs in the `vitals run` agent for a supervised child.
 *
 * Cost (see the package README, `npm run bench:gc`): one full GC at most every `afterMs`.
 *
 * @example
 * const m = new MeasurementGc({ afterMs: 60_000 });
 * observer.onMajor((p) => m.noteMajor(p.at, p.heapUsedBytes));
 * setInterval(() => m.check(Date.now()), 10_000);
 */
export class MeasurementGc {
  private readonly o: Required<MeasurementGcOptions>;
  private lastMajorAt: number;
  private lastBaseline: number | undefined;
  /** Measurement GCs forced so far. */
  count = 0;
  /** Their pauses, summed, ms. */
  totalPauseMs = 0;

  constructor(
    options: MeasurementGcOptions = {},
    startedAt = 0,
    private readonly heapUsed: () => number = () => getHeapStatistics().used_heap_size,
    private readonly gc: () => (() => void) | undefined = () => findGc(this.o.allowFallback).gc,
  ) {
    this.o = {
      afterMs: 60_000,
      minGrowthRatio: 0.05,
      minGrowthBytes: 1024 * 1024,
      maxHeapBytes: 512 * 1024 * 1024,
      allowFallback: true,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
    this.lastMajorAt = startedAt;
  }

  /** Records a major GC (natural or forced) and the heap right after it. */
  noteMajor(atMs: number, heapUsedBytes: number): void {
    this.lastMajorAt = atMs;
    this.lastBaseline = heapUsedBytes;
  }

  /** Decides, and forces a GC when the policy says so. Never throws. */
  check(nowMs: number): MeasurementGcResult {
    const used = this.heapUsed();
    const no = (reason: string): MeasurementGcResult => ({
      forced: false,
      reason,
      pauseMs: 0,
      heapUsedBytes: used,
    });
    const quiet = nowMs - this.lastMajorAt;
    if (quiet < this.o.afterMs) return no(`a major GC ran ${Math.round(quiet / 1000)} s ago`);
    if (used > this.o.maxHeapBytes)
      return no(`heap used ${mib(used)} is above the cap ${mib(this.o.maxHeapBytes)}`);
    const base = this.lastBaseline;
    if (base !== undefined) {
      const growth = used - base;
      if (growth < this.o.minGrowthBytes || growth < this.o.minGrowthRatio * base)
        return no(`heap grew only ${mib(growth)} since the last baseline (${mib(base)})`);
    }
    let gc: (() => void) | undefined;
    try {
      gc = this.gc();
    } catch {
      gc = undefined;
    }
    if (!gc) return no('no GC can be forced (run node with --expose-gc or allow the fallback)');
    const t0 = performance.now();
    try {
      gc();
    } catch {
      return no('the forced GC threw');
    }
    const pauseMs = performance.now() - t0;
    this.count++;
    this.totalPauseMs += pauseMs;
    // The observer's entry for this GC arrives asynchronously; until then, count it as the last.
    this.lastMajorAt = nowMs;
    return {
      forced: true,
      reason: `measurement GC: ${mib(used)} heap, ${Math.round(quiet / 1000)} s without a major GC; paused ${pauseMs.toFixed(1)} ms`,
      pauseMs,
      heapUsedBytes: used,
    };
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
