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

  it('checks required variables against the environment the host was given', async () => {
    host = createHost({
      plugins: [diagnosticsPlugin()],
      env: { DATABASE_URL: 'postgres://db' },
      config: { requiredEnv: ['DATABASE_URL', 'API_KEY'] },
    });
    const check = host
      .resolveAll<HealthCheck>(HEALTH_CHECK)
      .find((c) => c.name === 'required-env')!;
    const findings = await check.run(snapshotOf());
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['critical', expect.stringContaining('API_KEY')],
    ]);
    expect(findings[0].message).not.toContain('DATABASE_URL');
  });

  it('takes process.env as it is (issue 11), and the environment checks read it', async () => {
    host = createHost({ plugins: [diagnosticsPlugin({ env: process.env })] });
    const check = host.resolveAll<HealthCheck>(HEALTH_CHECK).find((c) => c.name === 'node-env')!;
    const [f] = await check.run(snapshotOf());
    expect(f.message).not.toMatch(/not passed/);
    const withUndefined = { NODE_ENV: 'production', UNSET: undefined };
    await host.stop();
    host = createHost({ plugins: [diagnosticsPlugin({ env: withUndefined })] });
    const again = host.resolveAll<HealthCheck>(HEALTH_CHECK).find((c) => c.name === 'node-env')!;
    expect((await again.run(snapshotOf()))[0].message).toMatch(/NODE_ENV=production$/);
  });

  it('never prints the environment in an error', () => {
    const secret = 'hunter2-secret-token';
    for (const env of [secret, [secret], null, 42]) {
      let error: unknown;
      try {
        diagnosticsPlugin({ env: env as unknown as Record<string, string> });
      } catch (e) {
        error = e;
      }
      expect(isVitalsError(error, 'ERR_CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).toMatch(/^diagnostics: env must be an object/);
    }
    // Values that are not strings are left out, not echoed in a config error.
    expect(() =>
      createHost({
        plugins: [diagnosticsPlugin({ env: { TOKEN: 5 } as unknown as Record<string, string> })],
      }).stop(),
    ).not.toThrow();
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
