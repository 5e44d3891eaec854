import { createHistogram } from 'node:perf_hooks';
import type { Sample } from '@vitals/core';
import { EventLoopDelayHistogram } from './event-loop.histogram';

const RES_NS = 50e6;

function bucket(out: Sample[], le: string): number {
  return out.find((s) => s.name === 'd_bucket' && s.labels?.le === le)!.value;
}

describe('EventLoopDelayHistogram', () => {
  // Node's own HDR histogram, the one monitorEventLoopDelay fills, with chosen samples.
  it('counts every stall above its bucket, for any number of samples in a tick', () => {
    for (let n = 1; n <= 120; n++) {
      for (const stalls of [1, 2, 3]) {
        if (stalls > n) continue;
        const h = createHistogram();
        // n − stalls ordinary wake-ups (resolution + 0.5 ms) and `stalls` of 600 ms.
        for (let i = 0; i < n - stalls; i++) h.record(RES_NS + 0.5e6);
        for (let i = 0; i < stalls; i++) h.record(RES_NS + 600e6);
        const d = new EventLoopDelayHistogram('d', RES_NS);
        d.absorb(h);
        const out: Sample[] = [];
        d.samples(out);
        const late = bucket(out, '+Inf') - bucket(out, '0.5');
        if (late !== stalls) throw new Error(`n=${n}, stalls=${stalls}: counted ${late}`);
        expect(bucket(out, '0.001')).toBe(n - stalls);
        expect(bucket(out, '1')).toBe(n);
      }
    }
  });

  it('reads a sample by the top of its HDR bucket, as percentile() does, even alone', () => {
    // fast-check found it: one sample 58 µs under the 5 s bound, whose HDR bucket reaches past it.
    const h = createHistogram();
    h.record(RES_NS + 4_999_942_016);
    const d = new EventLoopDelayHistogram('d', RES_NS);
    d.absorb(h);
    const out: Sample[] = [];
    d.samples(out);
    expect(h.percentile(100)).toBeGreaterThan(RES_NS + 5e9);
    expect(bucket(out, '5')).toBe(0);
    expect(bucket(out, '10')).toBe(1);
  });

  it('only grows across ticks, whatever was reset in between', () => {
    const d = new EventLoopDelayHistogram('d', RES_NS);
    const h = createHistogram();
    h.record(RES_NS + 300e6);
    d.absorb(h);
    h.reset();
    h.record(RES_NS + 2e6);
    d.absorb(h);
    const out: Sample[] = [];
    d.samples(out);
    expect(bucket(out, '0.25')).toBe(1);
    expect(bucket(out, '0.5')).toBe(2);
    expect(out.find((s) => s.name === 'd_count')!.value).toBe(2);
    expect(out.find((s) => s.name === 'd_sum')!.value).toBeCloseTo(0.302, 2);
  });

  it('adds a paused window in O(1): on-time samples in the lowest bucket, one late sample where it falls', () => {
    const h = new EventLoopDelayHistogram('d', 50e6);
    h.absorbPaused(3_600_000, 0);
    h.absorbPaused(20, 0.3e9);
    const out: Sample[] = [];
    h.samples(out);
    const bucket = (le: string) =>
      out.find((x) => x.name === 'd_bucket' && x.labels?.le === le)!.value;
    expect(bucket('0.001')).toBe(3_600_000 + 19);
    expect(bucket('0.25')).toBe(3_600_000 + 19);
    expect(bucket('0.5')).toBe(3_600_020);
    expect(bucket('+Inf')).toBe(3_600_020);
    expect(out.find((x) => x.name === 'd_sum')!.value).toBeCloseTo(0.3, 9);
  });
});
