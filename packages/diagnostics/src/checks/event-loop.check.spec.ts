import { METRICS } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runCheck, snapshotOf, testHost } from '../testing/check-harness.test-util';
import { DIAGNOSTICS_DEFAULTS } from '../diagnostics.options';
import { runDiagnostics } from '../diagnostics.runner';
import { eventLoopCheck } from './event-loop.check';

describe('eventLoopCheck', () => {
  let host: HostHandle;
  beforeEach(() => (host = testHost()));
  afterEach(() => host.stop());

  it.each([
    [12, 'ok'],
    [250, 'warning'],
    [450, 'critical'],
  ])('grades a measured p99 of %d ms as %s', async (p99, severity) => {
    const [f] = await runCheck(eventLoopCheck, host, { overrides: { eventLoopDelayP99Ms: p99 } });
    expect(f).toMatchObject({
      check: 'event-loop',
      severity,
      data: { p99Ms: p99, source: 'direct' },
    });
  });

  it("uses monitor's p99 (seconds) from the snapshot when the runner did not measure", async () => {
    const snapshot = snapshotOf([{ name: METRICS.eventLoopLagP99, value: 0.3 }]);
    const [f] = await runCheck(eventLoopCheck, host, { snapshot });
    expect(f).toMatchObject({ severity: 'warning', data: { p99Ms: 300, source: 'snapshot' } });
  });

  it("prefers the runner's measurement over a --watch window to the older snapshot", async () => {
    const snapshot = snapshotOf([{ name: METRICS.eventLoopLagP99, value: 0.001 }]);
    const [f] = await runCheck(eventLoopCheck, host, {
      snapshot,
      overrides: { eventLoopDelayP99Ms: 450 },
    });
    expect(f).toMatchObject({ severity: 'critical', data: { p99Ms: 450, source: 'direct' } });
  });

  it('catches a really blocked event loop', async () => {
    const running = runDiagnostics(host, {
      options: {
        ...DIAGNOSTICS_DEFAULTS,
        eventLoopSampleMs: 100,
      },
    });
    // Block the loop for 500 ms, 30 ms into the runner's 100 ms window (the histogram has ticked).
    setTimeout(() => {
      const end = Date.now() + 500;
      while (Date.now() < end) {
        /* busy */
      }
    }, 30);
    const report = await running;
    const f = report.findings.find((x) => x.check === 'event-loop');
    expect(f?.severity).toBe('critical');
    expect(f?.data?.p99Ms).toBeGreaterThanOrEqual(400);
  });
});
