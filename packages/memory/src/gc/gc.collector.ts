import { METRICS } from '@vitals/core';
import type { Clock, Collector, Sample } from '@vitals/core';
import { GC_DESCRIPTORS, MEMORY_METRICS } from '../memory.metrics';
import type { GcObserver } from './gc.observer';
import type { LeakKind } from '../leak/leak.monitor';
import type { MeasurementGc } from './measurement-gc';

/**
 * GC pauses (`nodejs_gc_duration_seconds{kind}` histogram), counts per kind, GC pressure,
 * measurement GCs and (given the leak rates) this process's leak rate per baseline, from a
 * {@link GcObserver}. The post-GC baselines are not here: they are published once per major GC
 * (a repeated stale value would be read as a new baseline point).
 *
 * @example host.container.register(COLLECTOR, { useValue: createGcCollector(observer, clock) })
 */
export function createGcCollector(
  observer: GcObserver,
  clock: Clock,
  leaks?: { rate(kind: LeakKind): number },
  measurement?: MeasurementGc,
): Collector {
  return {
    name: 'memory-gc',
    descriptors: GC_DESCRIPTORS,
    collect(): Sample[] {
      const samples: Sample[] = [];
      for (const [kind, histogram] of observer.histograms) {
        samples.push(...histogram.toSamples(METRICS.gcDuration, { kind }));
      }
      if (measurement) {
        samples.push(
          { name: MEMORY_METRICS.measurementGcCount, value: measurement.count },
          { name: MEMORY_METRICS.measurementGcSeconds, value: measurement.totalPauseMs / 1000 },
        );
      }
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
