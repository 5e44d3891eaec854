import { METRICS } from '@vitals/core';
import type { Clock, Collector, Sample } from '@vitals/core';
import { GC_DESCRIPTORS } from '../memory.metrics';
import type { GcObserver } from './gc.observer';
import type { LeakMonitor } from '../leak/leak.monitor';

/**
 * GC pauses (`nodejs_gc_duration_seconds{kind}` histogram; its `_count` is the count per kind), the heap after the
 * last major GC, GC pressure and (given the leak monitor) the leak rate per baseline, from a
 * {@link GcObserver}. Before the observer starts it reports empty histograms and no heap-after-GC.
 *
 * @example host.container.register(COLLECTOR, { useValue: createGcCollector(observer, clock) })
 */
export function createGcCollector(
  observer: GcObserver,
  clock: Clock,
  leaks?: LeakMonitor,
): Collector {
  return {
    name: 'memory-gc',
    descriptors: GC_DESCRIPTORS,
    collect(): Sample[] {
      const samples: Sample[] = [];
      for (const [kind, histogram] of observer.histograms) {
        samples.push(...histogram.toSamples(METRICS.gcDuration, { kind }));
      }
      if (observer.lastMajor)
        samples.push({ name: METRICS.heapAfterGcBytes, value: observer.lastMajor.heapUsedBytes });
      samples.push({ name: METRICS.gcPressureRatio, value: observer.pressure.ratio(clock.now()) });
      if (leaks) {
        for (const kind of ['heap', 'external'] as const) {
          samples.push({
            name: METRICS.leakRateBytesPerSecond,
            value: leaks.rate(kind),
            labels: { kind },
          });
        }
      }
      return samples;
    },
  };
}
