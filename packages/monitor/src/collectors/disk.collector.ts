import { statfsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  METRICS,
  PSEUDO_FS_TYPES,
  filesystemUsage,
  readMounts,
  realFilesystems,
} from '@vitals/core';
import type { Collector, Labels, Sample } from '@vitals/core';
import { DISK_DESCRIPTORS } from '../monitor.metrics';

/** Options of the disk collector. */
export interface DiskCollectorOptions {
  /**
   * Filesystem types to report although core's `PSEUDO_FS_TYPES` skips them (e.g. `tmpfs`).
   * @default []
   */
  readonly includeFsTypes?: readonly string[];
  /** Mount points never reported. @default [] */
  readonly excludeMountpoints?: readonly string[];
  /** @default '/proc' */
  readonly procRoot?: string;
  /**
   * How old the mount table may get before a collection reads it again, ms (new mounts, and a
   * filesystem remounted read-only, show within this). @default DiskCollector.MOUNTS_MAX_AGE_MS
   */
  readonly mountsMaxAgeMs?: number;
}

interface WatchedMount {
  readonly labels: Labels;
  readonly mountpoint: string;
  readonly readOnly: boolean;
}

/**
 * node_exporter's `node_filesystem_{size,free,avail}_bytes`, `_files`, `_files_free`, `_readonly`
 * and `_device_error` (1, and no other series, when `statfs` fails) for every real mounted
 * filesystem, read-only ones included, as node_exporter 1.5 reports them: `_readonly` is 1 when
 * the mount's options in `/proc/self/mounts` hold `ro` (the kernel writes `ro` there for a
 * read-only mount or superblock), as node_exporter reads them from `/proc/1/mounts`. Plus
 * `vitals_filesystem_used_ratio` for the writable ones only: a read-only filesystem cannot fill
 * up, so the `disk-used` alert, the dashboard and `vitals monitor` leave it out. Space and inodes
 * come from `statfs(2)` (no process spawned); the mounts are chosen by core's `realFilesystems`
 * (the same policy as diagnostics: pseudo filesystems and runtime internals skipped, overlay kept
 * as a container's root, each device once) with `includeReadOnly`. The mount table is re-read
 * when it is {@link DiskCollector.MOUNTS_MAX_AGE_MS} old (node_exporter reads it on every scrape;
 * every 60 collections was a minute at 1 s, 15 at 15 s, before a remount read-only showed).
 * Without `/proc` (macOS, Windows) it asks systeminformation.
 *
 * @example new DiskCollector({ includeFsTypes: ['tmpfs'] }).collect()
 */
export class DiskCollector implements Collector {
  readonly name = 'system.disk';
  readonly descriptors = DISK_DESCRIPTORS;
  /**
   * Default age at which the mount table is read again, ms: under a usual Prometheus scrape
   * interval (15 s). Reading and parsing /proc/self/mounts costs ≈ 0.12 ms (25 mounts, measured
   * here), 0.012 ms a second amortized.
   */
  static readonly MOUNTS_MAX_AGE_MS = 10_000;
  private mounts?: WatchedMount[];
  /** `performance.now()` of the last read of the mount table, ms. */
  private mountsReadAt = -Infinity;

  constructor(private readonly options: DiskCollectorOptions = {}) {}

  collect(): Sample[] | Promise<Sample[]> {
    const now = performance.now();
    if (
      now - this.mountsReadAt >=
      (this.options.mountsMaxAgeMs ?? DiskCollector.MOUNTS_MAX_AGE_MS)
    ) {
      this.mountsReadAt = now;
      this.mounts = this.readMounts();
    }
    if (this.mounts === undefined) return this.fallback();
    const out: Sample[] = [];
    for (const m of this.mounts) {
      // Unmounted since the table was read, or not ours to stat (EACCES): node_exporter's
      // device_error, and nothing else for it.
      let free = 0;
      const usage = filesystemUsage(m.mountpoint, (path) => {
        const st = statfsSync(path);
        free = st.bfree * st.bsize;
        return st;
      });
      out.push({ name: 'node_filesystem_device_error', value: usage ? 0 : 1, labels: m.labels });
      if (!usage) continue;
      out.push(
        { name: METRICS.fsSizeBytes, value: usage.sizeBytes, labels: m.labels },
        { name: 'node_filesystem_free_bytes', value: free, labels: m.labels },
        { name: METRICS.fsAvailBytes, value: usage.availBytes, labels: m.labels },
        { name: 'node_filesystem_readonly', value: m.readOnly ? 1 : 0, labels: m.labels },
        { name: METRICS.fsFiles, value: usage.files, labels: m.labels },
        { name: METRICS.fsFilesFree, value: usage.filesFree, labels: m.labels },
      );
      if (!m.readOnly) {
        out.push({ name: METRICS.fsUsedRatio, value: usage.usedRatio, labels: m.labels });
      }
    }
    return out;
  }

  private readMounts(): WatchedMount[] | undefined {
    const table = readMounts({ procRoot: this.options.procRoot });
    if (table.length === 0) return undefined; // no /proc: systeminformation instead
    return realFilesystems(table, { ...this.options, includeReadOnly: true }).map((m) => ({
      mountpoint: m.mountpoint,
      readOnly: m.readOnly,
      labels: Object.freeze({ device: m.device, mountpoint: m.mountpoint, fstype: m.fstype }),
    }));
  }

  private async fallback(): Promise<Sample[]> {
    const out: Sample[] = [];
    // Loaded only here: systeminformation adds ~10 MiB to a process that never needs it on Linux.
    const { fsSize } = await import('systeminformation');
    for (const fs of await fsSize()) {
      if (
        (PSEUDO_FS_TYPES.has(fs.type) && !this.options.includeFsTypes?.includes(fs.type)) ||
        this.options.excludeMountpoints?.includes(fs.mount)
      )
        continue;
      const labels = { device: fs.fs, mountpoint: fs.mount, fstype: fs.type };
      out.push(
        { name: METRICS.fsSizeBytes, value: fs.size, labels },
        { name: METRICS.fsAvailBytes, value: fs.available, labels },
        { name: METRICS.fsUsedRatio, value: fs.size > 0 ? fs.used / fs.size : 0, labels },
      );
    }
    return out;
  }
}
