import { HEALTH_CHECK, createHost, isVitalsError } from '@vitals/core';
import type { HealthCheck, HostHandle } from '@vitals/core';
import { diagnosticsPlugin } from './diagnostics.plugin';
import { snapshotOf } from './testing/check-harness.test-util';
import { createFakeProc } from './testing/fake-proc.test-util';
import type { FakeProc } from './testing/fake-proc.test-util';

describe('diagnosticsPlugin', () => {
  let host: HostHandle | undefined;
  let proc: FakeProc | undefined;
  afterEach(async () => {
    proc?.remove();
    await host?.stop();
  });

  it('registers its checks on HEALTH_CHECK for any consumer, reading the config section', async () => {
    proc = createFakeProc({ pid: process.pid, threads: 80 });
    host = createHost({
      plugins: [diagnosticsPlugin()],
      config: { diagnostics: { procRoot: proc.procRoot, cgroupRoot: proc.cgroupRoot } },
    });
    const checks = host.resolveAll<HealthCheck>(HEALTH_CHECK);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['memory', 'disk', 'heap', 'fds', 'threads', 'node-version']),
    );
    const threads = checks.find((c) => c.name === 'threads')!;
    expect(await threads.run(snapshotOf())).toMatchObject([
      { severity: 'warning', data: { threads: 80 } },
    ]);
  });

  it('rejects an unknown option with the config error', () => {
    let error: unknown;
    try {
      host = createHost({
        plugins: [diagnosticsPlugin()],
        config: { diagnostics: { procRot: '/x' } },
      });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_CONFIG_INVALID')).toBe(true);
  });
});
