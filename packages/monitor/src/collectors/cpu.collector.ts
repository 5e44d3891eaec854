import { cpus } from 'node:os';
import {
  METRICS,
  clockTicksPerSecond,
  readCgroupLimits,
  readCpuTimes,
  readLoadavg,
} from '@vitals/core';
import type { Collector, CpuTimes, Labels, Sample } from '@vitals/core';
import { CPU_DESCRIPTORS } from '../monitor.metrics';

/** Where the CPU collector reads; tests point it at fake trees. */
export interface CpuCollectorOptions {
  /** @default '/proc' */
  readonly procRoot?: string;
  /** @default '/sys/fs/cgroup' */
  readonly cgroupRoot?: string;
}

const busy = (t: CpuTimes): number => t.user + t.nice + t.system + t.irq + t.softirq + t.steal;
const idle = (t: CpuTimes): number => t.idle + t.iowait;

/** Busy share between two readings; `undefined` when no tick elapsed. */
function ratio(prev: CpuTimes | undefined, next: CpuTimes): number | undefined {
  const b = busy(next) - (prev ? busy(prev) : 0);
  const i = idle(next) - (prev ? idle(prev) : 0);
  const total = b + i;
  return total > 0 ? Math.min(1, Math.max(0, b / total)) : undefined;
}

const CPU_LABELS: { cpu: string }[] = [];
const cpuLabel = (i: number): { cpu: string } => (CPU_LABELS[i] ??= { cpu: String(i) });

/** node_exporter's modes of `node_cpu_seconds_total`, in `/proc/stat` order. */
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
const MODE_LABELS: Labels[][] = [];
const modeLabels = (i: number): Labels[] =>
  (MODE_LABELS[i] ??= MODES.map((mode) => Object.freeze({ cpu: String(i), mode })));

/**
 * CPU time per core and mode as node_exporter's counter `node_cpu_seconds_total{cpu,mode}`
 * (`/proc/stat`, clock ticks / USER_HZ), so PromQL's `rate()` sees every busy second between
 * scrapes; utilisation gauges (total and per core, deltas between two ticks, for alert rules);
 * load averages from `/proc/loadavg`; the cgroup CPU quota. The first collection has no previous
 * reading and its utilisation is the average since boot.
 *
 * @example new CpuCollector().collect() // [{ name: 'vitals_system_cpu_used_ratio', value: 0.12 }, …]
 */
export class CpuCollector implements Collector {
  readonly name = 'system.cpu';
  readonly descriptors = CPU_DESCRIPTORS;
  private prev?: { total: CpuTimes; perCpu: CpuTimes[] };
  private cpuLimit?: number;
  private collections = 0;

  constructor(private readonly options: CpuCollectorOptions = {}) {}

  collect(): Sample[] {
    const times = readCpuTimes(this.options.procRoot);
    const out: Sample[] = [];
    const prev = this.prev;
    this.prev = times;
    const total = ratio(prev?.total, times.total);
    if (total !== undefined) out.push({ name: METRICS.cpuUsedRatio, value: total });
    const hz = clockTicksPerSecond();
    for (let i = 0; i < times.perCpu.length; i++) {
      const t = times.perCpu[i];
      const r = ratio(prev?.perCpu[i], t);
      if (r !== undefined)
        out.push({ name: METRICS.cpuCoreUsedRatio, value: r, labels: cpuLabel(i) });
      const labels = modeLabels(i);
      for (let m = 0; m < MODES.length; m++)
        out.push({ name: METRICS.nodeCpuSeconds, value: t[MODES[m]] / hz, labels: labels[m] });
    }
    out.push({ name: METRICS.cpuCount, value: times.perCpu.length || cpus().length });
    const [l1, l5, l15] = readLoadavg(this.options.procRoot);
    out.push(
      { name: METRICS.load1, value: l1 },
      { name: METRICS.load5, value: l5 },
      { name: METRICS.load15, value: l15 },
    );
    // A quota changes only when an operator changes it: re-read it every 30 collections.
    if (this.collections++ % 30 === 0) {
      this.cpuLimit = readCgroupLimits({
        procRoot: this.options.procRoot,
        cgroupRoot: this.options.cgroupRoot,
      }).cpuLimitCores;
    }
    if (this.cpuLimit !== undefined)
      out.push({ name: METRICS.cgroupCpuLimitCores, value: this.cpuLimit });
    return out;
  }
}
