import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_COMMAND, HEALTH_CHECK, INSTANCE_LOCK, createHost, isVitalsError } from '@vitals/core';
import type { CliCommand, HealthCheck, HostHandle, InstanceLockService } from '@vitals/core';
import { processPlugin } from './process.plugin';

describe('processPlugin', () => {
  let host: HostHandle | undefined;
  let lockDir: string;
  beforeEach(() => (lockDir = mkdtempSync(join(tmpdir(), 'vitals-plugin-lock-'))));
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    rmSync(lockDir, { recursive: true, force: true });
  });

  it('provides the instance lock; a second acquire is refused; stop releases it', async () => {
    host = createHost({ plugins: [processPlugin()], config: { process: { lockDir } } });
    await host.start();
    const locks = host.container.resolve<InstanceLockService>(INSTANCE_LOCK);

    const lock = locks.acquire('bot');
    let error: unknown;
    try {
      locks.acquire('bot');
    } catch (e) {
      error = e;
    }

    expect(lock.path).toBe(join(lockDir, 'bot.lock'));
    expect(isVitalsError(error, 'ERR_INSTANCE_LOCKED')).toBe(true);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    await host.stop();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('registers the commands, the duplicates check and the duplicate-count collector', async () => {
    host = createHost({ plugins: [processPlugin()] });

    const names = host.resolveAll<CliCommand>(CLI_COMMAND).map((c) => c.name);
    const checks = host.resolveAll<HealthCheck>(HEALTH_CHECK).map((c) => [c.name, c.area]);
    const snapshot = await host.collectOnce();

    expect(names).toEqual(['ps', 'kill-duplicates', 'services', 'perms']);
    expect(checks).toEqual([['duplicates', 'process']]);
    expect(snapshot.failures).toEqual([]);
    expect(snapshot.value('vitals_duplicate_processes')).toEqual(expect.any(Number));
  });

  it('rejects an invalid config section with a one-line error', () => {
    let error: unknown;
    try {
      host = createHost({
        plugins: [processPlugin()],
        config: { process: { duplicates: { scope: 'everyone' } } },
      });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('process.duplicates.scope');
  });

  it('rejects a duration that does not parse at validation, naming its path', () => {
    let error: unknown;
    try {
      host = createHost({ plugins: [processPlugin()], config: { process: { graceMs: 'soon' } } });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('process.graceMs');
    expect((error as Error).message).not.toContain('\n');
  });
});
