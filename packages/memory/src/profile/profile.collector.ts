import type { Collector, Sample } from '@vitals/core';
import { PROFILE_DESCRIPTORS } from '../memory.metrics';
import type { MemoryProfiler } from './memory.profiler';

/**
 * Publishes a profiler's per-function histograms (`vitals_memory_profile_*{fn}`) on each tick.
 * @example container.register(COLLECTOR, { useValue: createProfileCollector(defaultProfiler) })
 */
export function createProfileCollector(profiler: MemoryProfiler): Collector {
  return {
    name: 'memory-profile',
    descriptors: PROFILE_DESCRIPTORS,
    collect(): Sample[] {
      return profiler.toSamples();
    },
  };
}
