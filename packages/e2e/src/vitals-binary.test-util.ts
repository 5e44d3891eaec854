import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The real `vitals` binary (it loads the built packages; e2e's test target builds them first). */
export const VITALS_BIN = resolve(__dirname, '../../host/bin/vitals.js');
/** Fixture scripts of the e2e package. */
export const e2eFixture = (name: string): string => join(__dirname, '__fixtures__', name);

/** A running `vitals` (or any) process with its output kept whole. */
export interface Spawned {
  readonly proc: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out(): string;
  err(): string;
  /** Resolves once `pattern` matches stdout+stderr; rejects after `timeoutMs` with the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGKILL if still running, and wait. */
  kill(): Promise<void>;
}

/**
 * Spawns `command args` (by default `node vitals.js args`) in `cwd` with a minimal environment
 * (PATH and HOME only, plus `env`).
 */
export function spawnVitals(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; command?: readonly string[] },
): Spawned {
  const [cmd, ...pre] = options.command ?? [process.execPath, VITALS_BIN];
  const proc = spawn(cmd, [...pre, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = w.pattern.exec(out + err);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
    check();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
    check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    proc,
    exited,
    out: () => out,
    err: () => err,
    waitFor(pattern, timeoutMs = 30_000) {
      const m = pattern.exec(out + err);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(`no ${String(pattern)} within ${timeoutMs} ms; output:\n${out}\n${err}`),
          );
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (match) => {
            clearTimeout(timer);
            resolve(match);
          },
        });
        void exited.then(() => {
          // The process is gone: nothing more will come.
          setTimeout(() => {
            clearTimeout(timer);
            reject(new Error(`exited before ${String(pattern)}; output:\n${out}\n${err}`));
          }, 100);
        });
      });
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** True while `pid` exists (a zombie counts until reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a process group, ignoring one that is gone. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** HTTP status of a GET (0 when the connection failed), with a 5 s time-out. */
export async function status(port: number, path: string): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Polls until `check` is true or `timeoutMs` passes; returns the last result. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
