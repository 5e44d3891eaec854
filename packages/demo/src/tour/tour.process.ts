import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A process the tour started, with everything it printed so far (stdout and stderr). */
export interface TourProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr, interleaved as they arrived. */
  output(): string;
  /**
   * Resolves with the first match of `pattern` in the output; rejects after `timeoutMs`, or once
   * the process has ended without printing it.
   */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (128 + signal number for a signal) once it has exited. */
  readonly exited: Promise<number>;
  /** Sends `signal` to its whole process group (it runs detached); a no-op once exited. */
  signal(signal: NodeJS.Signals): void;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Every process the tour started that has not ended yet, with a way to end it. */
const live = new Set<{ stop(graceMs: number): Promise<unknown> }>();

/**
 * Ends every process the tour started and has not ended yet ({@link startNode}'s with SIGTERM to
 * its group, then SIGKILL after `graceMs`; {@link runNode}'s likewise) and resolves once all have
 * exited. The runner calls it when a step is interrupted or misses its deadline, and at the end:
 * a step's own clean-up may still be waiting then, and the CLI exits as soon as the tour returns.
 */
export async function stopAll(graceMs = 8000): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(graceMs)));
}

/**
 * Starts `node <args>` detached (its own process group, so a supervisor and its child stop
 * together) with the environment `env`. Output is kept in memory (the tour's runs are short).
 * `waitFor` rejects once the process has ended without printing the pattern. Until it exits, the
 * process is one that {@link stopAll} ends.
 */
export function startNode(
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string | undefined>> },
): TourProcess {
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const feed = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', feed);
  child.stderr?.on('data', feed);
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => {
      done = true;
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      done = true;
      resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0));
    });
  });
  let closed = false;
  child.once('close', () => {
    closed = true;
    for (const l of listeners) l();
  });
  const proc: TourProcess = {
    child,
    pid: child.pid ?? -1,
    output: () => text,
    exited,
    signal(signal) {
      if (done || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    },
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern);
          if (m) {
            finish();
            resolve(m);
          } else if (closed) {
            // It ended (and all its output is in): the pattern can no longer come.
            finish();
            reject(new Error(`it ended without printing ${String(pattern)}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${String(pattern)} within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
  const entry = { stop: (graceMs: number) => stopProcess(proc, graceMs) };
  live.add(entry);
  void exited.then(() => live.delete(entry));
  return proc;
}

/** Stops a process gently (SIGTERM), then for sure (SIGKILL) after `graceMs`; returns its code. */
export async function stopProcess(p: TourProcess, graceMs = 8000): Promise<number> {
  p.signal('SIGTERM');
  const timer = setTimeout(() => p.signal('SIGKILL'), graceMs);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `node <args>` to completion and returns its code and output. */
export async function runNode(
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string | undefined>>; timeoutMs: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const closed = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (c) => resolve(c ?? 137));
  });
  const entry = {
    async stop(graceMs: number) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await closed;
      clearTimeout(force);
    },
  };
  live.add(entry);
  const code = await closed;
  live.delete(entry);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Where the tour finds the `vitals` binary and the demo bot. */
export interface TourPaths {
  readonly cli: string;
  readonly bot: string;
}

/**
 * The tour runs the `vitals` binary that runs it (`argv[1]`, the script node was started with:
 * `vitals demo` is a command of that binary, so it is the one the user has), and the built bot
 * (`dist/bot/main.js`, found from both `src/tour` and `dist/tour`).
 */
export function defaultTourPaths(argv: readonly string[]): TourPaths {
  return {
    cli: fs.realpathSync(argv[1]),
    bot: path.resolve(__dirname, '../../dist/bot/main.js'),
  };
}
