import fc from 'fast-check';
import { DescriptorRegistry, MetricStream } from '@vitals/core';
import type { Sample, SeriesValue } from '@vitals/core';
import { ExpositionCache } from './exposition.cache';
import { renderExposition } from './exposition.renderer';
import { parseExposition } from './exposition.test-util';

const at = 1_700_000_000_000;

function registry(): DescriptorRegistry {
  const r = new DescriptorRegistry();
  r.declare('t', { name: 'jobs_total', type: 'counter', unit: 'count', help: 'Jobs "all"' });
  r.declare('t', { name: 'temp', type: 'gauge', unit: 'celsius', help: 'Temp\nline two' });
  r.declare('t', { name: 'op_seconds', type: 'histogram', unit: 'seconds', help: 'Op' });
  return r;
}

const NAMES = [
  'jobs_total',
  'temp',
  'op_seconds_bucket',
  'op_seconds_sum',
  'op_seconds_count',
  'undeclared.x',
  'undeclared_x',
  'ALERTS',
];
const sample = fc.record({
  name: fc.constantFrom(...NAMES),
  value: fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: false }),
    fc.constantFrom(Infinity, -Infinity, 0.1),
  ),
  labels: fc.dictionary(
    fc.constantFrom('a', 'b', 'le', 'q.x'),
    fc.constantFrom('1', 'x"y', 'z\\\n', '+Inf', '0.5', '10'),
    { maxKeys: 3 },
  ),
  age: fc.constantFrom(0, 0, 0, 400_000),
});

describe('ExpositionCache', () => {
  it('renders exactly what renderExposition renders, scrape after scrape, while values change and series come', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(sample, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.array(sample, { maxLength: 3 }),
        fc.boolean(),
        (rounds, extra, om) => {
          const stream = new MetricStream();
          const descriptors = registry();
          const cache = new ExpositionCache(descriptors);
          const options = {
            staleAfterMs: 300_000,
            now: at,
            format: om ? ('openmetrics' as const) : ('text' as const),
          };
          const extraValues: SeriesValue[] = extra.map((s) => ({
            name: s.name,
            value: s.value,
            labels: s.labels,
            at,
            source: 'x',
          }));
          for (const round of rounds) {
            // One batch per age so staleness varies per series.
            for (const age of [0, 400_000]) {
              const samples: Sample[] = round
                .filter((s) => s.age === age)
                .map((s) => ({ name: s.name, value: s.value, labels: s.labels }));
              stream.publish({ source: 't', at: at - age, samples });
            }
            const expected = renderExposition(
              [...stream.latest(), ...extraValues],
              descriptors,
              options,
            );
            expect(cache.render(stream.live(), stream.version, extraValues, options)).toBe(
              expected,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reuses its layout until a series or a declaration is added, and reads live values', () => {
    const stream = new MetricStream();
    const descriptors = new DescriptorRegistry();
    const cache = new ExpositionCache(descriptors);
    stream.publish({ source: 't', at, samples: [{ name: 'queue_depth', value: 1 }] });
    const first = cache.render(stream.live(), stream.version);
    expect(parseExposition(first).type.get('queue_depth')).toBe('untyped');
    stream.publish({ source: 't', at, samples: [{ name: 'queue_depth', value: 2 }] });
    expect(stream.version).toBe(1);
    expect(parseExposition(cache.render(stream.live(), stream.version)).samples).toEqual([
      { name: 'queue_depth', labels: {}, value: 2 },
    ]);
    descriptors.declare('t', { name: 'queue_depth', type: 'gauge', unit: 'count', help: 'Q' });
    expect(
      parseExposition(cache.render(stream.live(), stream.version)).type.get('queue_depth'),
    ).toBe('gauge');
    stream.publish({
      source: 't',
      at,
      samples: [{ name: 'queue_depth', value: 3, labels: { q: 'b' } }],
    });
    expect(stream.version).toBe(2);
    expect(parseExposition(cache.render(stream.live(), stream.version)).samples).toHaveLength(2);
  });

  it('notices a declaration through a lookup without a version', () => {
    const stream = new MetricStream();
    const map = new Map<string, { name: string; type: 'counter'; unit: string; help: string }>();
    const cache = new ExpositionCache({ get: (n) => map.get(n) });
    stream.publish({ source: 't', at, samples: [{ name: 'hits_total', value: 1 }] });
    expect(cache.render(stream.live(), stream.version)).toContain('# TYPE hits_total untyped');
    map.set('hits_total', { name: 'hits_total', type: 'counter', unit: 'count', help: 'Hits' });
    expect(cache.render(stream.live(), stream.version)).toContain('# TYPE hits_total counter');
  });
});
