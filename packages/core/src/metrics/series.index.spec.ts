import { seriesKey } from '../metrics/labels';
import type { Labels } from '../metrics/metric.types';
import { SeriesIndex } from './series.index';

describe('SeriesIndex', () => {
  it('finds a series whatever the order of its labels, and treats {} as no labels', () => {
    const index = new SeriesIndex<string>();
    index.set('fs', { device: 'sda1', mountpoint: '/' }, 'root');
    index.set('rss', {}, 'rss');
    expect(index.get('fs', { mountpoint: '/', device: 'sda1' })).toBe('root');
    expect(index.get('rss')).toBe('rss');
    expect(index.get('rss', {})).toBe('rss');
    expect(index.size).toBe(2);
  });

  it('keeps apart series that share a prefix of labels', () => {
    const index = new SeriesIndex<number>();
    index.set('m', undefined, 0);
    index.set('m', { a: '1' }, 1);
    index.set('m', { a: '1', b: '2' }, 2);
    index.set('m', { b: '2' }, 3);
    expect([
      index.get('m'),
      index.get('m', { a: '1' }),
      index.get('m', { b: '2', a: '1' }),
    ]).toEqual([0, 1, 2]);
    expect(index.get('m', { b: '2' })).toBe(3);
    expect(index.get('m', { a: '2' })).toBeUndefined();
    expect(index.get('m', { a: '1', c: '2' })).toBeUndefined();
    expect(index.get('other')).toBeUndefined();
    expect(index.size).toBe(4);
  });

  it('deletes one series, keeps its neighbours and prunes what only it used', () => {
    const index = new SeriesIndex<number>();
    index.set('m', { a: '1' }, 1);
    index.set('m', { a: '1', b: '2' }, 2);
    expect(index.delete('m', { b: '2', a: '1' })).toBe(true);
    expect(index.delete('m', { b: '2', a: '1' })).toBe(false);
    expect(index.delete('m')).toBe(false);
    expect(index.get('m', { a: '1' })).toBe(1);
    expect(index.delete('m', { a: '1' })).toBe(true);
    expect(index.size).toBe(0);
    expect([...index.values()]).toEqual([]);
    // Nothing is left behind: the trie is empty again.
    expect((index as unknown as { roots: Map<string, unknown> }).roots.size).toBe(0);
  });

  it('agrees with seriesKey over many random operations', () => {
    const index = new SeriesIndex<number>();
    const reference = new Map<string, number>();
    let seed = 42;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const names = ['a', 'b', 'c'];
    for (let step = 0; step < 5000; step++) {
      const labels: Record<string, string> = {};
      for (const k of ['x', 'y', 'z', 'w'].sort(() => random(3) - 1)) {
        if (random(2)) labels[k] = String(random(3));
      }
      const name = names[random(3)];
      const key = seriesKey(name, labels as Labels);
      if (random(4) === 0) {
        expect(index.delete(name, labels)).toBe(reference.delete(key));
      } else {
        index.set(name, labels, step);
        reference.set(key, step);
      }
      expect(index.get(name, labels)).toBe(reference.get(key));
      expect(index.size).toBe(reference.size);
    }
    expect([...index.values()].sort((p, q) => p - q)).toEqual(
      [...reference.values()].sort((p, q) => p - q),
    );
    // forEach visits the same values in the same order.
    const visited: number[] = [];
    index.forEach((v) => visited.push(v));
    expect(visited).toEqual([...index.values()]);
  });

  it('lists values grouped by name, in first-seen order', () => {
    const index = new SeriesIndex<string>();
    index.set('cpu', { mode: 'user' }, 'user');
    index.set('rss', undefined, 'rss');
    index.set('cpu', { mode: 'system' }, 'system');
    index.set('cpu', undefined, 'cpu');
    expect([...index.values()]).toEqual(['cpu', 'user', 'system', 'rss']);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.get('cpu')).toBeUndefined();
  });
});
