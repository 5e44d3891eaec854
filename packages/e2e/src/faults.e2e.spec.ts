import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { COLLECTOR, METRICS, createHost, isVitalsError } from '@vitals/core';
import type { Collector, HostHandle, Plugin } from '@vitals/core';
import { monitorPlugin } from '@vitals/monitor';
import { prometheusPlugin } from '@vitals/prometheus';

// Faults a host must live through (issue 11): each is a real host, ticking for real.
const gauge = (name: string) => ({
  name,
  help: name,
  unit: '',
  type: 'gauge' as const,
  labelNames: [],
});

const throwing: Collector = {
  name: 'fault.throws',
  descriptors: [gauge('fault_throws')],
  collect() {
    throw new Error('EMFILE: too many open files, open /proc/self/stat');
  },
};
const hanging: Collector = {
  name: 'fault.hangs',
  descriptors: [gauge('fault_hangs')],
  collect: () => new Promise(() => undefined),
};
let garbageTick = 0;
const garbage: Collector = {
  name: 'fault.garbage',
  descriptors: [gauge('fault_garbage_ok'), gauge('fault_garbage')],
  collect() {
    garbageTick++;
    const bad = [
      { name: 'fault_garbage', value: NaN },
      { name: 'fault_garbage', value: -Infinity },
      { name: 'fault_garbage', value: '12' as unknown as number },
      { name: 42 as unknown as string, value: 1 },
      null as unknown as { name: string; value: number },
      { name: 'fault_garbage', value: 1, labels: 'x' as unknown as Record<string, string> },
    ];
    const out = [{ name: 'fault_garbage_ok', value: garbageTick }, ...bad];
    // Every other tick, not even a list.
    return (garbageTick % 2 ? out : ({ samples: 'nope' } as unknown)) as never;
  },
};

const faultsPlugin = (): Plugin => ({
  name: 'faults',
  register(container) {
    for (const c of [throwing, hanging, garbage]) container.register(COLLECTOR, { useValue: c });
  },
});

describe('a host with faulty collectors', () => {
  let host: HostHandle | undefined;
  afterEach(async () => {
    await host?.stop('test end');
    host = undefined;
  });

  it('keeps collecting and serving while collectors throw, hang and return garbage', async () => {
    host = createHost({
      plugins: [monitorPlugin(), prometheusPlugin(), faultsPlugin()],
      config: { http: { port: 0 }, monitor: { intervalMs: 100, collectorTimeoutMs: 50 } },
      env: { NODE_ENV: 'test' },
    });
    await host.start();
    const stream = host.stream;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (stream.latestValue('fault_garbage_ok')?.value ?? 0) < 5)
      await new Promise((r) => setTimeout(r, 100));
    // The healthy collectors and the garbage collector's good sample kept flowing.
    expect(stream.latestValue('fault_garbage_ok')?.value).toBeGreaterThanOrEqual(5);
    expect(stream.latestValue('process_resident_memory_bytes')?.value).toBeGreaterThan(0);
    // Failures counted per collector, never a crash.
    const errors = (name: string) =>
      stream.latestValue(METRICS.collectorErrors, { collector: name })?.value ?? 0;
    expect(errors('fault.throws')).toBeGreaterThanOrEqual(3);
    expect(errors('fault.hangs')).toBeGreaterThanOrEqual(3);
    // No NaN and no string reached the latest values (±Inf is a legal Prometheus value).
    const bad = stream.latest().filter((v) => typeof v.value !== 'number' || Number.isNaN(v.value));
    expect(bad).toEqual([]);
    const metrics = await fetch(`http://127.0.0.1:${host.httpAddress()!.port}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('fault_garbage_ok');
    expect(text).not.toMatch(/ NaN$/m);
  }, 30_000);
});

describe('a host whose port is taken', () => {
  let blocker: Server | undefined;
  afterEach(async () => {
    if (blocker) await new Promise((r) => blocker!.close(r));
    blocker = undefined;
  });

  it('refuses to start on a taken port with one line, and rolls back', async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const host = createHost({
      plugins: [monitorPlugin(), prometheusPlugin()],
      config: { http: { port } },
      env: { NODE_ENV: 'test' },
    });
    const error = await host.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVitalsError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/port|in use/i);
    expect((error as Error).message.split('\n')).toHaveLength(1);
    await host.stop('test end');
  });
});
