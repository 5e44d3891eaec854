import { Histogram, METRICS, ManualClock, createHost } from '@vitals/core';
import type { HostHandle, Sample } from '@vitals/core';
import { runCheck, snapshotOf, testHost } from '../testing/check-harness.test-util';
import { DIAGNOSTICS_DEFAULTS } from '../diagnostics.options';
import { runDiagnostics } from '../diagnostics.runner';
import { gcCheck } from './gc.check';

/** GC samples as @vitals/memory publishes them: one histogram per kind. */
function gcSamples(pausesSeconds: Record<string, number[]>, pressure?: number): Sample[] {
  const out: Sample[] = [];
  for (const [kind, pauses] of Object.entries(pausesSeconds)) {
    const h = new Histogram([0.001, 0.01, 0.1, 0.25, 0.5, 1]);
    pauses.forEach((p) => h.observe(p));
    out.push(...h.toSamples(METRICS.gcDuration, { kind }));
  }
  if (pressure !== undefined) out.push({ name: METRICS.gcPressureRatio, value: pressure });
  return out;
}

describe('gcCheck', () => {
  let host: HostHandle;
  beforeEach(() => (host = testHost()));
  afterEach(() => host.stop());

  it('says what is missing without @vitals/memory', async () => {
    const [f] = await runCheck(gcCheck, host);
    expect(f).toMatchObject({ severity: 'info', area: 'runtime' });
    expect(f.message).toContain('@vitals/memory');
  });

  it('is ok with short pauses, summing every kind', async () => {
    const [f] = await runCheck(gcCheck, host, {
      snapshot: snapshotOf(gcSamples({ minor: [0.002, 0.003], major: [0.05] })),
    });
    expect(f).toMatchObject({ severity: 'ok', data: { count: 3 } });
  });

  it('warns on a pause above the event-loop threshold (200 ms)', async () => {
    const [f] = await runCheck(gcCheck, host, {
      snapshot: snapshotOf(gcSamples({ minor: [0.002], major: [0.3] })),
    });
    expect(f).toMatchObject({
      severity: 'warning',
      data: { pausesOverWarning: 1, pausesOverCritical: 0 },
    });
    expect(f.message).toContain('longer than 250ms');
  });

  it('is critical on a pause above twice the threshold', async () => {
    const [f] = await runCheck(gcCheck, host, {
      snapshot: snapshotOf(gcSamples({ major: [0.9, 0.01] })),
    });
    expect(f.severity).toBe('critical');
  });

  it('grades GC pressure: 12 % of time in GC warns, 30 % is critical', async () => {
    const [warn] = await runCheck(gcCheck, host, {
      snapshot: snapshotOf(gcSamples({ minor: [0.002] }, 0.12)),
    });
    const [crit] = await runCheck(gcCheck, host, {
      snapshot: snapshotOf(gcSamples({ minor: [0.002] }, 0.3)),
    });
    expect([warn.severity, crit.severity]).toEqual(['warning', 'critical']);
  });

  it.each([
    [[], 'ok'],
    [[1, 3, 40], 'ok'],
    [[1, 250], 'warning'],
    [[2, 450], 'critical'],
  ])(
    'grades pauses observed in a --watch window %j ms as %s (no @vitals/memory)',
    async (pauses, severity) => {
      const [f] = await runCheck(gcCheck, host, { overrides: { gcPausesMs: pauses } });
      expect(f).toMatchObject({ severity, data: { count: pauses.length, source: 'observed' } });
    },
  );

  it("prefers the pauses of a --watch window to memory's histogram taken before it", async () => {
    const [f] = await runCheck(gcCheck, host, {
      snapshot: snapshotOf(gcSamples({ minor: [0.002] })),
      overrides: { gcPausesMs: [3, 420] },
    });
    expect(f).toMatchObject({ severity: 'critical', data: { count: 2, source: 'observed' } });
  });

  it('observes real GC pauses during a --watch window', async () => {
    await host.stop();
    const clock = new ManualClock(0);
    host = createHost({ clock });
    const running = runDiagnostics(host, {
      watchMs: 1000,
      options: { ...DIAGNOSTICS_DEFAULTS, eventLoopSampleMs: 1 },
    });
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    // Short-lived garbage: the young generation fills and V8 scavenges.
    let keep: object[] = [];
    for (let i = 0; i < 2e6; i++) {
      keep.push({ i });
      if (keep.length > 1e4) keep = [];
    }
    clock.advance(1000);
    const report = await running;
    const f = report.findings.find((x) => x.check === 'gc')!;
    expect(f.data).toMatchObject({ source: 'observed' });
    expect(f.data?.count).toBeGreaterThan(0);
  });
});
