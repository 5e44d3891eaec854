import { ManualClock, METRICS, MetricStream, createMemoryLogger } from '@vitals/core';
import { Supervisor } from './supervisor';
import { SUPERVISOR_METRICS } from './supervisor.metrics';
import { OutputLog, killAll } from './supervisor.test-util';

// The supervisor published its own series (child_up, child_state, restarts_total, child_pid,
// hangs_total) only when they changed. The exporter leaves out a series not published for
// prometheus.staleAfterMs (default 5 min), so a service up for more than 5 minutes had no
// vitals_supervisor_child_up on /metrics (seen with `vitals run` and staleAfterMs 5s: gone after
// 10 s while the child ran); and a full MetricStream forgets the series idle longest first (10
// min), which were these. Each is now published again at least every STATE_REFRESH_MS, riding
// on the memory readings (no timer of its own).

describe('Supervisor: its own series stay fresh while nothing changes', () => {
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await killAll(supervisor);
    supervisor = undefined;
  });

  it('publishes child_up, child_state and restarts again within STATE_REFRESH_MS', async () => {
    const clock = new ManualClock(1_000_000);
    const stream = new MetricStream();
    const out = new OutputLog();
    supervisor = new Supervisor(
      {
        command: process.execPath,
        args: ['-e', "console.log('ready'); setInterval(() => {}, 1000)"],
        env: { PATH: process.env.PATH },
        agent: false,
        stdout: out,
        memoryCheckIntervalMs: 1000,
      },
      { clock, logger: createMemoryLogger(), stream },
    );
    await supervisor.start();
    await out.waitFor('ready');
    const started = clock.now();
    // 62 readings: past STATE_REFRESH_MS (at most 60 s, checked below).
    for (let i = 0; i < 62; i++) clock.advance(1000);
    const service = { service: supervisor.name };
    const at = (name: string, labels: Record<string, string> = service) =>
      stream.latestValue(name, labels)?.at ?? -1;
    expect(at(SUPERVISOR_METRICS.childUp)).toBeGreaterThan(started);
    expect(at(SUPERVISOR_METRICS.restarts)).toBeGreaterThan(started);
    expect(at(SUPERVISOR_METRICS.childPid)).toBeGreaterThan(started);
    expect(at(METRICS.serviceState, { ...service, state: 'up' })).toBeGreaterThan(started);
    expect(stream.latestValue(METRICS.serviceState, { ...service, state: 'up' })?.value).toBe(1);
    expect(stream.latestValue(SUPERVISOR_METRICS.childUp, service)?.value).toBe(1);
  });

  it('is well under the exporter default staleness (5 min) and the stream idle limit (10 min)', () => {
    expect(Supervisor.STATE_REFRESH_MS).toBeLessThanOrEqual(60_000);
  });
});
