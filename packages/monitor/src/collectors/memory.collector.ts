import { freemem, totalmem } from 'node:os';
import { METRICS, readCgroupLimits, readMeminfo } from '@vitals/core';
import type { CgroupLimits, Collector, MetricDescriptor, Sample } from '@vitals/core';
import { MEMORY_DESCRIPTORS, meminfoMetricName } from '../monitor.metrics';

/** The only `/proc/meminfo` lines without `kB`: page counts, exported without `_bytes`. */
const UNITLESS = /^HugePages_/;

/** Where the memory collector reads; tests point it at fake trees. */
export interface MemoryCollectorOptions {
  /** @default '/proc' */
  readonly procRoot?: string;
  /** @default '/sys/fs/cgroup' */
  readonly cgroupRoot?: string;
}

/**
 * Every `/proc/meminfo` field under node_exporter's name and unit (`node_memory_MemTotal_bytes`,
 * `node_memory_Active_anon_bytes`, `node_memory_HugePages_Total`, …, declared from the fields
 * this kernel has when the collector is built), swap used, and the cgroup's memory limit and
 * usage. When the
 * cgroup limit is below the machine's memory, `vitals_system_memory_used_ratio` is the cgroup's
 * usage over its limit (what the OOM killer acts on), otherwise (MemTotal − MemAvailable) / MemTotal.
 * Without `/proc` it falls back to `os.totalmem()`/`os.freemem()`. Without a cgroup memory limit
 * the cgroup files are re-read every 30 collections only.
 *
 * @example new MemoryCollector().collect()
 */
export class MemoryCollector implements Collector {
  readonly name = 'system.memory';
  readonly descriptors: readonly MetricDescriptor[];
  private cgroup?: CgroupLimits;
  private collections = 0;
  /** meminfo field → exported name, cached. */
  private readonly names = new Map<string, string>();

  constructor(private readonly options: MemoryCollectorOptions = {}) {
    const fields = Object.keys(readMeminfo(options.procRoot));
    // Without /proc the two figures of node:os still go out under their node_exporter names.
    for (const f of fields.length > 0 ? fields : ['MemTotal', 'MemAvailable']) this.nameOf(f);
    this.descriptors = [
      ...[...this.names].map(([field, name]): MetricDescriptor => ({
        name,
        type: 'gauge',
        unit: UNITLESS.test(field) ? 'count' : 'bytes',
        help: `Memory information field ${field.replace(/[()]/g, '_')}.`,
      })),
      ...MEMORY_DESCRIPTORS,
    ];
  }

  collect(): Sample[] {
    const info = readMeminfo(this.options.procRoot);
    const total = info.MemTotal ?? totalmem();
    const available = info.MemAvailable ?? freemem();
    const out: Sample[] = [];
    for (const field in info) out.push({ name: this.nameOf(field), value: info[field] });
    if (info.MemTotal === undefined) {
      out.push(
        { name: METRICS.memTotalBytes, value: total },
        { name: METRICS.memAvailableBytes, value: available },
      );
    }
    if (info.SwapTotal !== undefined && info.SwapFree !== undefined) {
      out.push({ name: METRICS.swapUsedBytes, value: Math.max(0, info.SwapTotal - info.SwapFree) });
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

  private nameOf(field: string): string {
    let name = this.names.get(field);
    if (name === undefined)
      this.names.set(field, (name = meminfoMetricName(field, !UNITLESS.test(field))));
    return name;
  }
}
