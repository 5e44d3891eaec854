import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type pidusage from 'pidusage';
import {
  METRICS,
  clockTicksPerSecond,
  countOpenFds,
  processStartTimeMs,
  readCgroupLimits,
  readProcLimits,
  readProcStat,
  readProcStatus,
} from '@vitals/core';
import type { Collector, Labels, Sample } from '@vitals/core';
import { processGone } from '../monitor.errors';
import { PROCESS_DESCRIPTORS } from '../monitor.metrics';

/** Options of the process collector. */
export interface ProcessCollectorOptions {
  /** The process to watch. @default the calling process */
  readonly pid?: number;
  /** @default '/proc' */
  readonly procRoot?: string;
  /** @default '/sys/fs/cgroup' */
  readonly cgroupRoot?: string;
}

/** `'12345 kB'` → bytes. */
/** What the collector reads of `/proc/<pid>/status` (found by search, not by parsing it all). */
const STATUS_KEYS = ['VmRSS', 'VmData'];

const kb = (v: string | undefined): number | undefined =>
  v ? Number(v.split(' ')[0]) * 1024 : undefined;

/**
 * CPU time (counters) and cores used, RSS, virtual memory, data segment (`process_heap_bytes`,
 * VmData), open fds and their limit, threads and start time of this process or any pid, from
 * `/proc/<pid>/{stat,status,fd,limits}`, under prom-client's names. Cores used is the delta of
 * user + system time over the wall time between two collections (1 = one full core);
 * the first collection reports the average since the process started. Without `/proc` it falls
 * back to `process.*` APIs (this process) or pidusage (another pid). Another pid's series carry a
 * `pid` label.
 *
 * @example new ProcessCollector({ pid: 1234 }).collect()
 */
export class ProcessCollector implements Collector {
  readonly name: string;
  readonly descriptors = PROCESS_DESCRIPTORS;
  private readonly self: boolean;
  private readonly pid: number | 'self';
  private readonly labels: Labels | undefined;
  private prev?: { cpu: number; at: number };
  private startMs?: number;
  private maxFds?: number;
  /** Memory limit of another pid's own cgroup (it may sit in another container than we do). */
  private cgroupLimit?: number;
  private collections = 0;

  constructor(private readonly options: ProcessCollectorOptions = {}) {
    this.self = options.pid === undefined || options.pid === process.pid;
    this.pid = this.self ? 'self' : (options.pid as number);
    this.labels = this.self ? undefined : Object.freeze({ pid: String(options.pid) });
    this.name = this.self ? 'process' : `process.${options.pid}`;
  }

  collect(): Sample[] | Promise<Sample[]> {
    const root = this.options.procRoot;
    const stat = readProcStat(this.pid, root);
    if (!stat) {
      // With /proc mounted, a missing stat file means the process is gone.
      if (!this.self && existsSync(join(root ?? '/proc', 'self/stat')))
        throw processGone(this.pid as number);
      return this.fallback();
    }
    const hz = clockTicksPerSecond();
    let user: number;
    let system: number;
    let rss: number | undefined;
    const status = readProcStatus(this.pid, root, STATUS_KEYS);
    if (this.self) {
      // Microsecond resolution instead of /proc's 10 ms ticks.
      const usage = process.cpuUsage();
      user = usage.user / 1e6;
      system = usage.system / 1e6;
      // VmRSS, as prom-client reads it; process.memoryUsage.rss() would read /proc/self/stat again.
      rss = kb(status?.VmRSS) ?? process.memoryUsage.rss();
    } else {
      user = stat.utimeTicks / hz;
      system = stat.stimeTicks / hz;
      rss = kb(status?.VmRSS);
    }
    // prom-client's process_heap_bytes is VmData, the data segment (malloc heap and more).
    const data = kb(status?.VmData);
    // /proc's boot time has whole-second precision; this process knows its own start exactly.
    this.startMs ??= this.self ? performance.timeOrigin : processStartTimeMs(stat, root);
    if (this.collections++ % 30 === 0) {
      this.maxFds = readProcLimits(this.pid, root)?.openFiles?.soft;
      if (!this.self) {
        this.cgroupLimit = readCgroupLimits({
          pid: this.pid,
          procRoot: root,
          cgroupRoot: this.options.cgroupRoot,
        }).memoryLimitBytes;
      }
    }
    const fds = countOpenFds(this.pid, root);
    const out = this.cpu(user, system);
    const labels = this.labels;
    if (rss !== undefined) out.push({ name: METRICS.processRssBytes, value: rss, labels });
    out.push({ name: METRICS.processVirtualBytes, value: stat.vsizeBytes, labels });
    if (data !== undefined) out.push({ name: METRICS.processHeapBytes, value: data, labels });
    // Minus the descriptor readdir held open while counting its own directory.
    if (fds !== undefined)
      out.push({ name: METRICS.processOpenFds, value: this.self ? fds - 1 : fds, labels });
    if (this.maxFds !== undefined && Number.isFinite(this.maxFds)) {
      out.push({ name: METRICS.processMaxFds, value: this.maxFds, labels });
    }
    // With its pid label, so `rss-container-limit` compares the process with its own container.
    if (this.cgroupLimit !== undefined) {
      out.push({ name: METRICS.cgroupMemoryLimitBytes, value: this.cgroupLimit, labels });
    }
    out.push(
      { name: METRICS.processThreads, value: stat.numThreads, labels },
      { name: METRICS.processStartTimeSeconds, value: this.startMs / 1000, labels },
    );
    return out;
  }

  private cpu(user: number, system: number): Sample[] {
    const labels = this.labels;
    const total = user + system;
    const at = performance.now();
    const prev = this.prev;
    this.prev = { cpu: total, at };
    const out: Sample[] = [
      { name: METRICS.processCpuSeconds, value: total, labels },
      { name: METRICS.processCpuUserSeconds, value: user, labels },
      { name: METRICS.processCpuSystemSeconds, value: system, labels },
    ];
    let ratio: number | undefined;
    if (prev && at > prev.at) ratio = (total - prev.cpu) / ((at - prev.at) / 1000);
    else if (this.startMs !== undefined)
      ratio = total / Math.max(0.001, (Date.now() - this.startMs) / 1000);
    else if (this.self) ratio = total / Math.max(0.001, process.uptime());
    if (ratio !== undefined)
      out.push({ name: METRICS.processCpuRatio, value: Math.max(0, ratio), labels });
    return out;
  }

  /** No `/proc`: this process through `process.*`, another through pidusage. */
  private async fallback(): Promise<Sample[]> {
    if (this.self) {
      const usage = process.cpuUsage();
      const out = this.cpu(usage.user / 1e6, usage.system / 1e6);
      this.startMs ??= Date.now() - process.uptime() * 1000;
      out.push(
        { name: METRICS.processRssBytes, value: process.memoryUsage.rss() },
        { name: METRICS.processStartTimeSeconds, value: this.startMs / 1000 },
      );
      return out;
    }
    const pid = this.pid as number;
    let stats: pidusage.Status;
    try {
      // Loaded only off Linux (no /proc), where it is needed.
      const { default: sample } = await import('pidusage');
      stats = await sample(pid);
    } catch {
      throw processGone(pid);
    }
    const labels = this.labels;
    return [
      { name: METRICS.processCpuSeconds, value: stats.ctime / 1000, labels },
      { name: METRICS.processCpuRatio, value: stats.cpu / 100, labels },
      { name: METRICS.processRssBytes, value: stats.memory, labels },
      {
        name: METRICS.processStartTimeSeconds,
        value: (stats.timestamp - stats.elapsed) / 1000,
        labels,
      },
    ];
  }
}
