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
    const ctx: CliContext = {
      options,
      positionals: [],
      rest: [],
      host,
      config: host.config,
      stdout,
      stderr: new PassThrough(),
      env: {},
      cwd: process.cwd(),
      stopSignal: controller.signal,
    };
    return { command, ctx, controller, output: () => text };
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
    const { command, ctx, output } = setup({ pid: String(pid) });
    const done = command.run(ctx);
    await settle();
    expect(output().trim().split('\n')).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = undefined;
    clock.advance(1000);
    await expect(done).rejects.toMatchObject({
      code: 'ERR_MONITOR_PROCESS_GONE',
      message: expect.stringContaining(`process ${pid} does not exist`),
    });
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

  it('rejects bad options with a one-line usage error', async () => {
    const { command, ctx } = setup({ pid: 'abc' });
    await expect(command.run(ctx)).rejects.toMatchObject({
      code: 'ERR_USAGE',
      message: expect.stringContaining('--pid takes a process id'),
    });
    const bad = setup({ interval: 'soon' });
    await expect(bad.command.run(bad.ctx)).rejects.toMatchObject({ code: 'ERR_USAGE' });
  });
});
