import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { METRICS } from '@vitals/core';
import type { Collector, Sample } from '@vitals/core';
import { HEAP_DESCRIPTORS } from '../memory.metrics';

/**
 * The V8 heap limit and each heap space's used/total/available size (`space` label as prom-client
 * writes it: `old`, `new`, `code`, `large_object`, …). Heap used/total, external
 * and array-buffer gauges are the monitor's runtime collector's, not repeated here.
 *
 * @example host.container.register(COLLECTOR, { useValue: createHeapCollector() })
 */
export function createHeapCollector(): Collector {
  return {
    name: 'memory-heap',
    descriptors: HEAP_DESCRIPTORS,
    collect(): Sample[] {
      const samples: Sample[] = [
        { name: METRICS.heapLimitBytes, value: getHeapStatistics().heap_size_limit },
      ];
      for (const s of getHeapSpaceStatistics()) {
        // prom-client's label value: the space name without `_space` (`old`, `new`, `code`, …).
        const labels = { space: s.space_name.replace(/_space$/, '') };
        samples.push(
          { name: METRICS.heapSpaceUsedBytes, value: s.space_used_size, labels },
          { name: METRICS.heapSpaceTotalBytes, value: s.space_size, labels },
          { name: METRICS.heapSpaceAvailableBytes, value: s.space_available_size, labels },
        );
      }
      return samples;
    },
  };
}
