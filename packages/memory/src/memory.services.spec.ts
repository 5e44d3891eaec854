import { METRICS, ManualClock, asInjectionToken, createHost, isVitalsError } from '@vitals/core';
import type { AlertEvent, HostHandle, Sample } from '@vitals/core';
import { memoryPlugin } from './memory.plugin';
import { MEMORY_SERVICE } from './memory.tokens';
import { MEMORY_METRICS } from './memory.metrics';
import type { LeakEvent } from './leak/leak.monitor';

const MB = 1024 * 1024;
const LIMIT = 2048 * MB;

/** What a supervisor publishes after one major GC of its child (the stream contract). */
function baseline(service: string, heap: number, external = 5 * MB): Sample[] {
  const labels = { service };
  return [
    { name: METRICS.heapAfterGcBytes, value: heap, labels },
    { name: METRICS.externalAfterGcBytes, value: external, labels },
    { name: METRICS.heapLimitBytes, value: LIMIT, labels },
  ];
}

describe('memoryPlugin with supervised services (post-GC baselines read from the stream)', () => {
  let host: HostHandle | undefined;
  afterEach(async () => {
    await host?.stop('test over');
    host = undefined;
  });

  async function setup(): Promise<{
    clock: ManualClock;
    alerts: AlertEvent[];
    events: LeakEvent[];
    publish: (at: number, samples: Sample[]) => void;
  }> {
    const clock = new ManualClock(1_700_000_000_000);
    host = createHost({ plugins: [memoryPlugin()], clock });
    await host.start();
    const alerts: AlertEvent[] = [];
    const events: LeakEvent[] = [];
    host.alerts.alerts$.subscribe((a) => alerts.push(a));
    host.container
      .resolve(asInjectionToken(MEMORY_SERVICE))
      .leaks$.subscribe((e) => events.push(e));
    const h = host;
    return {
      clock,
      alerts,
      events,
      publish: (at, samples) => h.stream.publish({ source: 'startup.agent.gc', at, samples }),
    };
  }

  it('runs one detector per service: the leaking one alerts with its name, rate, confidence and time to the limit; a restart starts it afresh', async () => {
    const { clock, alerts, events, publish } = await setup();
    const t0 = clock.now();
    // "bot" retains 10 MB/min; "api" stays flat. One major GC every 4 s each.
    for (let t = 0; t <= 200_000; t += 4000) {
      publish(t0 + t, [
        ...baseline('bot', 60 * MB + (t / 60_000) * 10 * MB + ((t * 7) % 3) * 0.1 * MB),
        ...baseline('api', 80 * MB + ((t * 13) % 5) * 0.2 * MB),
      ]);
    }
    const detected = events.find((e) => e.state === 'detected');
    expect(detected?.service).toBe('bot');
    expect(detected?.kind).toBe('heap');
    expect(events.some((e) => e.service === 'api')).toBe(false);
    expect(events.some((e) => e.service === undefined)).toBe(false);
    const firing = alerts.filter(
      (a) => a.state === 'firing' && a.metric === METRICS.leakRateBytesPerSecond,
    );
    expect(firing).toHaveLength(1);
    expect(firing[0].ruleId).toBe('memory.leak.heap@bot');
    expect(firing[0].labels).toEqual({ kind: 'heap', service: 'bot' });
    expect(firing[0].message).toMatch(
      /service "bot": JS heap .*\+\d+\.\d MB\/h, confidence \d\.\d\d, over \dm\d+s; heap limit in ~\d+h/,
    );
    const latest = (name: string, labels: Record<string, string>) =>
      host!.stream.latestValue(name, labels)?.value;
    expect(
      latest(METRICS.leakRateBytesPerSecond, { kind: 'heap', service: 'bot' })! * 60,
    ).toBeGreaterThan(8 * MB);
    expect(latest(METRICS.leakRateBytesPerSecond, { kind: 'heap', service: 'api' })).toBe(0);
    expect(latest(METRICS.leakConfidenceRatio, { kind: 'heap', service: 'bot' })).toBeGreaterThan(
      0.6,
    );
    // ~2 GB limit − ~93 MB at ~10 MB/min: about 3 h.
    const ttl = latest(METRICS.leakTimeToLimitSeconds, { kind: 'heap', service: 'bot' })!;
    expect(ttl / 3600).toBeGreaterThan(2.5);
    expect(ttl / 3600).toBeLessThan(3.5);
    expect(
      host!.container.resolve(asInjectionToken(MEMORY_SERVICE)).watchedServices().sort(),
    ).toEqual(['api', 'bot']);

    // The supervisor restarts "bot": its baseline starts afresh, the leak clears, the alert resolves.
    host!.stream.publish({
      source: 'startup.supervisor',
      at: t0 + 201_000,
      samples: [{ name: METRICS.serviceRestarts, value: 1, labels: { service: 'bot' } }],
    });
    publish(t0 + 204_000, baseline('bot', 40 * MB));
    expect(events.at(-1)).toMatchObject({ service: 'bot', state: 'cleared' });
    expect(events.at(-1)!.message).toMatch(/restarted/);
    expect(latest(METRICS.leakRateBytesPerSecond, { kind: 'heap', service: 'bot' })).toBe(0);
    expect(alerts.at(-1)).toMatchObject({ ruleId: 'memory.leak.heap@bot', state: 'resolved' });
    expect(
      host!.container.resolve(asInjectionToken(MEMORY_SERVICE)).assessLeaks('bot').heap.points,
    ).toBe(1);
  });

  it("applies GC pressure and heap-near-limit per service, with the child's own figures and its label", async () => {
    const { clock, alerts, publish } = await setup();
    const t0 = clock.now();
    for (let t = 0; t <= 60_000; t += 1000) {
      // "busy" spends 80 % of its time in GC; "calm" 1 %.
      publish(t0 + t, [
        {
          name: `${METRICS.gcDuration}_sum`,
          value: (t / 1000) * 0.8,
          labels: { service: 'busy', kind: 'major' },
        },
        {
          name: `${METRICS.gcDuration}_sum`,
          value: (t / 1000) * 0.01,
          labels: { service: 'calm', kind: 'major' },
        },
      ]);
    }
    // "full" has a live heap at 95 % of its limit after a GC.
    publish(t0 + 61_000, baseline('full', 0.95 * LIMIT));
    publish(t0 + 61_000, baseline('calm', 0.2 * LIMIT));
    const firing = alerts.filter((a) => a.state === 'firing');
    const pressure = firing.filter((a) => a.ruleId === 'memory.gc-pressure');
    expect(pressure.map((a) => a.labels.service)).toEqual(['busy']);
    expect(pressure[0].message).toMatch(/service="busy"/);
    expect(
      host!.stream.latestValue(METRICS.gcPressureRatio, { service: 'busy' })?.value,
    ).toBeCloseTo(0.8, 1);
    const near = firing.filter((a) => a.ruleId === 'memory.heap-near-limit');
    expect(near.map((a) => a.labels.service)).toEqual(['full']);
    expect(
      host!.stream.latestValue(MEMORY_METRICS.heapAfterGcLimitRatio, { service: 'full' })?.value,
    ).toBeCloseTo(0.95);
  });

  it('accepts process.env as its env option, and never prints the environment in an error', () => {
    expect(() => createHost({ plugins: [memoryPlugin({ env: process.env })] })).not.toThrow();
    const secret = 'hunter2-do-not-print';
    let error: unknown;
    try {
      memoryPlugin({ env: [secret] as unknown as NodeJS.ProcessEnv });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).not.toContain(secret);
    expect((error as Error).message).toMatch(/object of string values/);
  });
});
