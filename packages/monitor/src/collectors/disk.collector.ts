import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from '@vitals/core';
import type { Collector, Labels, Sample } from '@vitals/core';
import { fsSize } from 'systeminformation';
import { DISK_DESCRIPTORS } from '../monitor.metrics';

/**
 * Pseudo and memory-backed filesystems skipped unless listed in `includeFsTypes`.
 * @default tmpfs, overlay, proc, sysfs, cgroup, cgroup2, devtmpfs, squashfs, … (see source)
 */
export const IGNORED_FS_TYPES: readonly string[] = [
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fuse.lxcfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'overlay',
  'proc',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tmpfs',
  'tracefs',
  'nfsd',
];

/** Options of the disk collector. */
export interface DiskCollectorOptions {
  /** Filesystem types to report although they are in {@link IGNORED_FS_TYPES}. @default [] */
  readonly includeFsTypes?: readonly string[];
  /** Mount points never reported. @default [] */
  readonly excludeMountpoints?: readonly string[];
  /** @default '/proc' */
  readonly procRoot?: string;
}

interface Mount {
  readonly labels: Labels;
  readonly mountpoint: string;
}

/** `/proc/mounts` escapes space, tab, newline and backslash as octal (`\040`). */
const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * Size, free space and inodes of every real mounted filesystem, from `/proc/self/mounts` and
 * `statfs(2)` (no process spawned). Pseudo filesystems are skipped and a device mounted twice
 * (bind mounts) is reported once, at its first mount point. The mount table is re-read every 60
 * collections. Without `/proc` (macOS, Windows) it asks systeminformation.
 *
 * @example new DiskCollector({ includeFsTypes: ['tmpfs'] }).collect()
 */
export class DiskCollector implements Collector {
  readonly name = 'system.disk';
  readonly descriptors = DISK_DESCRIPTORS;
  private mounts?: Mount[];
  private collections = 0;
  private readonly ignored: Set<string>;

  constructor(private readonly options: DiskCollectorOptions = {}) {
    this.ignored = new Set(IGNORED_FS_TYPES.filter((t) => !options.includeFsTypes?.includes(t)));
  }

  collect(): Sample[] | Promise<Sample[]> {
    if (this.collections++ % 60 === 0) this.mounts = this.readMounts();
    if (this.mounts === undefined) return this.fallback();
    const out: Sample[] = [];
    for (const m of this.mounts) {
      let s;
      try {
        s = statfsSync(m.mountpoint);
      } catch {
        continue; // unmounted since the table was read, or not ours to stat (EACCES)
      }
      if (s.blocks === 0) continue;
      const used = s.blocks - s.bfree;
      out.push(
        { name: METRICS.fsSizeBytes, value: s.blocks * s.bsize, labels: m.labels },
        { name: METRICS.fsAvailBytes, value: s.bavail * s.bsize, labels: m.labels },
        { name: METRICS.fsFiles, value: s.files, labels: m.labels },
        { name: METRICS.fsFilesFree, value: s.ffree, labels: m.labels },
        // As df computes Use%: blocks reserved for root count as neither used nor available.
        {
          name: METRICS.fsUsedRatio,
          value: used + s.bavail > 0 ? used / (used + s.bavail) : 0,
          labels: m.labels,
        },
      );
    }
    return out;
  }

  private readMounts(): Mount[] | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.options.procRoot ?? '/proc', 'self/mounts'), 'utf8');
    } catch {
      return undefined;
    }
    const seen = new Set<string>();
    const out: Mount[] = [];
    for (const line of text.split('\n')) {
      const [rawDevice, rawMount, fstype] = line.split(' ');
      if (!fstype || this.ignored.has(fstype)) continue;
      const device = unescape(rawDevice);
      const mountpoint = unescape(rawMount);
      if (seen.has(device) || this.options.excludeMountpoints?.includes(mountpoint)) continue;
      seen.add(device);
      out.push({ mountpoint, labels: Object.freeze({ device, mountpoint, fstype }) });
    }
    return out;
  }

  private async fallback(): Promise<Sample[]> {
    const out: Sample[] = [];
    for (const fs of await fsSize()) {
      if (this.ignored.has(fs.type) || this.options.excludeMountpoints?.includes(fs.mount))
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
