import { METRICS } from '@vitals/core';
import type { Clock, Collector, MetricDescriptor } from '@vitals/core';
import { ProcessTableCache } from '../table/process.table';
import { countSurplus } from './duplicate.finder';
import { duplicatesInScope } from './duplicate.scope';
import type { DuplicateScopeOptions } from './duplicate.scope';

const DESCRIPTOR: MetricDescriptor = {
  name: METRICS.duplicateProcesses,
  help: 'Surplus copies of the same program (copies beyond the first) in the configured scope',
  unit: 'count',
  type: 'gauge',
};

/** Options of {@link createDuplicatesCollector}. */
export interface DuplicatesCollectorOptions extends DuplicateScopeOptions {
  /** Rescan `/proc` at most this often; between scans the last count is published again. @default 10000 */
  readonly refreshMs?: number;
  /** Clock of the refresh interval. */
  readonly clock: Clock;
}

/**
 * Publishes `vitals_duplicate_processes`: how many processes run a program that another process
 * already runs (0 when every program runs once), so an alert rule `> 0` fires on a second copy.
 * A scan is one `/proc` pass (no spawn), so it runs at most every `refreshMs`, not on every
 * monitor tick; it reads `cmdline`, the owner and `cwd` only of processes new since the last one
 * (see ProcessTableCache), with a full read every 5 minutes.
 * @example createDuplicatesCollector({ scope: 'self', clock: systemClock }).collect()
 */
export function createDuplicatesCollector(options: DuplicatesCollectorOptions): Collector {
  const refreshMs = options.refreshMs ?? 10_000;
  // Between two full reads of every process, 5 minutes apart, a scan reads each process's stat
  // and the rest only of new processes.
  const cache = new ProcessTableCache(Math.max(1, Math.round(300_000 / refreshMs)));
  let last: { at: number; value: number } | undefined;
  return {
    name: 'process.duplicates',
    descriptors: [DESCRIPTOR],
    collect() {
      const now = options.clock.now();
      if (!last || now - last.at >= refreshMs)
        last = { at: now, value: countSurplus(duplicatesInScope({ ...options, cache })) };
      return [{ name: DESCRIPTOR.name, value: last.value }];
    },
  };
}
