import { createMemoryLogger } from '../logging/logger';
import { MetricStream, type SeriesPoint } from './metric.stream';
import type { MetricBatch } from './metric.types';

const batch = (at: number, samples: MetricBatch['samples']): MetricBatch => ({
  source: 'test',
  at,
  samples,
});

describe('MetricStream', () => {
  it('delivers batches, keeps the latest value per series and filters series$ by labels', () => {
    const stream = new MetricStream();
    const points: SeriesPoint[] = [];
    stream.series$('disk', { mount: '/' }).subscribe((p) => points.push(p));
    stream.publish(
      batch(1, [
        { name: 'disk', value: 10, labels: { mount: '/', dev: 'a' } },
        { name: 'disk', value: 20, labels: { mount: '/data' } },
      ]),
    );
    stream.publish(batch(2, [{ name: 'disk', value: 11, labels: { dev: 'a', mount: '/' } }]));
    expect(points.map((p) => [p.at, p.value])).toEqual([
      [1, 10],
      [2, 11],
    ]);
    expect(stream.latestValue('disk', { mount: '/', dev: 'a' })?.value).toBe(11);
    expect(stream.latest('disk')).toHaveLength(2);
  });

  it('drops malformed samples with a warning and keeps the rest of the batch', () => {
    const logger = createMemoryLogger();
    const stream = new MetricStream(logger);
    const seen: MetricBatch[] = [];
    stream.batches$.subscribe((b) => seen.push(b));
    stream.publish(
      batch(1, [{ name: 'ok', value: 1 }, { name: 'bad', value: NaN }, { value: 3 } as never]),
    );
    expect(seen[0].samples).toEqual([{ name: 'ok', value: 1 }]);
    expect(logger.entries[0]).toMatchObject({
      level: 'warn',
      data: { source: 'test', dropped: 2 },
    });
  });

  it('rejects a publish that is not a batch with one line', () => {
    expect(() => new MetricStream().publish({} as never)).toThrow(
      'publish() needs a batch { source, at, samples[] }',
    );
  });

  it('hands out live records that later publishes update, and a version that moves only with a new series', () => {
    const stream = new MetricStream();
    stream.publish(batch(1, [{ name: 'a', value: 1, labels: { x: '1' } }]));
    const live = stream.live();
    expect(stream.version).toBe(1);
    stream.publish(batch(2, [{ name: 'a', value: 5, labels: { x: '1' } }]));
    expect(stream.version).toBe(1);
    expect(stream.live()).toBe(live);
    expect(live[0]).toMatchObject({ name: 'a', value: 5, at: 2, labels: { x: '1' } });
    stream.publish(batch(3, [{ name: 'b', value: 7 }]));
    expect(stream.version).toBe(2);
    expect(stream.live().map((v) => v.name)).toEqual(stream.latest().map((v) => v.name));
  });

  it('caps the number of series kept by latest() and warns once', () => {
    const logger = createMemoryLogger();
    const stream = new MetricStream(logger, 3);
    for (let i = 0; i < 10; i++) stream.publish(batch(i, [{ name: `m${i}`, value: i }]));
    stream.publish(batch(11, [{ name: 'm0', value: 99 }]));
    expect(stream.latest()).toHaveLength(3);
    expect(stream.latestValue('m0')?.value).toBe(99);
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('makes room in a full stream by forgetting the series idle longest, not the live ones', () => {
    const logger = createMemoryLogger();
    const stream = new MetricStream(logger, 10);
    const MIN = 60_000;
    // Ten short-lived processes, one series each, reported once (pids 1..10 at minutes 1..10).
    for (let pid = 1; pid <= 10; pid++)
      stream.publish(batch(pid * MIN, [{ name: 'rss', value: pid, labels: { pid: `${pid}` } }]));
    // Pid 1 is still alive and reports again at minute 12.
    stream.publish(batch(12 * MIN, [{ name: 'rss', value: 100, labels: { pid: '1' } }]));
    const version = stream.version;
    // Minute 13: pid 2 (idle 11 min) is the longest idle past 10 min and gives its place.
    stream.publish(batch(13 * MIN, [{ name: 'rss', value: 11, labels: { pid: '11' } }]));
    expect(stream.latestValue('rss', { pid: '11' })?.value).toBe(11);
    expect(stream.latestValue('rss', { pid: '2' })).toBeUndefined();
    expect(stream.latestValue('rss', { pid: '1' })?.value).toBe(100);
    expect(stream.latest()).toHaveLength(10);
    expect(stream.live().map((v) => v.labels.pid)).not.toContain('2');
    expect(stream.version).toBeGreaterThan(version);
    // Within 10 s of that look: no other look, the new series is refused with one warning.
    stream.publish(batch(13 * MIN + 5_000, [{ name: 'rss', value: 12, labels: { pid: '12' } }]));
    expect(stream.latestValue('rss', { pid: '12' })).toBeUndefined();
    // Past it, pid 3 makes room; nothing idle under 10 min ever does.
    stream.publish(batch(13 * MIN + 10_000, [{ name: 'rss', value: 12, labels: { pid: '12' } }]));
    expect(stream.latestValue('rss', { pid: '12' })?.value).toBe(12);
    expect(stream.latestValue('rss', { pid: '3' })).toBeUndefined();
    stream.publish(batch(14 * MIN, [{ name: 'rss', value: 13, labels: { pid: '13' } }]));
    expect(stream.latestValue('rss', { pid: '13' })).toBeUndefined();
    expect(stream.latestValue('rss', { pid: '4' })?.value).toBe(4);
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(2);
    // A batch without a usable time never makes the full stream look (nor evict).
    stream.publish(batch(NaN, [{ name: 'rss', value: 14, labels: { pid: '14' } }]));
    expect(stream.latestValue('rss', { pid: '14' })).toBeUndefined();
    // Nor does it reset the 10 s between looks: pid 4, idle 10 min 5 s now, still holds its place.
    stream.publish(batch(14 * MIN + 5_000, [{ name: 'rss', value: 16, labels: { pid: '16' } }]));
    expect(stream.latestValue('rss', { pid: '16' })).toBeUndefined();
    expect(stream.latestValue('rss', { pid: '4' })?.value).toBe(4);
    stream.publish(batch(30 * MIN, [{ name: 'rss', value: 15, labels: { pid: '15' } }]));
    expect(stream.latestValue('rss', { pid: '15' })?.value).toBe(15);
  });

  it('hands out copies that later publishes do not change, and the bare number without a copy', () => {
    const stream = new MetricStream();
    const labels = { mount: '/' };
    stream.publish({ source: 'a', at: 1, samples: [{ name: 'disk', value: 10, labels }] });
    const before = stream.latest('disk')[0];
    const one = stream.latestValue('disk', { mount: '/' });
    stream.publish({ source: 'b', at: 2, samples: [{ name: 'disk', value: 11, labels }] });
    expect(before).toEqual({ name: 'disk', labels: { mount: '/' }, value: 10, at: 1, source: 'a' });
    expect(one?.value).toBe(10);
    expect(stream.latest('disk')).toEqual([
      { name: 'disk', labels: { mount: '/' }, value: 11, at: 2, source: 'b' },
    ]);
    expect(stream.latestNumber('disk', { mount: '/' })).toBe(11);
    expect(stream.latestNumber('disk', { mount: '/x' })).toBeUndefined();
    expect(stream.latest('absent')).toEqual([]);
    // The series keeps the labels it was first published with, frozen, whatever the collector
    // does with its object afterwards.
    (labels as { mount: string }).mount = '/changed';
    expect(stream.latest('disk')[0].labels).toEqual({ mount: '/' });
    expect(Object.isFrozen(stream.latest('disk')[0].labels)).toBe(true);
  });

  it('ignores publishes after close and completes subscribers', () => {
    const stream = new MetricStream();
    let completed = false;
    stream.batches$.subscribe({ complete: () => (completed = true) });
    stream.close();
    stream.publish(batch(1, [{ name: 'x', value: 1 }]));
    expect(completed).toBe(true);
    expect(stream.latest()).toEqual([]);
  });
});
