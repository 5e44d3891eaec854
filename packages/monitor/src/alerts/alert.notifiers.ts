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
  /** Killed with SIGKILL after this long. @default 10000 */
  readonly timeoutMs?: number;
  /** Environment of the program. @default the parent's */
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
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`webhook ${target.url} answered ${res.status}`);
}

/**
 * Runs a program with the alert as JSON on stdin (no shell). Rejects when it cannot start, exits
 * non-zero, or outlives `timeoutMs` (it is then killed); the message carries the end of its stderr.
 * @example await runCommand({ path: '/usr/local/bin/page-oncall', args: ['--team', 'ops'] }, event)
 */
export function runCommand(target: CommandTarget, event: AlertEvent): Promise<void> {
  const timeoutMs = target.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(target.path, [...(target.args ?? [])], {
      stdio: ['pipe', 'ignore', 'pipe'],
      shell: false,
      env: target.env as NodeJS.ProcessEnv | undefined,
    });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
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
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`alert command ${target.path} killed after ${timeoutMs} ms`));
      else if (code === 0) resolve();
      else
        reject(
          new Error(
            `alert command ${target.path} exited with ${code ?? signal}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`,
          ),
        );
    });
  });
}
