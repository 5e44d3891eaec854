import { PassThrough } from 'node:stream';
import type { CliContext, HostHandle, VitalsConfig } from '@vitals/core';
import { processConfigSchema } from '../process.options';
import type { ProcessConfig, ProcessOptions } from '../process.options';

/** A fake `CliContext` whose stdout is captured; `tty` makes stdin and stdout look like terminals. */
export function fakeCli(
  options: CliContext['options'],
  extra: { positionals?: string[]; env?: Record<string, string>; cwd?: string; tty?: boolean } = {},
): { ctx: CliContext; output: () => string } {
  const stdout = Object.assign(new PassThrough(), {
    isTTY: extra.tty ?? false,
    columns: undefined,
  });
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const ctx: CliContext = {
    options,
    positionals: extra.positionals ?? [],
    rest: [],
    host: {} as HostHandle,
    config: {} as VitalsConfig,
    stdout,
    stderr: new PassThrough(),
    env: extra.env ?? {},
    cwd: extra.cwd ?? '/',
    stopSignal: new AbortController().signal,
  };
  return { ctx, output: () => text };
}

/** The plugin config with defaults, as the host would validate it. */
export function processConfig(input: ProcessOptions = {}): ProcessConfig {
  return processConfigSchema.parse(input);
}
