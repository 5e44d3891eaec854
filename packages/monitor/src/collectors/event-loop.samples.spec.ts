import { createHistogram } from 'node:perf_hooks';
import fc from 'fast-check';
import type { Sample } from '@vitals/core';
import { EventLoopDelayHistogram } from './event-loop.histogram';
import { medianEquivalent, summarizeDelays } from './event-loop.samples';

const RES_NS = 50e6;

describe('summarizeDelays', () => {
  // Node's own HDR histogram (the one monitorEventLoopDelay fills) with generated samples: the
  // figures computed from the samples must be the histogram's own, to the last digit.
  it('gives the histogram getters’ min, max, mean, stddev and percentiles', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2 ** 44 }), { minLength: 1, maxLength: 128 }),
        (values) => {
          const h = createHistogram();
          for (const v of values) h.record(v);
          const s = summarizeDelays(h);
          expect(s).toBeDefined();
          expect([s!.min, s!.max, s!.count]).toEqual([h.min, h.max, h.count]);
          expect([s!.p50, s!.p90, s!.p99]).toEqual([
            h.percentile(50),
            h.percentile(90),
            h.percentile(99),
          ]);
          expect(Math.abs(s!.mean - h.mean)).toBeLessThanOrEqual(1e-9 * h.mean);
          expect(Math.abs(s!.stddev - h.stddev)).toBeLessThanOrEqual(1e-6 * h.stddev + 1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves an empty histogram and one with more samples than asked to the getters', () => {
    const h = createHistogram();
    expect(summarizeDelays(h)).toBeUndefined();
    for (let i = 0; i < 5; i++) h.record(RES_NS);
    expect(summarizeDelays(h, 4)).toBeUndefined();
    expect(summarizeDelays(h, 5)?.sorted).toHaveLength(5);
  });

  it('places a value in the middle of its HDR bucket', () => {
    expect(medianEquivalent(1500)).toBe(1500); // below 2048: buckets of one value
    // 50 ms has bit length 26: buckets of 2^15 values.
    const v = 50_000_000;
    const size = 2 ** 15;
    expect(medianEquivalent(v)).toBe(Math.floor(v / size) * size + size / 2);
  });

  it('feeds the cumulative histogram the same counts as reading it again', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20e9 }), { minLength: 1, maxLength: 128 }),
        (values) => {
          const h = createHistogram();
          for (const v of values) h.record(RES_NS + v);
          const a = new EventLoopDelayHistogram('d', RES_NS);
          const b = new EventLoopDelayHistogram('d', RES_NS);
          a.absorb(h);
          const s = summarizeDelays(h)!;
          b.absorbSorted(s.sorted, s.mean);
          const outA: Sample[] = [];
          const outB: Sample[] = [];
          a.samples(outA);
          b.samples(outB);
          expect(outB.map((x) => x.value)).toEqual(outA.map((x) => x.value));
        },
      ),
      { numRuns: 200 },
    );
  });
});
