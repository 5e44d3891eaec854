import { METRICS } from '@vitals/core';
import type { Sample } from '@vitals/core';
import { RuntimeCollector } from './runtime.collector';

const value = (samples: readonly Sample[], name: string): number | undefined =>
  samples.find((s) => s.name === name)?.value;
/** One real turn of the event loop's timer phase: the delay histogram samples on its own libuv timer. */
const turn = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RuntimeCollector', () => {
  let collector: RuntimeCollector;

  beforeEach(() => {
    collector = new RuntimeCollector({ eventLoopResolutionMs: 10 });
  });

  afterEach(() => collector.close());

  it('measures event-loop delay after the loop is blocked for 300 ms, then resets', async () => {
    collector.collect();
    await turn(30);
    const end = Date.now() + 300;
    while (Date.now() < end) {
      // block the loop
    }
    await turn(30);
    const blocked = collector.collect();
    expect(value(blocked, METRICS.eventLoopLagMax)).toBeGreaterThanOrEqual(0.25);
    expect(value(blocked, METRICS.eventLoopLagMax)).toBeLessThan(1);
    expect(value(blocked, METRICS.eventLoopUtilization)).toBeGreaterThan(0.5);
    await turn(50);
    const after = collector.collect();
    // Reset every tick: the 300 ms block is not in the next window.
    expect(value(after, METRICS.eventLoopLagMax)).toBeLessThan(0.25);
    // Resolution subtracted: an idle loop reads near 0, not near 10 ms.
    expect(value(after, METRICS.eventLoopLagMin)).toBeLessThan(0.01);
  });

  it('reports heap, external memory, active handles by type and the Node version', async () => {
    const timer = setInterval(() => undefined, 1000);
    try {
      const samples = collector.collect();
      expect(value(samples, METRICS.heapUsedBytes)).toBeGreaterThan(0);
      expect(value(samples, METRICS.externalBytes)).toBeGreaterThan(0);
      expect(value(samples, METRICS.arrayBuffersBytes)).toBeGreaterThanOrEqual(0);
      const timeouts = samples.find(
        (s) => s.name === METRICS.activeHandles && s.labels?.type === 'Timeout',
      );
      expect(timeouts?.value).toBeGreaterThanOrEqual(1);
      const version = samples.find((s) => s.name === METRICS.versionInfo)!;
      expect(version.labels).toMatchObject({
        version: process.version,
        major: process.versions.node.split('.')[0],
      });
    } finally {
      clearInterval(timer);
    }
    const later = collector.collect();
    expect(value(later, METRICS.activeHandlesTotal)).toBeGreaterThanOrEqual(0);
  });

  it('counts pending file-system requests as requests, not handles', async () => {
    const { readFile } = await import('node:fs');
    const done = new Promise((resolve) => readFile(__filename, resolve));
    const samples = collector.collect();
    await done;
    const req = samples.find(
      (s) => s.name === METRICS.activeRequests && s.labels?.type === 'FSReqCallback',
    );
    expect(req?.value).toBe(1);
    expect(
      samples.some((s) => s.name === METRICS.activeHandles && s.labels?.type === 'FSReqCallback'),
    ).toBe(false);
  });
});
