import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';
import { METRICS } from '@vitals/core';
import type { Collector, Labels, Sample } from '@vitals/core';
import { RUNTIME_DESCRIPTORS } from '../monitor.metrics';

/** Options of the runtime collector. */
export interface RuntimeCollectorOptions {
  /** Sampling resolution of `monitorEventLoopDelay`, ms (each sample wakes the loop). @default 50 */
  readonly eventLoopResolutionMs?: number;
}

/**
 * libuv request types as `process.getActiveResourcesInfo()` names them (`FSReqCallback`,
 * `GetAddrInfoReqWrap`, `WriteWrap`, …); everything else is a handle (`TCPSocketWrap`, `Timeout`, …).
 */
const REQUEST =
  /Req(Wrap|Callback|Promise)?$|^(Write|Shutdown|Connect|TCPConnect|PipeConnect|Send)Wrap$/;

/**
 * Node runtime metrics: event-loop delay (min, mean, max, p50, p90, p99) from
 * `monitorEventLoopDelay` with its sampling resolution subtracted (an idle loop reads ≈ 0, not
 * ≈ resolution) and the histogram reset after every collection (each value covers one tick, not
 * the life of the process — prom-client gets both wrong); event-loop utilisation since the
 * previous collection; active handles and requests by type; heap, external and array-buffer
 * memory; the Node version.
 *
 * The delay histogram starts on the first collection (that one reports no delay) and runs until
 * {@link RuntimeCollector.close}. The first utilisation covers the life of the process.
 *
 * @example const c = new RuntimeCollector({ eventLoopResolutionMs: 50 }); c.collect(); … c.close();
 */
export class RuntimeCollector implements Collector {
  readonly name = 'runtime';
  readonly descriptors = RUNTIME_DESCRIPTORS;
  private histogram?: IntervalHistogram;
  private elu?: EventLoopUtilization;
  private readonly resolutionNs: number;
  private readonly resolutionMs: number;
  private readonly typeLabels = new Map<string, Labels>();
  private readonly seenHandles = new Set<string>();
  private readonly seenRequests = new Set<string>();
  private readonly version: Sample;

  constructor(options: RuntimeCollectorOptions = {}) {
    this.resolutionMs = Math.max(1, Math.round(options.eventLoopResolutionMs ?? 50));
    this.resolutionNs = this.resolutionMs * 1e6;
    const [major, minor, patch] = process.versions.node.split('.');
    this.version = {
      name: METRICS.versionInfo,
      value: 1,
      labels: Object.freeze({ version: process.version, major, minor, patch }),
    };
  }

  collect(): Sample[] {
    const out: Sample[] = [];
    this.eventLoop(out);
    const elu = performance.eventLoopUtilization();
    const delta = this.elu ? performance.eventLoopUtilization(elu, this.elu) : elu;
    this.elu = elu;
    out.push({ name: METRICS.eventLoopUtilization, value: delta.utilization });
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

  private eventLoop(out: Sample[]): void {
    const h = this.histogram;
    if (!h) {
      this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
      this.histogram.enable();
      return;
    }
    if (h.count > 0) {
      const s = (ns: number): number => Math.max(0, ns - this.resolutionNs) / 1e9;
      out.push(
        { name: METRICS.eventLoopLagMin, value: s(h.min) },
        { name: METRICS.eventLoopLagMax, value: s(h.max) },
        { name: METRICS.eventLoopLagMean, value: s(h.mean) },
        { name: METRICS.eventLoopLagP50, value: s(h.percentile(50)) },
        { name: METRICS.eventLoopLagP90, value: s(h.percentile(90)) },
        { name: METRICS.eventLoopLagP99, value: s(h.percentile(99)) },
      );
    }
    h.reset();
  }

  private resources(out: Sample[]): void {
    const handles = new Map<string, number>();
    const requests = new Map<string, number>();
    let nHandles = 0;
    let nRequests = 0;
    for (const type of process.getActiveResourcesInfo()) {
      if (REQUEST.test(type)) {
        requests.set(type, (requests.get(type) ?? 0) + 1);
        nRequests++;
      } else {
        handles.set(type, (handles.get(type) ?? 0) + 1);
        nHandles++;
      }
    }
    // A type seen before and gone now reads 0, not its last count.
    for (const type of this.seenHandles) if (!handles.has(type)) handles.set(type, 0);
    for (const type of this.seenRequests) if (!requests.has(type)) requests.set(type, 0);
    for (const type of handles.keys()) this.seenHandles.add(type);
    for (const type of requests.keys()) this.seenRequests.add(type);
    for (const [type, n] of handles)
      out.push({ name: METRICS.activeHandles, value: n, labels: this.label(type) });
    for (const [type, n] of requests)
      out.push({ name: METRICS.activeRequests, value: n, labels: this.label(type) });
    out.push(
      { name: METRICS.activeHandlesTotal, value: nHandles },
      { name: METRICS.activeRequestsTotal, value: nRequests },
    );
  }

  private label(type: string): Labels {
    let l = this.typeLabels.get(type);
    if (!l) this.typeLabels.set(type, (l = Object.freeze({ type })));
    return l;
  }
}
