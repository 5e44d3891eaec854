import { hostname, machine, release, type, version } from 'node:os';
import { join } from 'node:path';
import { METRICS, bootTimeMs, readPseudoFile } from '@vitals/core';
import type { Collector, Sample } from '@vitals/core';
import { HOST_DESCRIPTORS, PRESSURE_METRICS } from '../monitor.metrics';

/** Where the host collector reads; tests point it at fake trees. */
export interface HostCollectorOptions {
  /** @default '/proc' */
  readonly procRoot?: string;
}

/** `/proc/pressure/<resource>` lines → (`some`|`full`) → node_exporter family. */
const PRESSURE: readonly { file: string; some?: string; full?: string }[] = [
  { file: 'cpu', some: PRESSURE_METRICS.cpuWaiting },
  { file: 'io', some: PRESSURE_METRICS.ioWaiting, full: PRESSURE_METRICS.ioStalled },
  { file: 'memory', some: PRESSURE_METRICS.memoryWaiting, full: PRESSURE_METRICS.memoryStalled },
];

/** A /proc file's text (core's kept descriptor for the real /proc), undefined when unreadable. */
function read(path: string): string | undefined {
  try {
    return readPseudoFile(path);
  } catch {
    return undefined;
  }
}

/**
 * node_exporter's host identity and clock families, from `/proc` and `node:os` without spawning:
 * `node_uname_info{sysname,release,version,machine,nodename,domainname}` (uname(2) through
 * `os.type()`, `os.release()`, `os.version()`, `os.machine()`, `os.hostname()`, and
 * `/proc/sys/kernel/domainname`), `node_boot_time_seconds` (`btime` of `/proc/stat`),
 * `node_time_seconds` (the wall clock), and the pressure-stall counters
 * `node_pressure_{cpu,io,memory}_waiting_seconds_total` (`some` line of `/proc/pressure/*`) and
 * `node_pressure_{io,memory}_stalled_seconds_total` (`full`), absent where the kernel has no PSI.
 *
 * @example new HostCollector().collect() // [{ name: 'node_uname_info', value: 1, labels: {…} }, …]
 */
export class HostCollector implements Collector {
  readonly name = 'system.host';
  readonly descriptors = HOST_DESCRIPTORS;
  private uname?: Sample;
  private readonly root: string;

  constructor(options: HostCollectorOptions = {}) {
    this.root = options.procRoot ?? '/proc';
  }

  collect(): Sample[] {
    const out: Sample[] = [this.unameSample()];
    out.push(
      { name: METRICS.nodeBootTimeSeconds, value: bootTimeMs(this.root) / 1000 },
      { name: METRICS.nodeTimeSeconds, value: Date.now() / 1000 },
    );
    for (const p of PRESSURE) {
      const text = read(join(this.root, 'pressure', p.file));
      if (text === undefined) continue;
      for (const line of text.split('\n')) {
        const m = /^(some|full) .*total=(\d+)/.exec(line);
        const name = m && (m[1] === 'some' ? p.some : p.full);
        // Microseconds of stall since boot.
        if (m && name) out.push({ name, value: Number(m[2]) / 1e6 });
      }
    }
    return out;
  }

  /** Built once: a hostname change shows after a restart (node_exporter reads it every scrape). */
  private unameSample(): Sample {
    if (this.uname) return this.uname;
    const domain = read(join(this.root, 'sys/kernel/domainname'))?.trim() ?? '(none)';
    this.uname = {
      name: METRICS.nodeUnameInfo,
      value: 1,
      labels: Object.freeze({
        sysname: type(),
        release: release(),
        version: version(),
        machine: machine(),
        nodename: hostname(),
        domainname: domain,
      }),
    };
    return this.uname;
  }
}
