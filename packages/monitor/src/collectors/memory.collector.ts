import { freemem, totalmem } from 'node:os';
import { METRICS, readCgroupLimits, readMeminfo } from '@vitals/core';
import type { Collector, Sample } from '@vitals/core';
import { MEMORY_DESCRIPTORS } from '../monitor.metrics';

/** Where the memory collector reads; tests point it at fake trees. */
export interface MemoryCollectorOptions {
  /** @default '/proc' */
  readonly procRoot?: string;
  /** @default '/sys/fs/cgroup' */
  readonly cgroupRoot?: string;
}

/**
 * System memory and swap from `/proc/meminfo`, and the cgroup's memory limit and usage. When the
 * cgroup limit is below the machine's memory, `vitals_system_memory_used_ratio` is the cgroup's
 * usage over its limit (what the OOM killer acts on), otherwise (MemTotal − MemAvailable) / MemTotal.
 * Without `/proc` it falls back to `os.totalmem()`/`os.freemem()`.
 *
 * @example new MemoryCollector().collect()
 */
export class MemoryCollector implements Collector {
  readonly name = 'system.memory';
  readonly descriptors = MEMORY_DESCRIPTORS;

  constructor(private readonly options: MemoryCollectorOptions = {}) {}

  collect(): Sample[] {
    const info = readMeminfo(this.options.procRoot);
    const total = info.MemTotal ?? totalmem();
    const available = info.MemAvailable ?? freemem();
    const out: Sample[] = [
      { name: METRICS.memTotalBytes, value: total },
      { name: METRICS.memAvailableBytes, value: available },
    ];
    if (info.SwapTotal !== undefined && info.SwapFree !== undefined) {
      out.push(
        { name: METRICS.swapTotalBytes, value: info.SwapTotal },
        { name: METRICS.swapFreeBytes, value: info.SwapFree },
        { name: METRICS.swapUsedBytes, value: Math.max(0, info.SwapTotal - info.SwapFree) },
      );
    }
    const cg = readCgroupLimits({ procRoot: this.options.procRoot, cgroupRoot: this.options.cgroupRoot });
    let used = total > 0 ? (total - available) / total : 0;
    if (cg.memoryLimitBytes !== undefined) {
      out.push({ name: METRICS.cgroupMemoryLimitBytes, value: cg.memoryLimitBytes });
      if (cg.memoryUsageBytes !== undefined && cg.memoryLimitBytes < total && cg.memoryLimitBytes > 0) {
        used = cg.memoryUsageBytes / cg.memoryLimitBytes;
      }
    }
    if (cg.memoryUsageBytes !== undefined) {
      out.push({ name: METRICS.cgroupMemoryUsageBytes, value: cg.memoryUsageBytes });
    }
    out.push({ name: METRICS.memoryUsedRatio, value: Math.min(1, Math.max(0, used)) });
    return out;
  }
}
