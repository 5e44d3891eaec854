import { ManualClock, VitalsError, createMemoryLogger } from '@vitals/core';
import type { InstanceLockService } from '@vitals/core';
import { Supervisor } from './supervisor';
import { EventLog, OutputLog, fixture, killAll } from './supervisor.test-util';

const env = { PATH: process.env.PATH };

describe('Supervisor', () => {
  let supervisor: Supervisor | undefined;
  let other: Supervisor | undefined;

  afterEach(async () => {
    await killAll(supervisor);
    await killAll(other);
    supervisor = other = undefined;
  });

  it('restarts a crashing child with growing delays and gives up after the limit', async () => {
    const clock = new ManualClock(1_000_000);
    const logger = createMemoryLogger();
    supervisor = new Supervisor(
      { command: fixture('crash'), env, maxRestarts: 3, backoffInitialMs: 100, agent: false },
      { clock, logger },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    const delays: number[] = [];
    for (let n = 1; n <= 3; n++) {
      const scheduled = await log.next('restart-scheduled', n);
      delays.push(scheduled.delayMs);
      expect(log.of('spawn')).toHaveLength(n);
      clock.advance(scheduled.delayMs);
      await log.next('spawn', n + 1);
    }
    const gaveUp = await log.next('give-up');
    expect(delays).toEqual([100, 200, 400]);
    expect(gaveUp.restarts).toBe(3);
    expect(await supervisor.done).toBe(3);
    expect(log.of('spawn')).toHaveLength(4);
    expect(logger.entries.some((e) => e.level === 'error' && e.msg.includes('giving up'))).toBe(
      true,
    );
  });

  it('does not restart a child that exits cleanly under on-failure, and exits with its code', async () => {
    supervisor = new Supervisor({
      command: fixture('quick-exit'),
      env,
      agent: false,
      stdout: new OutputLog(),
    });
    expect(await supervisor.run()).toBe(0);
  });

  /**
   * A child that holds 200 MB on SIGUSR2 (printing `rss`), under a 150 MiB ceiling that must hold
   * for 3 s; `args` another such child.
   */
  function overMemoryCeiling(restart?: 'never', args = ['--expose-gc', fixture('memory'), '200']) {
    const clock = new ManualClock(0);
    const out = new OutputLog();
    const logger = createMemoryLogger();
    const sup = new Supervisor(
      {
        command: process.execPath,
        args,
        env,
        agent: false,
        stdout: out,
        maxMemoryBytes: 150 * 1024 * 1024,
        maxMemoryForMs: 3000,
        memoryCheckIntervalMs: 1000,
        restart,
      },
      { clock, logger },
    );
    supervisor = sup; // stopped by afterEach
    return { clock, out, logger, log: new EventLog(sup), supervisor: sup };
  }

  it('restarts once when RSS stays over the ceiling for the configured time', async () => {
    const { clock, out, log, supervisor } = overMemoryCeiling();
    await supervisor.start();
    await out.waitFor('ready');
    const firstPid = supervisor.pid!;
    process.kill(firstPid, 'SIGUSR2');
    await out.waitForCount('rss ', 1);
    for (let i = 0; i < 4; i++) clock.advance(1000);
    expect(log.of('memory-over').length).toBeGreaterThanOrEqual(3);
    expect(log.of('restart-scheduled')).toEqual([expect.objectContaining({ reason: 'memory' })]);
    const second = await log.next('spawn', 2);
    expect(second.pid).not.toBe(firstPid);
    expect(log.of('exit')[0]).toEqual(
      expect.objectContaining({ pid: firstPid, signal: 'SIGTERM' }),
    );
    await out.waitForCount('ready', 2);
    for (let i = 0; i < 10; i++) clock.advance(1000);
    expect(log.of('spawn')).toHaveLength(2);
    expect(log.of('restart-scheduled')).toHaveLength(1);
  });

  it('stops the child over the ceiling under --restart never, as PM2 with --no-autorestart', async () => {
    const { clock, out, log, logger, supervisor } = overMemoryCeiling('never');
    await supervisor.start();
    await out.waitFor('ready');
    const pid = supervisor.pid!;
    process.kill(pid, 'SIGUSR2');
    await out.waitForCount('rss ', 1);
    for (let i = 0; i < 4; i++) clock.advance(1000);
    // SIGTERM, then the supervisor is done with the child's code: 128 + 15.
    expect(await supervisor.done).toBe(143);
    expect(log.of('exit')).toEqual([expect.objectContaining({ pid, signal: 'SIGTERM' })]);
    expect(log.of('spawn')).toHaveLength(1);
    expect(log.of('restart-scheduled')).toHaveLength(0);
    expect(
      logger.entries.filter((e) =>
        e.msg.includes('stopping the child gracefully (--restart never)'),
      ),
    ).toHaveLength(1);
  });

  // A service that handles SIGTERM gracefully exits 0, and `vitals run` then exited 0 after
  // stopping it for its memory: under systemd's Restart=on-failure (docs/systemd/vitals-bot.service)
  // a clean exit is not restarted, so the service stayed down with no failure recorded. A stop the
  // supervisor chose is never a success.
  it('exits non-zero under --restart never when it stopped a graceful child for its memory (the child exits 0)', async () => {
    const graceful = [
      'const keep = [];',
      "process.on('SIGTERM', () => process.exit(0));",
      "process.on('SIGUSR2', () => { keep.push(Buffer.alloc(200 * 1024 * 1024, 1)); console.log('rss ' + process.memoryUsage().rss); });",
      'setInterval(() => {}, 1000);',
      "console.log('ready');",
    ].join('\n');
    const { clock, out, log, supervisor } = overMemoryCeiling('never', ['-e', graceful]);
    await supervisor.start();
    await out.waitFor('ready');
    const pid = supervisor.pid!;
    process.kill(pid, 'SIGUSR2');
    await out.waitForCount('rss ', 1);
    for (let i = 0; i < 4; i++) clock.advance(1000);
    const code = await supervisor.done;
    expect(log.of('exit')).toEqual([expect.objectContaining({ pid, code: 0, signal: null })]);
    expect(log.of('spawn')).toHaveLength(1);
    expect(code).toBe(1);
    // What run's closing line says, instead of "exited with code 1" for a child that exited 0.
    expect(supervisor.stoppedReason).toBe('memory');
  });

  it('still exits 0 under --restart never when the child ends on its own with 0', async () => {
    supervisor = new Supervisor({
      command: process.execPath,
      args: ['-e', 'process.exit(0)'],
      env,
      agent: false,
      restart: 'never',
      stdout: new OutputLog(),
    });
    expect(await supervisor.run()).toBe(0);
    expect(supervisor.stoppedReason).toBeUndefined();
  });

  it('does not restart on a single spike over the ceiling', async () => {
    const { clock, out, log, supervisor } = overMemoryCeiling();
    await supervisor.start();
    await out.waitFor('ready');
    process.kill(supervisor.pid!, 'SIGUSR2');
    await out.waitForCount('rss ', 1);
    clock.advance(1000);
    expect(log.of('memory-over')).toHaveLength(1);
    process.kill(supervisor.pid!, 'SIGUSR1');
    await out.waitForCount('rss ', 2);
    for (let i = 0; i < 10; i++) clock.advance(1000);
    expect(log.of('memory-over')).toHaveLength(1);
    expect(log.of('restart-scheduled')).toHaveLength(0);
    expect(log.of('spawn')).toHaveLength(1);
  });

  it('stops a child that traps SIGTERM slowly within the kill timeout, with its exit code', async () => {
    const clock = new ManualClock(0);
    const out = new OutputLog();
    supervisor = new Supervisor(
      {
        command: fixture('slow-term'),
        args: ['300'],
        env,
        agent: false,
        stdout: out,
        killTimeoutMs: 5000,
      },
      { clock },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    await out.waitFor('ready');
    const code = await supervisor.stop('SIGTERM');
    expect(code).toBe(0);
    expect(out.text).toContain('got SIGTERM');
    expect(log.of('signal').map((e) => e.signal)).toEqual(['SIGTERM']);
    expect(clock.pending).toBe(0);
  });

  it('sends SIGKILL after the kill timeout to a child that ignores SIGTERM', async () => {
    const clock = new ManualClock(0);
    const out = new OutputLog();
    supervisor = new Supervisor(
      {
        command: fixture('slow-term'),
        args: ['never'],
        env,
        agent: false,
        stdout: out,
        killTimeoutMs: 2000,
      },
      { clock },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    await out.waitFor('ready');
    const stopped = supervisor.stop('SIGTERM');
    await out.waitFor('got SIGTERM');
    clock.advance(1999);
    expect(log.of('signal').map((e) => e.signal)).toEqual(['SIGTERM']);
    clock.advance(1);
    expect(await stopped).toBe(128 + 9);
    expect(log.of('signal').map((e) => e.signal)).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('forwards SIGHUP to the child without stopping it', async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({
      command: fixture('slow-term'),
      args: ['0'],
      env,
      agent: false,
      stdout: out,
    });
    await supervisor.start();
    await out.waitFor('ready');
    expect(supervisor.forward('SIGHUP')).toBe(true);
    await out.waitFor('got SIGHUP');
    expect(supervisor.pid).toBeDefined();
  });

  it('refuses a second run of the same service, naming the pid holding the lock', async () => {
    const held = new Map<string, number>();
    const lock: InstanceLockService = {
      acquire(name, options) {
        const holder = held.get(name);
        if (holder !== undefined) {
          throw new VitalsError(
            'ERR_INSTANCE_LOCKED',
            `"${name}" is already running as pid ${holder}`,
          );
        }
        const pid = options?.pid ?? process.pid;
        held.set(name, pid);
        return { name, path: `/fake/${name}.lock`, pid, release: () => held.delete(name) };
      },
    };
    supervisor = new Supervisor(
      {
        command: fixture('slow-term'),
        args: ['0'],
        env,
        agent: false,
        name: 'api',
        stdout: new OutputLog(),
      },
      { lock },
    );
    await supervisor.start();
    other = new Supervisor(
      { command: fixture('slow-term'), args: ['0'], env, agent: false, name: 'api' },
      { lock },
    );
    await expect(other.start()).rejects.toMatchObject({
      code: 'ERR_INSTANCE_LOCKED',
      message: expect.stringContaining(`pid ${process.pid}`),
    });
    expect(other.pid).toBeUndefined();
    await supervisor.stop();
    expect(held.has('api')).toBe(false);
  });

  it('fails with a one-line error when the command does not exist', async () => {
    supervisor = new Supervisor({ command: 'vitals-no-such-command-xyz', env });
    await expect(supervisor.start()).rejects.toMatchObject({
      code: 'ERR_SUPERVISOR_SPAWN',
      message: expect.stringContaining('not found'),
    });
  });

  it('stops during the backoff without starting another child', async () => {
    const clock = new ManualClock(0);
    supervisor = new Supervisor({ command: fixture('crash'), env, agent: false }, { clock });
    const log = new EventLog(supervisor);
    await supervisor.start();
    await log.next('restart-scheduled');
    expect(await supervisor.stop()).toBe(3);
    clock.advance(60_000);
    expect(log.of('spawn')).toHaveLength(1);
  });
});
