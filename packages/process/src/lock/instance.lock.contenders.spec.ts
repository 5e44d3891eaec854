import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVitalsError } from '@vitals/core';
import { acquireInstanceLock } from './instance.lock';

const CONTENDER = join(__dirname, '../__fixtures__/lock-contender.js');

/** A real process that tries to take the lock when told "go". */
class Contender {
  readonly child: ChildProcess;
  private out = '';
  private err = '';
  constructor(name: string, dir: string) {
    this.child = spawn(process.execPath, [CONTENDER, name, dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (b: Buffer) => (this.out += b.toString()));
    this.child.stderr!.on('data', (b: Buffer) => (this.err += b.toString()));
  }
  /** Resolves with the first output line that matches. */
  async line(pattern: RegExp): Promise<string> {
    while (!pattern.test(this.out)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`contender exited before printing ${pattern}: ${this.out}${this.err}`);
      }
      await new Promise((r) => {
        this.child.stdout!.once('data', r);
        this.child.once('exit', r);
      });
    }
    return this.out.split('\n').find((l) => pattern.test(l))!;
  }
  go(): void {
    this.child.stdin!.write('go\n');
  }
  /** Closes stdin: the contender releases what it holds and exits. */
  finish(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.end();
    return exited;
  }
}

describe('acquireInstanceLock with real contending processes', () => {
  let dir: string;
  let contenders: Contender[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vitals-lock-race-'))));
  afterEach(async () => {
    for (const c of contenders) c.child.kill('SIGKILL');
    await Promise.all(contenders.map((c) => c.finish()));
    contenders = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses this process while another process holds the lock, and gets it once released', async () => {
    const holder = new Contender('bot', dir);
    contenders.push(holder);
    await holder.line(/ready/);
    holder.go();
    await holder.line(/^won /m);

    let error: unknown;
    try {
      acquireInstanceLock('bot', { dir });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_INSTANCE_LOCKED')).toBe(true);
    expect((error as Error).message).toContain(`held by pid ${holder.child.pid}`);

    await holder.finish();
    const lock = acquireInstanceLock('bot', { dir });
    expect(lock.pid).toBe(process.pid);
    lock.release();
  });

  it('lets exactly one of several racing processes take over a stale lock', async () => {
    writeFileSync(
      join(dir, 'bot.lock'),
      JSON.stringify({
        name: 'bot',
        pid: 2 ** 22 + 1,
        startTimeTicks: 1,
        startTimeMs: 1,
        hostname: hostname(),
        createdAt: '',
        token: 'dead',
      }),
    );
    contenders = [1, 2, 3, 4].map(() => new Contender('bot', dir));
    await Promise.all(contenders.map((c) => c.line(/ready/)));

    for (const c of contenders) c.go();
    const results = await Promise.all(contenders.map((c) => c.line(/^(won|lost) /m)));

    expect(results.filter((r) => r.startsWith('won'))).toHaveLength(1);
    expect(results.filter((r) => r.startsWith('lost ERR_INSTANCE_LOCKED'))).toHaveLength(3);
  });
});
