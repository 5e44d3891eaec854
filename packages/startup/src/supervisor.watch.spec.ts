import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS, ManualClock, MetricStream, createMemoryLogger } from '@vitals/core';
import type { Logger, MetricBatch, Sample } from '@vitals/core';
import { SupervisorRegistry } from './service.registry';
import { Supervisor } from './supervisor';
import { EventLog, OutputLog, fixture, killAll } from './supervisor.test-util';

const env = { PATH: process.env.PATH };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every sample published on `stream` from now on. */
function record(stream: MetricStream): Sample[] {
  const samples: Sample[] = [];
  stream.batches$.subscribe((b: MetricBatch) => samples.push(...b.samples));
  return samples;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function memoryLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const log = (level: string) => (a: unknown, b?: unknown) =>
    lines.push({ level, msg: String(typeof a === 'string' ? a : b) });
  const logger = {
    lines,
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    child: () => logger,
  };
  return logger as unknown as Logger & { lines: { level: string; msg: string }[] };
}

describe('Supervisor watching its child', () => {
  let supervisor: Supervisor | undefined;
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vitals-watch-'))));
  afterEach(async () => {
    await killAll(supervisor);
    supervisor = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a child stuck in while(true) once its agent is silent past the hang timeout: SIGTERM, then SIGKILL', async () => {
    const stream = new MetricStream();
    const samples = record(stream);
    const out = new OutputLog();
    supervisor = new Supervisor(
      {
        command: fixture('busy-loop'),
        args: ['300'],
        env,
        name: 'stuck',
        agentIntervalMs: 100,
        hangTimeoutMs: 1000,
        killTimeoutMs: 500,
        stdout: out,
      },
      { stream },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    const firstPid = supervisor.pid as number;
    await log.next('agent');
    const hang = await log.next('hang');
    expect(hang.pid).toBe(firstPid);
    expect(hang.silentMs).toBeGreaterThan(1000);
    expect(supervisor.service().state).toBe('hung');
    expect(log.of('restart-scheduled')).toEqual([expect.objectContaining({ reason: 'hang' })]);
    const exit = await log.next('exit');
    // The blocked loop never ran its SIGTERM handler: only the SIGKILL at the kill timeout ended it.
    expect(exit).toEqual(expect.objectContaining({ pid: firstPid, signal: 'SIGKILL' }));
    const second = await log.next('spawn', 2);
    expect(second.pid).not.toBe(firstPid);
    expect(supervisor.service()).toEqual(
      expect.objectContaining({ restarts: 1, pid: second.pid, name: 'stuck' }),
    );
    const hangs = samples.filter((s) => s.name === METRICS.serviceHangs);
    expect(hangs.at(-1)).toEqual(
      expect.objectContaining({ value: 1, labels: { service: 'stuck' } }),
    );
    const hungState = samples.filter(
      (s) => s.name === METRICS.serviceState && s.labels?.state === 'hung',
    );
    expect(hungState.map((s) => s.value)).toContain(1);
  }, 30_000);

  it('does not restart a child that closed its IPC channel as hung, and says why it stopped watching', async () => {
    const logger = createMemoryLogger();
    const out = new OutputLog();
    supervisor = new Supervisor(
      {
        command: fixture('disconnect'),
        env,
        name: 'quiet-ipc',
        agentIntervalMs: 100,
        hangTimeoutMs: 500,
        stdout: out,
      },
      { stream: new MetricStream(), logger },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    const pid = supervisor.pid;
    await out.waitFor('disconnected');
    // Four hang timeouts with no report.
    await new Promise((r) => setTimeout(r, 2000));
    expect(log.of('hang')).toEqual([]);
    expect(supervisor.service()).toEqual(expect.objectContaining({ restarts: 0, pid }));
    expect(
      logger.entries.filter((e) => e.level === 'warn' && e.msg.includes('closed its IPC channel')),
    ).toHaveLength(1);
  }, 15_000);

  it('leaves a child that keeps reporting alone for many hang timeouts, and reads its /proc figures meanwhile', async () => {
    const stream = new MetricStream();
    const samples = record(stream);
    supervisor = new Supervisor(
      {
        command: fixture('idle'),
        env,
        name: 'steady',
        agentIntervalMs: 100,
        memoryCheckIntervalMs: 100,
        hangTimeoutMs: 400,
        stdout: new OutputLog(),
      },
      { stream },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    await log.next('agent');
    const rss = () =>
      samples.filter((s) => s.name === METRICS.processRssBytes && s.labels?.service === 'steady');
    // Ten hang timeouts of reports: the hang timer is re-aimed each time, never fires.
    await until(() => rss().length >= 10, 20_000);
    await new Promise((r) => setTimeout(r, 4000));
    expect(log.of('hang')).toEqual([]);
    expect(supervisor.service().state).toBe('up');
    expect(rss().every((s) => s.value > 0)).toBe(true);
  }, 30_000);

  it('restarts a process tree over the ceiling in tree scope and publishes each process with its pid', async () => {
    const stream = new MetricStream();
    const samples = record(stream);
    const out = new OutputLog();
    supervisor = new Supervisor(
      {
        command: fixture('tree'),
        args: ['primary', '2', '60'],
        env,
        name: 'cluster',
        maxMemoryBytes: 150 * 1024 * 1024,
        maxMemoryForMs: 600,
        memoryCheckIntervalMs: 200,
        memoryScope: 'tree',
        stdout: out,
      },
      { stream },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    const firstPid = supervisor.pid as number;
    await out.waitForCount('worker ', 2);
    const workers = [...out.text.matchAll(/worker (\d+)/g)].map((m) => Number(m[1]));
    const restart = await log.next('restart-scheduled');
    expect(restart.reason).toBe('memory');
    const second = await log.next('spawn', 2);
    expect(second.pid).not.toBe(firstPid);
    // The workers went with their primary (the whole process group).
    await until(() => workers.every((pid) => !alive(pid)));
    const perPid = samples.filter((s) => s.name === METRICS.serviceProcessRssBytes);
    const pids = new Set(perPid.map((s) => s.labels?.pid));
    for (const pid of [firstPid, ...workers]) expect(pids).toContain(String(pid));
    const tree = samples.filter((s) => s.name === METRICS.serviceTreeRssBytes);
    const child = samples.filter(
      (s) => s.name === METRICS.processRssBytes && s.labels?.service === 'cluster',
    );
    // The direct child alone stays under the ceiling; the tree goes over it.
    expect(Math.max(...child.map((s) => s.value))).toBeLessThan(150 * 1024 * 1024);
    expect(Math.max(...tree.map((s) => s.value))).toBeGreaterThan(150 * 1024 * 1024);
    expect(tree[0].labels).toEqual({ service: 'cluster' });
  }, 45_000);

  it("kills the child's leftover process group after a crash: no orphaned grandchild", async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({
      command: fixture('orphan'),
      args: ['300'],
      env,
      restart: 'never',
      killTimeoutMs: 1000,
      stdout: out,
    });
    await supervisor.start();
    await out.waitFor('grandchild ');
    const grandchild = Number(/grandchild (\d+)/.exec(out.text)?.[1]);
    expect(alive(grandchild)).toBe(true);
    expect(await supervisor.done).toBe(3);
    await until(() => !alive(grandchild), 5000);
  });

  it('keeps checking memory when a reading throws EMFILE, and says so once', async () => {
    const clock = new ManualClock(0);
    const logger = memoryLogger();
    let reads = 0;
    supervisor = new Supervisor(
      {
        command: fixture('idle'),
        env,
        agent: false,
        maxMemoryBytes: 64 * 1024 * 1024,
        stdout: new OutputLog(),
      },
      {
        clock,
        logger,
        readRssBytes: () => {
          reads++;
          throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
        },
      },
    );
    await supervisor.start();
    for (let i = 0; i < 5; i++) clock.advance(1000);
    expect(reads).toBe(5);
    expect(supervisor.healthy()).toBe(true);
    expect(logger.lines.filter((l) => l.msg.includes('could not read the child'))).toHaveLength(1);
  });

  it('lists the service, and begins a fresh baseline on restart: restarts + 1, a new pid and start', async () => {
    const stream = new MetricStream();
    const samples = record(stream);
    const registry = new SupervisorRegistry();
    supervisor = new Supervisor(
      { command: fixture('crash'), env, name: 'flaky', stdout: new OutputLog() },
      { stream },
    );
    registry.add(supervisor);
    const log = new EventLog(supervisor);
    await supervisor.start();
    const first = await log.next('spawn', 1);
    const second = await log.next('spawn', 2);
    const listed = registry.list()[0];
    expect(listed.name).toBe('flaky');
    expect(listed.restarts).toBeGreaterThanOrEqual(1);
    expect(second.pid).not.toBe(first.pid);
    const restarts = samples.filter((s) => s.name === 'vitals_supervisor_restarts_total');
    expect(restarts.map((s) => s.value)).toEqual(expect.arrayContaining([0, 1]));
    const pids = samples
      .filter((s) => s.name === 'vitals_supervisor_child_pid')
      .map((s) => s.value);
    expect(pids).toEqual(expect.arrayContaining([first.pid, second.pid]));
    await supervisor.stop();
    expect(registry.list()[0].state).toBe('stopped');
  });

  describe('heap snapshots', () => {
    async function started(options: { snapshotMaxHeapBytes?: number } = {}) {
      const stream = new MetricStream();
      const samples = record(stream);
      const registry = new SupervisorRegistry();
      supervisor = new Supervisor(
        { command: fixture('idle'), env, name: 'snap', stdout: new OutputLog(), ...options },
        { stream },
      );
      registry.add(supervisor);
      const log = new EventLog(supervisor);
      await supervisor.start();
      await log.next('agent');
      return { registry, samples };
    }

    it('writes a snapshot of the child into the folder under a fresh name, and the state is up', async () => {
      const { registry, samples } = await started();
      expect(registry.list()[0]).toEqual(
        expect.objectContaining({ name: 'snap', state: 'up', restarts: 0, pid: supervisor!.pid }),
      );
      const up = samples.filter((s) => s.name === METRICS.serviceState && s.value === 1);
      expect(up.map((s) => s.labels?.state)).toEqual(['starting', 'up']);
      const path = await registry.heapSnapshot('snap', { dir, timeoutMs: 30_000 });
      expect(path.startsWith(join(dir, `snap-${supervisor!.pid}-`))).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8').slice(0, 20)).toContain('"snapshot"');
    }, 30_000);

    it('refuses a heap above the cap, saying both sizes', async () => {
      const { registry } = await started({ snapshotMaxHeapBytes: 1024 * 1024 });
      await expect(registry.heapSnapshot('snap', { dir })).rejects.toMatchObject({
        code: 'ERR_SNAPSHOT_REFUSED',
        message: expect.stringMatching(/heap [\d.]+ MiB above the snapshot cap 1 MiB/),
      });
    });

    it('never writes through a link or over a file planted at the name', async () => {
      await started();
      const victim = join(dir, 'victim');
      writeFileSync(victim, 'keep');
      const link = join(dir, 'planted.heapsnapshot');
      symlinkSync(victim, link);
      // The runner is what the name goes to; a planted name must be refused, not followed.
      const runner = (
        supervisor as unknown as {
          runner: { heapSnapshot(p: string, cap: number, t: number): Promise<string> };
        }
      ).runner;
      await expect(runner.heapSnapshot(link, 2 ** 40, 30_000)).rejects.toMatchObject({
        code: 'ERR_SNAPSHOT_REFUSED',
      });
      await expect(runner.heapSnapshot(victim, 2 ** 40, 30_000)).rejects.toMatchObject({
        code: 'ERR_SNAPSHOT_REFUSED',
      });
      expect(readFileSync(victim, 'utf8')).toBe('keep');
    });

    it('refuses an unknown service and a folder others may write', async () => {
      const { registry } = await started();
      await expect(registry.heapSnapshot('other', { dir })).rejects.toMatchObject({
        code: 'ERR_SERVICE_UNAVAILABLE',
      });
      const shared = join(dir, 'shared');
      mkdirSync(shared);
      chmodSync(shared, 0o777); // writable by all, no sticky bit
      await expect(registry.heapSnapshot('snap', { dir: shared })).rejects.toMatchObject({
        code: 'ERR_SNAPSHOT_REFUSED',
        message: expect.stringContaining('writable by others'),
      });
      expect(readdirSync(shared)).toEqual([]);
      await expect(registry.heapSnapshot('snap', { dir: '/dev/null' })).rejects.toMatchObject({
        code: 'ERR_SNAPSHOT_REFUSED',
      });
    });
  });
});
