import { join } from 'node:path';
import { readPseudoFile } from '@vitals/core';
import type { Collector, Labels, Sample } from '@vitals/core';
import { DISKSTATS_DESCRIPTORS, DISKSTATS_FIELDS } from '../monitor.metrics';

/** Options of the disk I/O collector. */
export interface DiskStatsCollectorOptions {
  /**
   * Devices left out, node_exporter 1.5's default: RAM disks, loops, floppies and partitions.
   * @default /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/
   */
  readonly exclude?: RegExp;
  /** @default '/proc' */
  readonly procRoot?: string;
}

const DEFAULT_EXCLUDE = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

/**
 * Block-device I/O counters per `{device}` from `/proc/diskstats` (kernel
 * Documentation/admin-guide/iostats.rst), under node_exporter's names: reads/writes completed
 * and merged, bytes read/written (sectors × 512), time spent reading/writing, I/Os in progress
 * (`node_disk_io_now`, a gauge), time spent doing I/O and its weighted form, and on kernels that
 * have them the discard and flush fields. Milliseconds become seconds. No process is spawned.
 *
 * @example new DiskStatsCollector().collect() // node_disk_read_bytes_total{device="vda"} …
 */
export class DiskStatsCollector implements Collector {
  readonly name = 'system.diskstats';
  readonly descriptors = DISKSTATS_DESCRIPTORS;
  private readonly labels = new Map<string, Labels>();
  private readonly exclude: RegExp;
  private readonly path: string;

  constructor(options: DiskStatsCollectorOptions = {}) {
    this.exclude = options.exclude ?? DEFAULT_EXCLUDE;
    this.path = join(options.procRoot ?? '/proc', 'diskstats');
  }

  collect(): Sample[] {
    // Through core's kept descriptor for the real /proc (re-read at offset 0 every tick).
    const text = readPseudoFile(this.path);
    if (text === undefined) return [];
    const out: Sample[] = [];
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 14) continue;
      const device = f[2];
      if (this.exclude.test(device)) continue;
      let labels = this.labels.get(device);
      if (!labels) this.labels.set(device, (labels = Object.freeze({ device })));
      for (const field of DISKSTATS_FIELDS) {
        const raw = f[field.column];
        if (raw === undefined) continue;
        out.push({ name: field.name, value: Number(raw) * field.scale, labels });
      }
    }
    return out;
  }
}
