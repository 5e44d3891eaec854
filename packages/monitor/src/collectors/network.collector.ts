import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from '@vitals/core';
import type { Collector, Sample } from '@vitals/core';
import { NETWORK_DESCRIPTORS } from '../monitor.metrics';

/** Options of the network collector. */
export interface NetworkCollectorOptions {
  /** Interfaces never reported, e.g. `['lo']`. @default [] */
  readonly excludeInterfaces?: readonly string[];
  /** @default '/proc' */
  readonly procRoot?: string;
}

/**
 * Bytes and errors per network interface, received and sent, as counters since boot, from
 * `/proc/net/dev` (columns per `man 5 proc`: receive bytes, packets, errs, …; transmit bytes,
 * packets, errs, …). Nothing is reported where the file does not exist.
 *
 * @example new NetworkCollector({ excludeInterfaces: ['lo'] }).collect()
 */
export class NetworkCollector implements Collector {
  readonly name = 'system.network';
  readonly descriptors = NETWORK_DESCRIPTORS;
  private readonly labels = new Map<string, { device: string }>();

  constructor(private readonly options: NetworkCollectorOptions = {}) {}

  collect(): Sample[] {
    let text: string;
    try {
      text = readFileSync(join(this.options.procRoot ?? '/proc', 'net/dev'), 'utf8');
    } catch {
      return [];
    }
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
      if (f.length < 11) continue;
      let labels = this.labels.get(device);
      if (!labels) this.labels.set(device, (labels = Object.freeze({ device })));
      out.push(
        { name: METRICS.netReceiveBytes, value: Number(f[0]), labels },
        { name: METRICS.netReceiveErrors, value: Number(f[2]), labels },
        { name: METRICS.netTransmitBytes, value: Number(f[8]), labels },
        { name: METRICS.netTransmitErrors, value: Number(f[10]), labels },
      );
    }
    return out;
  }
}
