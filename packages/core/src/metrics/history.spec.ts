import { createMemoryLogger } from '../logging/logger';
import type { MemoryLogger } from '../logging/logger';
import { History } from './history';
import { MetricStream } from './metric.stream';
import type { Labels } from './metric.types';

describe('History', () => {
  let logger: MemoryLogger;
  let stream: MetricStream;

  beforeEach(() => {
    logger = createMemoryLogger();
    stream = new MetricStream(logger);
  });

  afterEach(() => stream.close());

  const batch = (at: number, samples: { name: string; value: number; labels?: Labels }[]) => ({
    source: 'test',
    at,
    samples,
  });

  it('returns the points of a series oldest first, optionally since a time', () => {
    const history = new History({ capacity: 10, maxSeries: 10 });
    history.watch('*');
    for (let t = 1; t <= 4; t++) history.record(batch(t * 1000, [{ name: 'rss', value: t * 10 }]));
    expect(history.points('rss')).toEqual([
      { at: 1000, value: 10 },
      { at: 2000, value: 20 },
      { at: 3000, value: 30 },
      { at: 4000, value: 40 },
    ]);
    expect(history.points('rss', undefined, 3000)).toEqual([
      { at: 3000, value: 30 },
      { at: 4000, value: 40 },
    ]);
    expect(history.points('unknown')).toEqual([]);
  });

  it('keeps at most `capacity` points per series, dropping the oldest', () => {
    const history = new History({ capacity: 5, maxSeries: 10 });
    history.watch('*');
    for (let t = 0; t < 12; t++) history.record(batch(t, [{ name: 'x', value: t }]));
    expect(history.points('x').map((p) => p.value)).toEqual([7, 8, 9, 10, 11]);
    expect(history.series('x')[0].size).toBe(5);
    expect(history.last('x')).toEqual({ at: 11, value: 11 });
    expect(history.last('x', { a: '1' })).toBeUndefined();
  });

  it('grows a series past its first allocation and then wraps at capacity, in order', () => {
    const history = new History({ capacity: 40, maxSeries: 10 });
    history.watch('*');
    for (let t = 0; t < 30; t++) history.record(batch(t, [{ name: 'x', value: t }]));
    expect(history.points('x').map((p) => p.value)).toEqual([...Array(30).keys()]);
    for (let t = 30; t < 100; t++) history.record(batch(t, [{ name: 'x', value: t }]));
    const points = history.points('x');
    expect(points).toHaveLength(40);
    expect(points.map((p) => p.at)).toEqual([...Array(40).keys()].map((i) => 60 + i));
  });

  it('keeps at most `maxSeries` series, warns once, and existing series keep recording', () => {
    const history = new History({ capacity: 10, maxSeries: 3 }, logger);
    history.watch('*');
    for (let t = 0; t < 3; t++) {
      history.record(
        batch(
          t,
          [0, 1, 2, 3, 4].map((i) => ({ name: 'fs', value: t, labels: { dev: `d${i}` } })),
        ),
      );
    }
    expect(history.size).toBe(3);
    expect(history.series().map((s) => s.labels.dev)).toEqual(['d0', 'd1', 'd2']);
    expect(history.points('fs', { dev: 'd0' })).toHaveLength(3);
    expect(history.points('fs', { dev: 'd4' })).toEqual([]);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('maxSeries');
  });

  it('makes room when full by forgetting the series idle longest, not the live ones', () => {
    const history = new History({ capacity: 10, maxSeries: 10 }, logger);
    history.watch('rss');
    const MIN = 60_000;
    for (let pid = 1; pid <= 10; pid++)
      history.record(batch(pid * MIN, [{ name: 'rss', value: pid, labels: { pid: `${pid}` } }]));
    history.record(batch(12 * MIN, [{ name: 'rss', value: 100, labels: { pid: '1' } }]));
    // Minute 13: pid 2's newest point is 11 min old, the oldest past 10 min.
    history.record(batch(13 * MIN, [{ name: 'rss', value: 11, labels: { pid: '11' } }]));
    expect(history.points('rss', { pid: '11' })).toEqual([{ at: 13 * MIN, value: 11 }]);
    expect(history.points('rss', { pid: '2' })).toEqual([]);
    expect(history.points('rss', { pid: '1' }).map((p) => p.value)).toEqual([1, 100]);
    expect(history.size).toBe(10);
    // A look at most every 10 s; nothing idle under 10 min gives its place.
    history.record(batch(13 * MIN + 1, [{ name: 'rss', value: 12, labels: { pid: '12' } }]));
    expect(history.points('rss', { pid: '12' })).toEqual([]);
    history.record(batch(13 * MIN + 10_000, [{ name: 'rss', value: 12, labels: { pid: '12' } }]));
    expect(history.points('rss', { pid: '12' })).toHaveLength(1);
    history.record(batch(14 * MIN, [{ name: 'rss', value: 13, labels: { pid: '13' } }]));
    expect(history.points('rss', { pid: '13' })).toEqual([]);
    expect(history.points('rss', { pid: '4' })).toHaveLength(1);
  });

  it('identifies a series by its labels whatever their order', () => {
    const history = new History({ capacity: 10, maxSeries: 10 });
    history.watch('*');
    history.record(batch(1, [{ name: 'fs', value: 1, labels: { device: 'sda1', mount: '/' } }]));
    history.record(batch(2, [{ name: 'fs', value: 2, labels: { mount: '/', device: 'sda1' } }]));
    expect(history.size).toBe(1);
    expect(history.points('fs', { mount: '/', device: 'sda1' }).map((p) => p.value)).toEqual([
      1, 2,
    ]);
    expect(history.points('fs', { device: 'sda1' })).toEqual([]);
  });

  it('lists series, optionally of one metric name', () => {
    const history = new History({ capacity: 10, maxSeries: 10 });
    history.watch('*');
    history.record(
      batch(1, [
        { name: 'cpu', value: 1, labels: { mode: 'user' } },
        { name: 'cpu', value: 2, labels: { mode: 'system' } },
        { name: 'rss', value: 3 },
      ]),
    );
    expect(history.series()).toHaveLength(3);
    expect(history.series('cpu').map((s) => s.labels)).toEqual([
      { mode: 'user' },
      { mode: 'system' },
    ]);
    expect(history.series('rss')).toEqual([{ key: 'rss', name: 'rss', labels: {}, size: 1 }]);
  });

  it('records what the stream publishes until detached', () => {
    const history = new History({ capacity: 10, maxSeries: 10 });
    history.watch('*');
    const sub = history.attach(stream.batches$);
    stream.publish(batch(1, [{ name: 'rss', value: 1 }]));
    stream.publish(batch(2, [{ name: 'rss', value: 2 }]));
    sub.unsubscribe();
    stream.publish(batch(3, [{ name: 'rss', value: 3 }]));
    expect(history.points('rss').map((p) => p.value)).toEqual([1, 2]);
  });

  it('records only the metrics watched or read, each from when it was first asked for', () => {
    const history = new History({ capacity: 10, maxSeries: 10 });
    history.watch('rss');
    history.record(
      batch(1, [
        { name: 'rss', value: 1 },
        { name: 'cpu', value: 10 },
      ]),
    );
    expect(history.size).toBe(1);
    expect(history.isWatched('cpu')).toBe(false);
    // Reading an unwatched metric watches it: nothing yet, then what comes after.
    expect(history.points('cpu')).toEqual([]);
    expect(history.isWatched('cpu')).toBe(true);
    history.record(
      batch(2, [
        { name: 'rss', value: 2 },
        { name: 'cpu', value: 20 },
      ]),
    );
    expect(history.points('cpu')).toEqual([{ at: 2, value: 20 }]);
    expect(history.points('rss').map((p) => p.value)).toEqual([1, 2]);
    // series(name) and last(name) ask for their metric too; series() alone does not.
    history.series();
    history.record(batch(3, [{ name: 'gc', value: 1 }]));
    expect(history.series('gc')).toEqual([]);
    expect(history.last('heap')).toBeUndefined();
    history.record(
      batch(4, [
        { name: 'gc', value: 2 },
        { name: 'heap', value: 5 },
      ]),
    );
    expect(history.last('gc')).toEqual({ at: 4, value: 2 });
    expect(history.last('heap')).toEqual({ at: 4, value: 5 });
    history.watch('*');
    history.record(batch(5, [{ name: 'new', value: 1 }]));
    expect(history.isWatched('anything')).toBe(true);
    expect(history.points('new')).toEqual([{ at: 5, value: 1 }]);
  });

  it('rejects bounds that are not whole numbers ≥ 1 with a one-line error', () => {
    expect(() => new History({ capacity: 0, maxSeries: 10 })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringMatching(/^history\.capacity[^\n]*$/),
      }),
    );
    expect(() => new History({ capacity: 10, maxSeries: 1.5 })).toThrow(/history\.maxSeries/);
  });
});
