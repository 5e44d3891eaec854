import { spawn } from 'node:child_process';
import type { AlertEvent } from '@vitals/core';

/** Where and how a webhook is called. */
export interface WebhookTarget {
  readonly url: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** @default {} */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A program run once per alert. */
export interface CommandTarget {
  /** Executable path or name on PATH; run without a shell, so no quoting or expansion happens. */
  readonly path: string;
  /** @default [] */
  readonly args?: readonly string[];
  /** Its process group is killed with SIGKILL after this long. @default 10000 */
  readonly timeoutMs?: number;
  /** Environment of the program. @default the parent's, without `VITALS_*` tokens and secrets */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * POSTs the alert as JSON with the global `fetch`. Rejects with a one-line message on a network
 * error, a time-out or a non-2xx answer.
 * @example await postWebhook({ url: 'https://hooks.example.com/x' }, event)
 */
export async function postWebhook(target: WebhookTarget, event: AlertEvent): Promise<void> {
  const timeoutMs = target.timeoutMs ?? 5000;
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as Error)?.name;
    throw new Error(
      name === 'TimeoutError'
        ? `webhook ${target.url} did not answer within ${timeoutMs} ms`
        : `webhook ${target.url} failed: ${(error as Error)?.message}`,
    );
  }
  await drain(res, WEBHOOK_ANSWER_MAX_BYTES);
  if (!res.ok) throw new Error(`webhook ${target.url} answered ${res.status}`);
}

/** The most of a webhook's answer that is read; the rest is dropped with the connection. */
export const WEBHOOK_ANSWER_MAX_BYTES = 64 * 1024;

/**
 * Reads at most `max` bytes of an answer's body and cancels the rest (issue 11: a 1 GiB answer
 * read whole took the host to 1.1 GB RSS). The body is not used; reading a little of it lets a
 * small answer reuse its keep-alive connection.
 */
async function drain(res: Response, max: number): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    while (read <= max) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The server cut the answer short: the status is what counts.
  }
}

/** Variables never handed to an alert command by default: Vitals' own secrets. */
const SECRET_ENV = /^VITALS_.*(TOKEN|SECRET|PASSWORD)/i;

/** The parent's environment without Vitals' own secrets (`VITALS_HTTP__TOKEN`). */
function commandEnv(env: CommandTarget['env']): NodeJS.ProcessEnv {
  const source = env ?? process.env;
  return Object.fromEntries(
    Object.entries(source).filter(([name, value]) => value !== undefined && !SECRET_ENV.test(name)),
  );
}

/** SIGKILL to a whole process group; a group already gone is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: every member has exited.
  }
}

/**
 * Runs a program with the alert as JSON on stdin (no shell), in a process group of its own.
 * Rejects when it cannot start, exits non-zero, or outlives `timeoutMs`: then the whole group is
 * killed with SIGKILL, so helpers it started (a `curl` under a shell script) go with it (issue 11:
 * 16 orphans in 8 s). The message carries the end of its stderr. The environment is the given
 * one, or the parent's, without `VITALS_*TOKEN*`-like secrets.
 * @example await runCommand({ path: '/usr/local/bin/page-oncall', args: ['--team', 'ops'] }, event)
 */
export function runCommand(target: CommandTarget, event: AlertEvent): Promise<void> {
  const timeoutMs = target.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(target.path, [...(target.args ?? [])], {
      stdio: ['pipe', 'ignore', 'pipe'],
      shell: false,
      detached: true, // a new process group, killed as one at the time-out
      env: commandEnv(target.env),
    });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    timer.unref();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-500)));
    // EPIPE when the program exits without reading stdin is not a failure of its own.
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(event) + '\n');
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`alert command ${target.path} could not start: ${error.message}`));
    });
    // 'exit', not 'close': a helper that left the group (setsid) may hold stderr open for ever.
    // What it wrote by the exit (or within 100 ms after) is kept for the message.
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (child.stderr.readableEnded) settle(code, signal);
      else {
        const grace = setTimeout(() => {
          child.stderr.destroy();
          settle(code, signal);
        }, 100);
        child.stderr.once('end', () => {
          clearTimeout(grace);
          settle(code, signal);
        });
      }
    });
    let settled = false;
    const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      if (timedOut) reject(new Error(`alert command ${target.path} killed after ${timeoutMs} ms`));
      else if (code === 0) resolve();
      else
        reject(
          new Error(
            `alert command ${target.path} exited with ${code ?? signal}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`,
          ),
        );
    };
  });
}
