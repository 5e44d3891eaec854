import { getHeapSpaceStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { findGc } from '../cleanup/optimize-memory';
import { memoryError } from '../memory.errors';

/** When a measurement GC runs; every field has a default. */
export interface MeasurementGcOptions {
  /**
   * Only after this long without a major GC, ms. 10 s: the leak detector then has a point every
   * ~10 s from the first seconds of a quiet service, so its 150 s minimum span is reached by
   * ~160 s and a leak is reported within 3 minutes. @default 10000
   */
  readonly afterMs?: number;
  /**
   * Before the first baseline, only this long after start (when shorter than `afterMs`), ms: the
   * detector's span starts at its first point, so a first point at 2 s rather than at the first
   * natural major GC (often 5–10 s in) brings every verdict that much earlier. @default 2000
   */
  readonly firstAfterMs?: number;
  /**
   * Pause budget: measurement GCs may pause the process for at most this fraction of wall time.
   * After a forced GC that paused P ms, the next waits at least P / maxPauseRatio (a 40 ms pause:
   * ≥ 4 s, so `afterMs` rules; a 300 ms pause: ≥ 30 s). @default 0.01 (1 %)
   */
  readonly maxPauseRatio?: number;
  /**
   * …and only when the old generation grew by this fraction of the last baseline… 2 %: a quiet
   * 1 MB/min leak in a 10 MB heap is measured every ~15 s, not once a minute. @default 0.02
   */
  readonly minGrowthRatio?: number;
  /** …and by at least this many bytes. @default 256 KiB */
  readonly minGrowthBytes?: number;
  /**
   * Never when heap used is above this, bytes: a full GC's pause grows with the live heap (about
   * 0.25 s at 100 MB on a loaded 2-core machine, 1 s at 500 MB; see the README), and big heaps run
   * natural major GCs anyway. @default 256 MiB
   */
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
  /** Old generation used before the GC, bytes. */
  readonly heapUsedBytes: number;
  /**
   * `performance.now()` just before and just after the forced GC (0 when none): the GC
   * observer's entry for it starts inside, so its point is not reported twice.
   */
  readonly from: number;
  readonly to: number;
}

/**
 * The "measurement GC" policy (issue 10, item 2): a service whose garbage all dies young runs
 * few major GCs, so its post-GC baseline — the leak detector's input — has few points. When no
 * major GC ran for `afterMs` (and for the pause budget: the last forced pause / `maxPauseRatio`)
 * and the old generation (heap used outside the young generation: young garbage does not count)
 * grew by ≥ `minGrowthRatio` and ≥ `minGrowthBytes` since the last baseline, and is at most
 * `maxHeapBytes`, one full GC is forced
 * (`global.gc`, or `v8.setFlagsFromString('--expose-gc')` + `vm.runInNewContext('gc')`) and its
 * pause timed; the GC observer then reports its baseline like any other major GC. The same policy,
 * with the same defaults and the same 1 s check, runs in the `vitals run` agent for a supervised
 * child (packages/startup/agent/vitals-agent.js), so both paths give the detector the same points.
 *
 * Cost (see the package README, `npm run bench:gc -- --only measurement`): pauses of at most
 * `maxPauseRatio` of wall time, only while the heap grows and no major GC runs by itself.
 *
 * @example
 * const m = new MeasurementGc({ afterMs: 10_000 });
 * observer.onMajor((p) => m.noteMajor(p.at, p.heapUsedBytes));
 * setInterval(() => m.check(Date.now()), 1000);
 */
export class MeasurementGc {
  private readonly o: Required<MeasurementGcOptions>;
  private lastMajorAt: number;
  private lastBaseline: number | undefined;
  private lastPauseMs = 0;
  /** Measurement GCs forced so far. */
  count = 0;
  /** Their pauses, summed, ms. */
  totalPauseMs = 0;

  constructor(
    options: MeasurementGcOptions = {},
    startedAt = 0,
    private readonly heapUsed: () => number = oldGenerationUsed,
    private readonly gc: () => (() => void) | undefined = () => findGc(this.o.allowFallback).gc,
    /** Times the forced GC's pause, ms (a fake in tests). */
    private readonly perfNow: () => number = () => performance.now(),
  ) {
    this.o = {
      afterMs: 10_000,
      firstAfterMs: 2_000,
      maxPauseRatio: 0.01,
      minGrowthRatio: 0.02,
      minGrowthBytes: 256 * 1024,
      maxHeapBytes: 256 * 1024 * 1024,
      allowFallback: true,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
    if (!(this.o.maxPauseRatio >= 0 && this.o.maxPauseRatio <= 1))
      throw memoryError(
        'ERR_INVALID_ARGUMENT',
        `measurement GC maxPauseRatio must be between 0 and 1 (got ${String(this.o.maxPauseRatio)})`,
      );
    this.lastMajorAt = startedAt;
  }

  /**
   * Records a natural major GC and the old generation right after it (read it with
   * {@link oldGenerationUsed}, the unit of the growth test: heap used would count the young
   * garbage allocated between the GC and its observer callback, late on a loaded machine, and hold
   * the next measurement back). A forced GC records itself in {@link check}.
   */
  noteMajor(atMs: number, oldGenerationBytes: number): void {
    this.lastMajorAt = atMs;
    this.lastBaseline = oldGenerationBytes;
  }

  /** Decides, and forces a GC when the policy says so. Never throws. */
  check(nowMs: number): MeasurementGcResult {
    const used = this.heapUsed();
    const no = (reason: string): MeasurementGcResult => ({
      forced: false,
      reason,
      pauseMs: 0,
      heapUsedBytes: used,
      from: 0,
      to: 0,
    });
    const quiet = nowMs - this.lastMajorAt;
    const base = this.lastBaseline;
    const after =
      base === undefined ? Math.min(this.o.firstAfterMs, this.o.afterMs) : this.o.afterMs;
    if (quiet < after)
      return no(
        base === undefined
          ? `no baseline yet, ${Math.round(quiet / 1000)} s in`
          : `a major GC ran ${Math.round(quiet / 1000)} s ago`,
      );
    const budgetMs = this.o.maxPauseRatio > 0 ? this.lastPauseMs / this.o.maxPauseRatio : 0;
    if (quiet < budgetMs)
      return no(
        `pause budget: the last measurement GC paused ${this.lastPauseMs.toFixed(0)} ms, so the next waits ${Math.round(budgetMs / 1000)} s`,
      );
    if (used > this.o.maxHeapBytes)
      return no(`heap used ${mib(used)} is above the cap ${mib(this.o.maxHeapBytes)}`);
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
    const t0 = this.perfNow();
    try {
      gc();
    } catch {
      return no('the forced GC threw');
    }
    const t1 = this.perfNow();
    const pauseMs = t1 - t0;
    this.count++;
    this.totalPauseMs += pauseMs;
    this.lastPauseMs = pauseMs;
    // The baseline is read now, right after the GC, as the agent does: the observer's entry
    // arrives later (much later on a loaded machine), after young garbage has piled up again.
    this.lastMajorAt = nowMs;
    this.lastBaseline = this.heapUsed();
    return {
      forced: true,
      reason: `measurement GC: ${mib(used)} heap, ${Math.round(quiet / 1000)} s without a major GC; paused ${pauseMs.toFixed(1)} ms`,
      pauseMs,
      heapUsedBytes: used,
      from: t0,
      to: t1,
    };
  }
}

/**
 * Heap used outside the young generation (V8 heap space statistics, every space but `new_space`
 * and `new_large_object_space`), bytes. The measurement GC's growth test reads this: garbage that
 * dies young never makes a healthy quiet service look grown, while retained objects are promoted
 * within two scavenges and count.
 */
export function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics())
    if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  return used;
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
