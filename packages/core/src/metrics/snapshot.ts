import { matchLabels } from './labels';
import type { CollectorFailure } from './collector.types';
import type { Labels, MetricBatch, Sample } from './metric.types';

/**
 * One collection from every collector: what `collectOnce()` returns and health checks read.
 * A collector that failed is in `failures`, never a reason for the snapshot to fail.
 */
export class Snapshot {
  private readonly byName = new Map<string, Sample[]>();

  constructor(
    readonly at: number,
    readonly batches: readonly MetricBatch[],
    readonly failures: readonly CollectorFailure[] = [],
    readonly durationMs = 0,
  ) {
    for (const batch of batches) {
      for (const sample of batch.samples) {
        const list = this.byName.get(sample.name);
        if (list) list.push(sample);
        else this.byName.set(sample.name, [sample]);
      }
    }
  }

  /** The first value of `name` whose labels include `labels`, or undefined. */
  value(name: string, labels?: Labels): number | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    for (const sample of list) if (matchLabels(sample.labels, labels)) return sample.value;
    return undefined;
  }

  /** Every sample of `name` (all label sets). */
  samples(name: string): readonly Sample[] {
    return this.byName.get(name) ?? [];
  }

  /** True when some collector produced `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Names of every metric present. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
