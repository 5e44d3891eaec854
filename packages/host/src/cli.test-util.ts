import { PassThrough } from 'node:stream';
import { main } from './cli';

/**
 * Runs the CLI's `main` in this process with captured stdout and stderr, in `cwd` with `env`
 * (nothing of this process's environment unless passed). Resolves to the exit code and output.
 */
export async function runCli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd,
    stopSignal: new AbortController().signal,
  });
  return { code, out, err };
}
