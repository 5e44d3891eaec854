import { LeakMonitor } from './leak.monitor';
import type { LeakEvent } from './leak.monitor';

const MB = 1024 * 1024;
/** Shortened so a verdict comes after 10 s of points, one a second. */
const FAST = {
  windowMs: 60_000,
  minSpanMs: 10_000,
  bucketMs: 1000,
  erosionMs: 0,
  recentMinMs: 3000,
};

function feed(monitor: LeakMonitor, from: number, to: number, mb: (t: number) => number): void {
  for (let t = from; t <= to; t += 1000) monitor.addPoint('heap', t, mb(t) * MB);
}

describe('LeakMonitor', () => {
  it('reports a leak only once the detector has said so for confirmMs, every assessment agreeing', () => {
    const monitor = new LeakMonitor(FAST, () => undefined, 1000, 'api', 5000);
    const events: LeakEvent[] = [];
    monitor.events$.subscribe((e) => events.push(e));
    let firstVerdict: number | undefined;
    for (let t = 0; t <= 30_000; t += 1000) {
      monitor.addPoint('heap', t, (50 + t / 1000) * MB);
      if (firstVerdict === undefined && monitor.lastAssessment('heap')?.leaking) firstVerdict = t;
    }
    expect(firstVerdict).toBe(10_000);
    expect(events.map((e) => [e.state, e.at])).toEqual([
      ['detected', 15_000],
      ...Array.from({ length: 15 }, (_, i) => ['update', 16_000 + i * 1000]),
    ]);
    expect(events[0].service).toBe('api');
  });

  it('never reports a verdict that a "no" interrupts before confirmMs', () => {
    const monitor = new LeakMonitor(FAST, () => undefined, 1000, undefined, 5000);
    const events: LeakEvent[] = [];
    monitor.events$.subscribe((e) => events.push(e));
    feed(monitor, 0, 13_000, (t) => 50 + t / 1000); // leaking verdicts from 10 s
    expect(monitor.lastAssessment('heap')?.leaking).toBe(true);
    feed(monitor, 14_000, 15_000, () => 40); // the baseline falls: "no"
    expect(monitor.lastAssessment('heap')?.leaking).toBe(false);
    expect(events).toEqual([]);
    expect(monitor.rate('heap')).toBe(0);
  });

  it('reports at the first leaking verdict with confirmMs 0', () => {
    const monitor = new LeakMonitor(FAST, () => undefined, 1000, undefined, 0);
    const events: LeakEvent[] = [];
    monitor.events$.subscribe((e) => events.push(e));
    feed(monitor, 0, 10_000, (t) => 50 + t / 1000);
    expect(events.map((e) => [e.state, e.at])).toEqual([['detected', 10_000]]);
    expect(monitor.rate('heap')).toBeCloseTo(MB, -3);
  });
});
