import { join } from 'node:path';
import { readPseudoFile } from '@vitals/core';
import type { Collector, Sample } from '@vitals/core';
import { NET_DEV_FIELDS, NETWORK_DESCRIPTORS } from '../monitor.metrics';

const NAMES = NET_DEV_FIELDS.map((f) => `node_network_${f}_total`);

/** Options of the network collector. */
export interface NetworkCollectorOptions {
  /** Interfaces never reported, e.g. `['lo']`. @default [] */
  readonly excludeInterfaces?: readonly string[];
  /** @default '/proc' */
  readonly procRoot?: string;
}

/**
 * Every `/proc/net/dev` column per interface as node_exporter's counters since boot
 * (`node_network_{receive,transmit}_{bytes,packets,errs,drop,fifo,…}_total{device}`; columns per
 * `man 5 proc`). Nothing is reported where the file does not exist.
 *
 * @example new NetworkCollector({ excludeInterfaces: ['lo'] }).collect()
 */
export class NetworkCollector implements Collector {
  readonly name = 'system.network';
  readonly descriptors = NETWORK_DESCRIPTORS;
  private readonly labels = new Map<string, { device: string }>();

  constructor(private readonly options: NetworkCollectorOptions = {}) {}

  collect(): Sample[] {
    // Through core's kept descriptor for the real /proc (re-read at offset 0 every tick).
    const text = readPseudoFile(join(this.options.procRoot ?? '/proc', 'net/dev'));
    if (text === undefined) return [];
    const out: Sample[] = [];
    const lines = text.split('\n');
    // The first two lines are headers.
    for (let i = 2; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon < 0) continue;
      const device = lines[i].slice(0, colon).trim();
      if (this.options.excludeInterfaces?.includes(device)) continue;
      const f = lines[i]
        .slice(colon + 1)
        .trim()
        .split(/\s+/);
      if (f.length < NAMES.length) continue;
      let labels = this.labels.get(device);
      if (!labels) this.labels.set(device, (labels = Object.freeze({ device })));
      for (let c = 0; c < NAMES.length; c++)
        out.push({ name: NAMES[c], value: Number(f[c]), labels });
    }
    return out;
  }
}
