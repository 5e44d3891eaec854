import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isVitalsError, processExists } from '@vitals/core';
import type { CliContext } from '@vitals/core';
import { heapSnapshotCommand } from './heap-snapshot.command';

function context(options: CliContext['options']): { ctx: CliContext; out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  const ctx = {
    options,
    positionals: [],
    rest: [],
    stdout,
    stderr: new PassThrough(),
    env: {},
    cwd: process.cwd(),
    stopSignal: new AbortController().signal,
  } as unknown as CliContext;
  return { ctx, out: () => text };
}

/** A running Node process that prints "ready" once it is up. */
function startChild(args: string[], cwd: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...args, '-e', 'setInterval(() => {}, 1000); console.log("ready")'],
    { cwd, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

describe('heap snapshot --pid', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-sig-'));
  });
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a process started with --heapsnapshot-signal write a complete snapshot and prints its path', async () => {
    child = await startChild(['--heapsnapshot-signal=SIGUSR2'], dir);
    const { ctx, out } = context({ pid: String(child.pid), timeout: '60s' });
    expect(await heapSnapshotCommand.run(ctx)).toBe(0);
    const files = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
    expect(files).toHaveLength(1);
    expect(out()).toContain(join(dir, files[0]));
    expect(processExists(child.pid!)).toBe(true);
  });

  it("prints the target's snapshot folder with its control characters escaped", async () => {
    const evil = join(dir, 'd\x1b[2J');
    mkdirSync(evil);
    child = await startChild(['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${evil}`], dir);
    const { ctx, out } = context({ pid: String(child.pid), timeout: '60s' });
    expect(await heapSnapshotCommand.run(ctx)).toBe(0);
    expect(out()).not.toContain('\x1b');
    expect(out()).toContain('d\\x1b[2J');
  });

  it('refuses a process without the flag and sends it nothing (SIGUSR2 would kill it)', async () => {
    child = await startChild([], dir);
    const error = await Promise.resolve(
      heapSnapshotCommand.run(context({ pid: String(child.pid) }).ctx),
    ).catch((e: unknown) => e);
    expect(isVitalsError(error, 'ERR_SNAPSHOT_SIGNAL')).toBe(true);
    expect((error as Error).message).toMatch(/--heapsnapshot-signal/);
    expect(processExists(child.pid!)).toBe(true);
  });

  it('needs --pid', async () => {
    const error = await Promise.resolve(heapSnapshotCommand.run(context({}).ctx)).catch(
      (e: unknown) => e,
    );
    expect(isVitalsError(error, 'ERR_USAGE')).toBe(true);
  });

  it('says so when no process has that pid', async () => {
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.once('exit', r));
    const error = await Promise.resolve(
      heapSnapshotCommand.run(context({ pid: String(gone.pid) }).ctx),
    ).catch((e: unknown) => e);
    expect(isVitalsError(error, 'ERR_SNAPSHOT_NO_PROCESS')).toBe(true);
    expect((error as Error).message).toBe(
      `no process ${gone.pid} is running (vitals ps lists processes)`,
    );
  });
});
