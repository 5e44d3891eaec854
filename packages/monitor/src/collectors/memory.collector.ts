import { freemem, totalmem } from 'node:os';
import { METRICS, readCgroupLimits, readMeminfo } from '@vitals/core';
import type { CgroupLimits, Collector, Sample } from '@vitals/core';
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
 * Without `/proc` it falls back to `os.totalmem()`/`os.freemem()`. Without a cgroup memory limit
 * the cgroup files are re-read every 30 collections only.
 *
 * @example new MemoryCollector().collect()
 */
export class MemoryCollector implements Collector {
  readonly name = 'system.memory';
  readonly descriptors = MEMORY_DESCRIPTORS;
  private cgroup?: CgroupLimits;
  private collections = 0;

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
    // Reading the cgroup tree costs ~0.2 ms: every tick only when a limit makes usage matter,
    // otherwise every 30 collections (to notice a limit set later).
    const fresh =
      this.cgroup === undefined ||
      this.cgroup.memoryLimitBytes !== undefined ||
      this.collections % 30 === 0;
    if (fresh) {
      this.cgroup = readCgroupLimits({
        procRoot: this.options.procRoot,
        cgroupRoot: this.options.cgroupRoot,
      });
    }
    this.collections++;
    const cg = this.cgroup as CgroupLimits;
    let used = total > 0 ? (total - available) / total : 0;
    if (cg.memoryLimitBytes !== undefined) {
      out.push({ name: METRICS.cgroupMemoryLimitBytes, value: cg.memoryLimitBytes });
      // Against the working set, not raw usage: usage counts page cache the kernel reclaims
      // before it would OOM-kill, so a busy disk would otherwise look like memory pressure.
      const inUse = cg.memoryWorkingSetBytes ?? cg.memoryUsageBytes;
      if (inUse !== undefined && cg.memoryLimitBytes < total && cg.memoryLimitBytes > 0) {
        used = inUse / cg.memoryLimitBytes;
      }
    }
    if (fresh && cg.memoryUsageBytes !== undefined) {
      out.push({ name: METRICS.cgroupMemoryUsageBytes, value: cg.memoryUsageBytes });
    }
    if (fresh && cg.memoryWorkingSetBytes !== undefined) {
      out.push({ name: METRICS.cgroupMemoryWorkingSetBytes, value: cg.memoryWorkingSetBytes });
    }
    out.push({ name: METRICS.memoryUsedRatio, value: Math.min(1, Math.max(0, used)) });
    return out;
  }
}
