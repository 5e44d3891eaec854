import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';
import { METRICS } from '@vitals/core';
import type { Collector, Labels, Sample } from '@vitals/core';
import { RUNTIME_DESCRIPTORS } from '../monitor.metrics';
import { EventLoopDelayHistogram } from './event-loop.histogram';
import { summarizeDelays } from './event-loop.samples';

/** Options of the runtime collector. */
export interface RuntimeCollectorOptions {
  /** Sampling resolution of `monitorEventLoopDelay`, ms (each sample wakes the loop). @default 50 */
  readonly eventLoopResolutionMs?: number;
  /**
   * Busy time of the event loop in one collection window (event-loop utilisation), ms — per
   * second of a window longer than 1 s — under which the window is quiet: after {@link QUIET_WINDOWS} quiet windows in a row the delay timer
   * pauses, and a busy window starts it again; while paused, callbacks shorter than this read as
   * on time. 0 keeps the timer always on. @default 10
   */
  readonly eventLoopQuietMs?: number;
}

/** Quiet windows in a row after which the event-loop delay timer pauses. */
export const QUIET_WINDOWS = 10;

/** Node's internal lists prom-client reads (deprecated, but still what its figures mean). */
interface InternalProcess {
  _getActiveHandles?: () => unknown[];
  _getActiveRequests?: () => unknown[];
}

/**
 * Node runtime metrics under prom-client's default names and meanings, plus Vitals' extras:
 *
 * - `nodejs_eventloop_lag_seconds`: prom-client's figure, how late a `setImmediate` queued at
 *   collection ran (reported at the next collection, as prom-client reports it at the next scrape);
 * - `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds` from `monitorEventLoopDelay`,
 *   reset after every collection like prom-client's, but with the sampling resolution subtracted
 *   (an idle loop reads ≈ 0, not ≈ resolution);
 * - `vitals_eventloop_delay_seconds`: a cumulative histogram of the same samples, so a stall
 *   between two scrapes is never lost; `vitals_eventloop_active_seconds_total` (busy time, counter)
 *   and `vitals_eventloop_utilization_ratio` (since the previous tick);
 * - `nodejs_active_handles{type}`/`_total` and `nodejs_active_requests{type}`/`_total` as
 *   prom-client counts them (`process._getActiveHandles()`/`_getActiveRequests()` by constructor
 *   name), and `nodejs_active_resources{type}`/`_total` (`process.getActiveResourcesInfo()`);
 * - heap, external and array-buffer memory (`process.memoryUsage()`), `nodejs_version_info`.
 *
 * The delay histogram starts on the first collection (that one reports no delay) and runs until
 * {@link RuntimeCollector.close}. The first utilisation covers the life of the process.
 *
 * **Quiet loops are not woken.** Each delay sample is a wake-up of the loop (20 a second at 50 ms,
 * ≈ 40–80 µs of CPU each on a small VM: more than everything else the monitor does). When the loop
 * was busy less than `eventLoopQuietMs` in each of {@link QUIET_WINDOWS} windows in a row (busy
 * time from `performance.eventLoopUtilization()`), the timer pauses, and each paused window counts
 * the samples the timer would have taken (window ÷ resolution, fractions carried over) as on time.
 * What that costs in accuracy: a callback shorter than `eventLoopQuietMs` in a paused window reads
 * as on time. The first window busy for `eventLoopQuietMs` or more starts the timer again and
 * counts one of its samples as late by the window's whole busy time — an upper bound, so a stall
 * at least that long in a quiet process shows at full length (`vitals_eventloop_delay_seconds`,
 * the lag gauges), while a burst of short callbacks in that one window reads as one sample as long
 * as all of them together. Busy processes keep the timer on. `vitals_eventloop_delay_sampling`
 * says which a window was (1: real samples).
 *
 * **Stalls the timer did not see.** Node's `reset()` (after every collection) makes the timer's
 * next fire record nothing, so a stall that begins within one resolution after a collection is not
 * sampled; and when the collection's own timer and the delay timer both fall due during a stall,
 * the collection may run first and reset the histogram before the delay timer records it (about 1
 * stall in 15 at a 500 ms interval, measured on Node 20.20). The samples' sum covers the window
 * but for at most two resolutions (its two ends) and, in a busy loop, the callback running at
 * each end; when more than three resolutions plus twice an ordinary busy turn (the window's p90
 * sample less the resolution; in a window with no sample, the smaller of the last two windows')
 * are uncovered, the window counts one more sample, late by the
 * uncovered time less one resolution. For a stall of S ms
 * Node's own sample reads between S − resolution and S; this one between S − resolution and
 * S + resolution (or two shorter delays at the window's two ends, added together).
 *
 * @example const c = new RuntimeCollector({ eventLoopResolutionMs: 50 }); c.collect(); … c.close();
 */
export class RuntimeCollector implements Collector {
  readonly name = 'runtime';
  readonly descriptors = RUNTIME_DESCRIPTORS;
  private histogram?: IntervalHistogram;
  private readonly delays: EventLoopDelayHistogram;
  private elu?: EventLoopUtilization;
  private readonly resolutionNs: number;
  private readonly resolutionMs: number;
  private readonly quietMs: number;
  /** False while the delay timer is paused (see the class comment). */
  private timerOn = true;
  private quietWindows = 0;
  /** `performance.now()` of the previous collection, ms. */
  private collectedAt = 0;
  /** Paused time not yet counted as a sample (less than one resolution), ms. */
  private pausedCarryMs = 0;
  /**
   * The ordinary busy turn (p90 sample less the resolution) of the last window that had a sample,
   * and of the one before it, ns; -1 while there was none. See unsampledNs.
   */
  private lastBusyNs = -1;
  private prevBusyNs = -1;
  private readonly typeLabels = new Map<string, Labels>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly version: Sample;
  /** The last `setImmediate` lag, seconds; undefined until one has run. */
  private lag?: number;
  private readonly onImmediate = (start: number): void => {
    this.lag = (performance.now() - start) / 1000;
  };

  constructor(options: RuntimeCollectorOptions = {}) {
    this.resolutionMs = Math.max(1, Math.round(options.eventLoopResolutionMs ?? 50));
    this.resolutionNs = this.resolutionMs * 1e6;
    this.quietMs = Math.max(0, options.eventLoopQuietMs ?? 10);
    this.delays = new EventLoopDelayHistogram(METRICS.eventLoopDelay, this.resolutionNs);
    const [major, minor, patch] = process.versions.node.split('.');
    this.version = {
      name: METRICS.versionInfo,
      value: 1,
      labels: Object.freeze({ version: process.version, major, minor, patch }),
    };
  }

  collect(): Sample[] {
    const out: Sample[] = [];
    if (this.lag !== undefined) out.push({ name: METRICS.eventLoopLag, value: this.lag });
    const now = performance.now();
    setImmediate(this.onImmediate, now);
    const elu = performance.eventLoopUtilization();
    const delta = this.elu ? performance.eventLoopUtilization(elu, this.elu) : elu;
    this.elu = elu;
    this.eventLoop(out, delta.active, now - this.collectedAt);
    this.collectedAt = now;
    out.push(
      { name: METRICS.eventLoopUtilization, value: delta.utilization },
      { name: METRICS.eventLoopActiveSeconds, value: elu.active / 1000 },
    );
    this.resources(out);
    const mem = process.memoryUsage();
    out.push(
      { name: METRICS.heapTotalBytes, value: mem.heapTotal },
      { name: METRICS.heapUsedBytes, value: mem.heapUsed },
      { name: METRICS.externalBytes, value: mem.external },
      { name: METRICS.arrayBuffersBytes, value: mem.arrayBuffers },
      this.version,
    );
    return out;
  }

  /** Stops the event-loop delay histogram's timer. A later `collect()` starts it again. */
  close(): void {
    this.histogram?.disable();
    this.histogram = undefined;
  }

  /** One window's delay figures; `activeMs`: the loop's busy time in it, `windowMs`: its length. */
  private eventLoop(out: Sample[], activeMs: number, windowMs: number): void {
    const h = this.histogram;
    if (!h) {
      this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
      this.histogram.enable();
      this.timerOn = true;
      this.quietWindows = 0;
      return;
    }
    // Per second of a window longer than 1 s: the timer's own wake-ups are loop work too (an idle
    // 5 s window read 14 ms busy and kept it on).
    const quiet = activeMs < this.quietMs * Math.max(1, windowMs / 1000);
    const s = (ns: number): number => Math.max(0, ns - this.resolutionNs) / 1e9;
    if (!this.timerOn) {
      this.pausedWindow(out, windowMs, quiet ? 0 : activeMs);
    } else {
      // From the samples themselves when there are few (the usual tick): Node's mean and
      // stddev getters walk the whole HDR histogram, ~0.5 ms a tick (see summarizeDelays).
      const d = summarizeDelays(h);
      const n = d ? d.count : h.count;
      const missedNs =
        n > 0
          ? this.unsampledNs(windowMs, n, d ? d.mean : h.mean, d ? d.p90 : h.percentile(90))
          : this.unsampledNs(windowMs, 0, 0, 0);
      if (d) {
        out.push(
          { name: METRICS.eventLoopLagMin, value: s(d.min) },
          { name: METRICS.eventLoopLagMax, value: Math.max(s(d.max), missedNs / 1e9) },
          { name: METRICS.eventLoopLagMean, value: s(d.mean) },
          // A spread: the resolution offset cancels out.
          { name: METRICS.eventLoopLagStddev, value: d.stddev / 1e9 },
          { name: METRICS.eventLoopLagP50, value: s(d.p50) },
          { name: METRICS.eventLoopLagP90, value: s(d.p90) },
          { name: METRICS.eventLoopLagP99, value: s(d.p99) },
        );
        this.delays.absorbSorted(d.sorted, d.mean);
      } else if (h.count > 0) {
        out.push(
          { name: METRICS.eventLoopLagMin, value: s(h.min) },
          { name: METRICS.eventLoopLagMax, value: Math.max(s(h.max), missedNs / 1e9) },
          { name: METRICS.eventLoopLagMean, value: s(h.mean) },
          // A spread: the resolution offset cancels out.
          { name: METRICS.eventLoopLagStddev, value: h.stddev / 1e9 },
          { name: METRICS.eventLoopLagP50, value: s(h.percentile(50)) },
          { name: METRICS.eventLoopLagP90, value: s(h.percentile(90)) },
          { name: METRICS.eventLoopLagP99, value: s(h.percentile(99)) },
        );
        this.delays.absorb(h);
      } else if (missedNs > 0) {
        // Blocked for the whole window: the timer never fired.
        const late = missedNs / 1e9;
        out.push(
          { name: METRICS.eventLoopLagMin, value: late },
          { name: METRICS.eventLoopLagMax, value: late },
          { name: METRICS.eventLoopLagMean, value: late },
          { name: METRICS.eventLoopLagStddev, value: 0 },
          { name: METRICS.eventLoopLagP50, value: late },
          { name: METRICS.eventLoopLagP90, value: late },
          { name: METRICS.eventLoopLagP99, value: late },
        );
      }
      if (missedNs > 0) this.delays.absorbPaused(1, missedNs);
    }
    this.delays.samples(out);
    h.reset();
    // What the figures above stood for: real samples (1) or a paused window's (0).
    out.push({ name: METRICS.eventLoopDelaySampling, value: this.timerOn ? 1 : 0 });
    if (!this.timerOn) {
      if (!quiet) {
        h.enable();
        this.timerOn = true;
        this.quietWindows = 0;
      }
    } else if (quiet && this.quietMs > 0 && ++this.quietWindows >= QUIET_WINDOWS) {
      h.disable();
      this.timerOn = false;
      this.pausedCarryMs = 0;
    } else if (!quiet) this.quietWindows = 0;
  }

  /**
   * How late a stall the running timer did not sample was, ns (already less the resolution, as
   * the exposed figures are), or 0: the window less the `n` samples' sum (`meanNs` each, every
   * sample being the time since the fire before it) is the time no sample covered, of which up to
   * two resolutions (one on average) are the window's two ends. Counted only above three
   * resolutions, two ordinary busy turns and 0.2 % of the window for HDR's rounding of the sum.
   */
  private unsampledNs(windowMs: number, n: number, meanNs: number, p90Ns: number): number {
    const res = this.resolutionNs;
    const uncovered = windowMs * 1e6 - n * meanNs;
    // Each end is up to one resolution plus the callback running when the timer fell due: in a
    // loop of back-to-back 180 ms callbacks (100 ms resolution) the two ends made 361 ms, read
    // as a 261 ms stall that a never-reset timer did not see (its latest: 89 ms). So each end
    // may also be one ordinary busy turn longer (p90 sample less the resolution). A window with
    // no sample (two such turns, the timer firing before the collection at one end and after it
    // at the other: 364 ms uncovered) has no turn of its own to go by: the last windows' is used,
    // the smaller of the last two. A window of up to five samples has its longest as its p90, so
    // a stall the timer sampled would otherwise pass for the next window's ordinary turn and hide
    // a stall there that it did not record (a 400 ms stall after a 400 ms one: 150 + 2 × 350 ms
    // of margin); back-to-back callbacks give every window the same turn.
    if (n > 0) {
      this.prevBusyNs = this.lastBusyNs;
      this.lastBusyNs = Math.max(0, p90Ns - res);
    }
    // Before any window had a sample there is no turn to go by at all: a loop busy from the start
    // made its first window's two ends a 465 ms "stall" (6 of 6 runs of 'makes no stall of the two
    // ends' beside 2 CPU hogs), so such a window infers nothing.
    if (this.lastBusyNs < 0) return 0;
    const busyNs =
      n > 0 || this.prevBusyNs < 0 ? this.lastBusyNs : Math.min(this.lastBusyNs, this.prevBusyNs);
    return uncovered > 3 * res + 2 * busyNs + windowMs * 2e3 ? uncovered - res : 0;
  }

  /**
   * A paused window's figures: the samples the timer would have taken (the window's length in
   * resolutions, fractions carried to the next window so the count stays exact whatever the
   * collection cadence), on time, the last of them `lateMs` late when the loop woke up. O(1).
   */
  private pausedWindow(out: Sample[], windowMs: number, lateMs: number): void {
    const span = this.pausedCarryMs + Math.max(0, windowMs);
    let n = Math.floor(span / this.resolutionMs);
    this.pausedCarryMs = span - n * this.resolutionMs;
    // A wake-up is one sample even in a window shorter than the resolution.
    if (lateMs > 0 && n === 0) n = 1;
    if (n === 0) return;
    const late = lateMs / 1000;
    const mean = late / n;
    out.push(
      { name: METRICS.eventLoopLagMin, value: n > 1 ? 0 : late },
      { name: METRICS.eventLoopLagMax, value: late },
      { name: METRICS.eventLoopLagMean, value: mean },
      { name: METRICS.eventLoopLagStddev, value: Math.sqrt((late * late) / n - mean * mean) },
      { name: METRICS.eventLoopLagP50, value: n > 1 ? 0 : late },
      // HdrHistogram's rank: the p-th percentile is the late sample once p/100 × n + 0.5 ≥ n.
      { name: METRICS.eventLoopLagP90, value: 0.9 * n + 0.5 >= n ? late : 0 },
      { name: METRICS.eventLoopLagP99, value: 0.99 * n + 0.5 >= n ? late : 0 },
    );
    this.delays.absorbPaused(n, lateMs * 1e6);
  }

  /** Whether the delay timer runs now (false while a quiet loop lets it pause). */
  get sampling(): boolean {
    return this.timerOn;
  }

  private resources(out: Sample[]): void {
    const internal = process as unknown as InternalProcess;
    const resources = process.getActiveResourcesInfo();
    this.byType(out, METRICS.activeResources, METRICS.activeResourcesTotal, resources);
    if (typeof internal._getActiveHandles === 'function') {
      const handles = internal._getActiveHandles();
      this.byType(out, METRICS.activeHandles, METRICS.activeHandlesTotal, handles.map(typeName));
    }
    if (typeof internal._getActiveRequests === 'function') {
      const requests = internal._getActiveRequests();
      this.byType(out, METRICS.activeRequests, METRICS.activeRequestsTotal, requests.map(typeName));
    }
  }

  /** `{type}` counts and a total; a type seen before and gone now reads 0, not its last count. */
  private byType(out: Sample[], name: string, total: string, types: readonly string[]): void {
    const counts = new Map<string, number>();
    for (let i = 0; i < types.length; i++) {
      const t = types[i];
      if (t !== '') counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    let seen = this.seen.get(name);
    if (!seen) this.seen.set(name, (seen = new Set()));
    // forEach, not for…of: no iterator result per entry on every tick.
    seen.forEach((t) => {
      if (!counts.has(t)) counts.set(t, 0);
    });
    const known = seen;
    counts.forEach((n, t) => {
      known.add(t);
      out.push({ name, value: n, labels: this.label(t) });
    });
    out.push({ name: total, value: types.length });
  }

  private label(type: string): Labels {
    let l = this.typeLabels.get(type);
    if (!l) this.typeLabels.set(type, (l = Object.freeze({ type })));
    return l;
  }
}

/** prom-client's `aggregateByObjectName`: the constructor's name ('' when there is none). */
function typeName(o: unknown): string {
  return (o as { constructor?: { name?: string } } | null)?.constructor?.name ?? '';
}
