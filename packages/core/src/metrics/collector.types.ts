import type { MetricBatch, MetricDescriptor, Sample } from './metric.types';

/**
 * Multi-token contract: something that measures. Scheduled by the monitor, run once by
 * diagnostics. `collect()` must work without its plugin having been started (diagnostics calls it
 * on a host that is only registered), and must not spawn a process on a hot path.
 */
export interface Collector {
  /** Unique name; also the `source` of its batches. */
  readonly name: string;
  /** Every metric this collector can emit. */
  readonly descriptors: readonly MetricDescriptor[];
  /** Per-collector deadline in ms; the scheduler's default applies when absent. */
  readonly timeoutMs?: number;
  collect(): MetricBatch | readonly Sample[] | Promise<MetricBatch | readonly Sample[]>;
}

/** A collector that failed in `collectOnce()` or on a tick. */
export interface CollectorFailure {
  readonly collector: string;
  readonly message: string;
  readonly timedOut: boolean;
  readonly error: unknown;
}
