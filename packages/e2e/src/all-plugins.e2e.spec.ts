import { DIAGNOSTICS, createHost, type HostHandle } from '@vitals/core';
import { diagnosticsPlugin } from '@vitals/diagnostics';
import { memoryPlugin } from '@vitals/memory';
import { monitorPlugin } from '@vitals/monitor';
import { processPlugin } from '@vitals/process';
import { prometheusPlugin } from '@vitals/prometheus';
import { startupPlugin } from '@vitals/startup';

/** Every first-party plugin in one host, the way @vitals/host assembles them. */
function fullHost(): HostHandle {
  return createHost({
    plugins: [
      monitorPlugin(),
      memoryPlugin(),
      processPlugin(),
      diagnosticsPlugin(),
      prometheusPlugin(),
      startupPlugin(),
    ],
    config: { http: { port: 0 }, monitor: { intervalMs: 200 } },
    env: { NODE_ENV: 'test' },
  });
}

/** Resolves once the stream has carried a sample of each name. */
function seen(host: HostHandle, names: string[]): Promise<void> {
  return new Promise((resolve) => {
    const missing = new Set(names);
    const sub = host.stream.batches$.subscribe((batch) => {
      for (const s of batch.samples) missing.delete(s.name.replace(/_(bucket|sum|count)$/, ''));
      if (missing.size === 0) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
}

describe('every plugin in one host', () => {
  let host: HostHandle;
  afterEach(async () => {
    await host?.stop();
  });

  it('starts without descriptor conflicts and serves every plugin metric on /metrics', async () => {
    host = fullHost();
    const flowing = seen(host, [
      'process_resident_memory_bytes',
      'node_memory_MemAvailable_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'vitals_nodejs_heap_size_limit_bytes',
      'vitals_duplicate_processes',
    ]);
    await host.start();
    await flowing;
    const { port } = host.httpAddress()!;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    for (const family of [
      'process_resident_memory_bytes',
      'node_memory_MemAvailable_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'vitals_nodejs_heap_size_limit_bytes',
      'vitals_duplicate_processes',
    ]) {
      expect(body).toMatch(new RegExp(`^# TYPE ${family} \\w+$`, 'm'));
      expect(body).toMatch(new RegExp(`^${family}(\\{[^}]*\\})? [-+\\d.eE]+`, 'm'));
    }
    // Every family is declared once: a second HELP/TYPE for a name breaks a Prometheus scrape.
    const types = body.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(types.map((l) => l.split(' ')[2])).size).toBe(types.length);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('diagnoses with the checks of every plugin over one collection', async () => {
    host = fullHost();
    const report = await host.resolve(DIAGNOSTICS).run();
    const checks = new Set(report.findings.map((f) => f.check));
    for (const check of [
      'memory',
      'disk',
      'heap',
      'fds',
      'threads',
      'node-version',
      'duplicates',
    ]) {
      expect(checks).toContain(check);
    }
    expect(
      report.findings.some((f) => f.message.startsWith('check ') && f.message.includes('failed')),
    ).toBe(false);
  });
});
