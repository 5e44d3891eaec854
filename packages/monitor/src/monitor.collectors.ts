import type { Collector } from '@vitals/core';
import { CpuCollector } from './collectors/cpu.collector';
import { DiskCollector } from './collectors/disk.collector';
import { DiskStatsCollector } from './collectors/diskstats.collector';
import { HostCollector } from './collectors/host.collector';
import { MemoryCollector } from './collectors/memory.collector';
import { NetworkCollector } from './collectors/network.collector';
import { ProcessCollector } from './collectors/process.collector';
import { RuntimeCollector } from './collectors/runtime.collector';
import type { MonitorConfig } from './monitor.options';

/** The system, process and runtime collectors a config asks for. */
export interface BuiltCollectors {
  readonly list: Collector[];
  /** Present when `runtime` is on; close it on stop (it owns a histogram timer). */
  readonly runtime?: RuntimeCollector;
}

/**
 * Builds the monitor's collectors from its config: one complete collection is
 * `list.map((c) => c.collect())`.
 * @example buildCollectors(monitorConfigSchema.parse({ pid: 1234, runtime: false }))
 */
export function buildCollectors(
  config: Pick<
    MonitorConfig,
    | 'system'
    | 'process'
    | 'runtime'
    | 'pid'
    | 'disk'
    | 'network'
    | 'eventLoopResolutionMs'
    | 'eventLoopQuietMs'
  >,
): BuiltCollectors {
  const list: Collector[] = [];
  if (config.system) {
    list.push(
      new CpuCollector(),
      new MemoryCollector(),
      new DiskCollector({
        includeFsTypes: config.disk.includeFsTypes,
        excludeMountpoints: config.disk.excludeMountpoints,
      }),
      new NetworkCollector({ excludeInterfaces: config.network.excludeInterfaces }),
      new DiskStatsCollector(),
      new HostCollector(),
    );
  }
  if (config.process) list.push(new ProcessCollector({ pid: config.pid }));
  let runtime: RuntimeCollector | undefined;
  if (config.runtime)
    list.push(
      (runtime = new RuntimeCollector({
        eventLoopResolutionMs: config.eventLoopResolutionMs,
        eventLoopQuietMs: config.eventLoopQuietMs,
      })),
    );
  return { list, runtime };
}
