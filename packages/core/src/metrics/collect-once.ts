import { describeError } from '../errors';
import type { Logger } from '../logging/logger';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { withDeadline } from '../util/deadline';
import type { Collector, CollectorFailure } from './collector.types';
import type { MetricBatch, Sample } from './metric.types';
import { Snapshot } from './snapshot';

/** Options of {@link collectOnce}. */
export interface CollectOptions {
  /** Deadline per collector when it declares none, ms. @default 2000 */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Normalises what a collector returned into a batch. */
export function toBatch(
  collector: Collector,
  result: MetricBatch | readonly Sample[],
  at: number,
): MetricBatch {
  if (Array.isArray(result)) return { source: collector.name, at, samples: result };
  const batch = result as MetricBatch;
  if (!batch || !Array.isArray(batch.samples)) {
    throw new Error(`collector "${collector.name}" returned neither a batch nor a sample list`);
  }
  return batch;
}

/**
 * Runs every collector once, all at the same time, each within its own deadline, and returns one
 * snapshot. A collector that throws or hangs becomes an entry of `snapshot.failures`; the
 * snapshot itself never fails.
 */
export async function collectOnce(
  collectors: readonly Collector[],
  options: CollectOptions = {},
): Promise<Snapshot> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const batches: MetricBatch[] = [];
  const failures: CollectorFailure[] = [];
  await Promise.all(
    collectors.map(async (collector) => {
      const ms = collector.timeoutMs ?? options.timeoutMs ?? 2000;
      const result = await withDeadline(
        async () => toBatch(collector, await collector.collect(), clock.now()),
        ms,
        `collector "${collector.name}"`,
        clock,
      );
      if (result.ok) {
        batches.push(result.value);
      } else {
        const message = result.timedOut
          ? `timed out after ${ms} ms`
          : `threw: ${describeError(result.error)}`;
        failures.push({
          collector: collector.name,
          message,
          timedOut: result.timedOut,
          error: result.error,
        });
        options.logger?.warn({ collector: collector.name }, `collector ${message}`);
      }
    }),
  );
  return new Snapshot(started, batches, failures, clock.now() - started);
}
