import { MetricStream } from './metric.stream';

// A full stream looks for idle series at most once per 10 s of `batch.at`. A batch whose `at` is
// Infinity (a plain-JS plugin; publish() accepts it) made one look that forgot every series
// ("idle since Infinity − 10 min") and set the next look to Infinity: the stream then stayed full
// for good, every new series dropped however long the others had been idle.

const MIN = 60_000;
const rss = (at: number, pid: number) => ({
  source: 'test',
  at,
  samples: [{ name: 'rss', value: pid, labels: { pid: String(pid) } }],
});

describe('MetricStream eviction and a batch without a finite time', () => {
  it.each([Infinity, -Infinity])('at %s: forgets nothing and leaves later looks alone', (bad) => {
    const stream = new MetricStream(undefined, 3, 10 * MIN);
    for (const pid of [1, 2, 3]) stream.publish(rss(0, pid));
    stream.publish(rss(bad, 4));
    // Healthy series not forgotten by the bad batch's look.
    expect(stream.latestValue('rss', { pid: '1' })?.value).toBe(1);
    // An hour later, pids 1-3 are idle 60 min: a new series makes room as usual.
    stream.publish(rss(60 * MIN, 5));
    expect(stream.latestValue('rss', { pid: '5' })?.value).toBe(5);
  });
});
