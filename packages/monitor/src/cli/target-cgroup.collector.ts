import { METRICS, readCgroupLimits } from '@vitals/core';
import type { CgroupLimits, Collector, Labels, MetricDescriptor, Sample } from '@vitals/core';

/**
 * CFS throttling of a cgroup, named after cAdvisor's `container_cpu_cfs_*` counters with the
 * `vitals_cgroup_` prefix of the other cgroup series; the ratio is derived between two ticks.
 */
export const CGROUP_CPU_METRICS = {
  /** CFS enforcement periods elapsed (`cpu.stat` `nr_periods`). Counter. */
  periods: 'vitals_cgroup_cpu_periods_total',
  /** Periods in which the cgroup used its whole quota and was stopped (`nr_throttled`). Counter. */
  throttledPeriods: 'vitals_cgroup_cpu_throttled_periods_total',
  /** Time the cgroup spent throttled, seconds (`throttled_usec`, v1 `throttled_time`). Counter. */
  throttledSeconds: 'vitals_cgroup_cpu_throttled_seconds_total',
  /** Share of the periods since the previous tick that were throttled (0–1). */
  throttledRatio: 'vitals_cgroup_cpu_throttled_ratio',
} as const;

const labelled = (labels: string[]) => (labels.length > 0 ? { labelNames: labels } : {});

/** Descriptors of {@link TargetCgroupCollector}; `pid` labels only when watching another process. */
export function targetCgroupDescriptors(watchingOther: boolean): MetricDescriptor[] {
  const labels = labelled(watchingOther ? ['pid'] : []);
  const own: MetricDescriptor[] = [
    {
      name: CGROUP_CPU_METRICS.periods,
      type: 'counter',
      unit: 'count',
      help: 'CFS periods elapsed in the cgroup that sets the CPU quota (nr_periods)',
      ...labels,
    },
    {
      name: CGROUP_CPU_METRICS.throttledPeriods,
      type: 'counter',
      unit: 'count',
      help: 'CFS periods in which the cgroup was throttled (nr_throttled)',
      ...labels,
    },
    {
      name: CGROUP_CPU_METRICS.throttledSeconds,
      type: 'counter',
      unit: 'seconds',
      help: 'Time the cgroup was throttled (throttled_usec / throttled_time)',
      ...labels,
    },
    {
      name: CGROUP_CPU_METRICS.throttledRatio,
      type: 'gauge',
      unit: 'ratio',
      help: 'Share of CFS periods since the previous tick that were throttled (0-1)',
      ...labels,
    },
  ];
  if (!watchingOther) return own;
  // Another process's own cgroup: its usage, working set and CPU quota (its memory limit comes
  // from the process collector, also labelled with the pid).
  return [
    ...own,
    {
      name: METRICS.cgroupMemoryUsageBytes,
      type: 'gauge',
      unit: 'bytes',
      help: 'Memory charged to the cgroup (page cache included)',
      labelNames: ['pid'],
    },
    {
      name: METRICS.cgroupMemoryWorkingSetBytes,
      type: 'gauge',
      unit: 'bytes',
      help: 'Memory of the cgroup without reclaimable inactive file cache (what the OOM killer counts)',
      labelNames: ['pid'],
    },
    {
      name: METRICS.cgroupCpuLimitCores,
      type: 'gauge',
      unit: 'count',
      help: 'CPU quota of the cgroup, in cores',
      labelNames: ['pid'],
    },
  ];
}

/** Where and what {@link TargetCgroupCollector} reads. */
export interface TargetCgroupOptions {
  /** The watched process; undefined or this process: our own cgroup, series unlabelled. */
  readonly pid?: number;
  /** @default '/proc' */
  readonly procRoot?: string;
  /** @default '/sys/fs/cgroup' */
  readonly cgroupRoot?: string;
}

/**
 * The cgroup of the process `vitals monitor` watches, read from that process's own
 * `/proc/<pid>/cgroup` (v1 or v2) every tick: CPU throttling counters of the cgroup that sets the
 * quota and their share per tick, and, for another pid (labelled `{pid}`), its memory usage,
 * working set and CPU quota, so the view and the rules grade the target's cgroup and not the
 * CLI's. Publishes nothing when the process has no cgroup (not Linux, process gone).
 * @example new TargetCgroupCollector({ pid: 4242 }).collect()
 */
export class TargetCgroupCollector implements Collector {
  readonly name: string;
  readonly descriptors: readonly MetricDescriptor[];
  private readonly labels: Labels | undefined;
  private readonly pid: number | 'self';
  private previous?: CgroupLimits;

  constructor(private readonly options: TargetCgroupOptions = {}) {
    const other = options.pid !== undefined && options.pid !== process.pid;
    this.pid = other ? (options.pid as number) : 'self';
    this.labels = other ? Object.freeze({ pid: String(options.pid) }) : undefined;
    this.name = other ? `cgroup.${options.pid}` : 'cgroup.self';
    this.descriptors = targetCgroupDescriptors(other);
  }

  collect(): Sample[] {
    const cg = readCgroupLimits({
      pid: this.pid,
      procRoot: this.options.procRoot,
      cgroupRoot: this.options.cgroupRoot,
    });
    const before = this.previous;
    this.previous = cg;
    if (cg.version === undefined) return [];
    const labels = this.labels;
    const out: Sample[] = [];
    const push = (name: string, value: number | undefined): void => {
      if (value !== undefined && Number.isFinite(value)) out.push({ name, value, labels });
    };
    if (labels) {
      push(METRICS.cgroupMemoryUsageBytes, cg.memoryUsageBytes);
      push(METRICS.cgroupMemoryWorkingSetBytes, cg.memoryWorkingSetBytes);
      push(METRICS.cgroupCpuLimitCores, cg.cpuLimitCores);
    }
    push(CGROUP_CPU_METRICS.periods, cg.cpuPeriods);
    push(CGROUP_CPU_METRICS.throttledPeriods, cg.cpuThrottledPeriods);
    push(CGROUP_CPU_METRICS.throttledSeconds, cg.cpuThrottledSeconds);
    const periods = (cg.cpuPeriods ?? 0) - (before?.cpuPeriods ?? NaN);
    const throttled = (cg.cpuThrottledPeriods ?? 0) - (before?.cpuThrottledPeriods ?? NaN);
    // Between two ticks, and only forward: a cgroup recreated under the same path restarts at 0.
    if (periods > 0 && throttled >= 0) push(CGROUP_CPU_METRICS.throttledRatio, throttled / periods);
    return out;
  }
}
