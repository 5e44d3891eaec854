import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { CLI_COMMAND, ManualClock, METRICS, createHost } from '@vitals/core';
import type { CliCommand, CliContext, HostHandle } from '@vitals/core';
import { monitorPlugin } from '../monitor.plugin';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('vitals monitor', () => {
  const hosts: HostHandle[] = [];
  let child: ChildProcess | undefined;
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 0, 1));
  });

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    child?.kill('SIGKILL');
    child = undefined;
  });

  function setup(
    options: CliContext['options'],
    tty = false,
    config: Record<string, unknown> = {},
  ) {
    const host = createHost({
      plugins: [monitorPlugin({ exhaustion: { enabled: false } })],
      clock,
      config,
    });
    hosts.push(host);
    const command = host.resolveAll<CliCommand>(CLI_COMMAND).find((c) => c.name === 'monitor')!;
    const stdout = Object.assign(new PassThrough(), { isTTY: tty });
    let text = '';
    stdout.on('data', (chunk) => (text += chunk));
    const controller = new AbortController();
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (chunk) => (errors += chunk));
    const ctx: CliContext = {
      options,
      positionals: [],
      rest: [],
      host,
      config: host.config,
      stdout,
      stderr,
      env: {},
      cwd: process.cwd(),
      stopSignal: controller.signal,
    };
    return { command, ctx, controller, output: () => text, errors: () => errors };
  }

  /** Runs `--once`: two samples 250 ms apart on the virtual clock. */
  async function once(command: CliCommand, ctx: CliContext): Promise<number | void> {
    const done = command.run(ctx);
    for (let i = 0; i < 5; i++) await settle();
    clock.advance(250);
    return done;
  }

  it('--once piped prints one JSON line with the main metrics', async () => {
    const { command, ctx, output } = setup({ once: true });
    expect(await once(command, ctx)).toBe(0);
    const lines = output().trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line.at).toBe(new Date(Date.UTC(2026, 0, 1) + 250).toISOString());
    expect(line.metrics[METRICS.processRssBytes]).toBeGreaterThan(0);
    expect(line.metrics[METRICS.memTotalBytes]).toBeGreaterThan(0);
    expect(line.metrics[METRICS.cpuUsedRatio]).toBeGreaterThanOrEqual(0);
    expect(line.alerts).toEqual([]);
  });

  it('--once in a terminal prints the table, with firing alerts highlighted', async () => {
    // A threads threshold of 1 with no `for` fires at once.
    const { command, ctx, output } = setup({ once: true }, true, {
      thresholds: { threads: 1 },
      monitor: { alerts: { rules: { threads: { for: 0 } } } },
    });
    expect(await once(command, ctx)).toBe(0);
    const text = output();
    expect(text).toMatch(/^CPU\s+\d/m);
    expect(text).toMatch(/^Memory\s+[\d.]+ % used/m);
    expect(text).toMatch(/^Process\s+CPU/m);
    expect(text).toContain('\x1b[33m● WARNING threads:');
  });

  it('--pid watches another process', async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child!.once('spawn', resolve));
    const { command, ctx, output } = setup({ once: true, pid: String(child.pid) });
    expect(await once(command, ctx)).toBe(0);
    const line = JSON.parse(output());
    expect(line.metrics[`${METRICS.processRssBytes}{pid="${child.pid}"}`]).toBeGreaterThan(0);
  });

  it('--pid live: stops with a one-line error when the watched process exits', async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child!.once('spawn', resolve));
    const pid = child.pid!;
    const { command, ctx, output, errors } = setup({ pid: String(pid) });
    const done = command.run(ctx);
    await settle();
    expect(output().trim().split('\n')).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = undefined;
    clock.advance(1000);
    expect(await done).toBe(1);
    expect(errors()).toBe(
      `vitals monitor: process ${pid} does not exist; check the pid (ps -p ${pid})\n`,
    );
  });

  it('refreshes every --interval until asked to stop', async () => {
    const { command, ctx, controller, output } = setup({ interval: '2s' });
    const done = command.run(ctx);
    for (let i = 0; i < 3; i++) {
      await settle();
      clock.advance(2000);
    }
    await settle();
    controller.abort();
    expect(await done).toBe(0);
    const ats = output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).at);
    expect(ats).toEqual(
      [0, 2000, 4000, 6000].map((d) => new Date(Date.UTC(2026, 0, 1) + d).toISOString()),
    );
  });

  it.each([
    [
      { pid: 'abc' },
      64,
      /^vitals monitor: --pid takes a process id, e\.g\. --pid 1234 \(got "abc"\)\n$/,
    ],
    [{ pid: '0x10' }, 64, /^vitals monitor: --pid takes a process id/],
    [{ pid: '-1' }, 64, /^vitals monitor: --pid takes a process id/],
    [{ pid: '7\u001b[2J' }, 64, /^vitals monitor: --pid takes .*\(got "7\\u001b\[2J"\)\n$/],
    [{ pid: '999999999' }, 1, /^vitals monitor: process 999999999 does not exist/],
    [{ interval: 'soon' }, 64, /^vitals monitor: --interval takes a duration/],
    [{ interval: '10ms' }, 64, /^vitals monitor: --interval must be at least 100ms/],
  ])('answers %j with exit code %d and one line on stderr', async (options, code, message) => {
    const { command, ctx, output, errors } = setup(options);
    expect(await command.run(ctx)).toBe(code);
    expect(output()).toBe('');
    expect(errors()).toMatch(message);
    expect(errors().trim().split('\n')).toHaveLength(1);
  });

  it("--pid of another user's process watches it with what /proc shows everyone", async () => {
    // Root's pid 1 seen as nobody would be the real case; here: a child of another uid when we are root.
    if (process.getuid?.() === 0) {
      child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
        stdio: 'ignore',
        uid: 65534,
        gid: 65534,
      });
    } else {
      child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    }
    await new Promise((resolve) => child!.once('spawn', resolve));
    const { command, ctx, output } = setup({ once: true, pid: String(child.pid) });
    expect(await once(command, ctx)).toBe(0);
    const line = JSON.parse(output());
    expect(line.metrics[`${METRICS.processThreads}{pid="${child.pid}"}`]).toBeGreaterThan(0);
  });
});
