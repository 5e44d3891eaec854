import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { VitalsError, escapeControl, parseCountInRange, parseDurationInRange } from '@vitals/core';
import type { UnitRange } from '@vitals/core';
import type { CliContext, Clock } from '@vitals/core';
import { processErrors } from '../process.errors';
import type { ProcessConfig } from '../process.options';
import { readProcessTable } from '../table/process.table';
import type { ProcessInfo } from '../table/process.table';

/** What the process commands need besides their `CliContext`. */
export interface CommandDeps {
  readonly config: ProcessConfig;
  readonly clock: Clock;
  /** Where the y/N answer is read from. @default process.stdin */
  readonly stdin?: Readable & { isTTY?: boolean };
  /** @default '/proc' */
  readonly procRoot?: string;
  /** Stands in for /run/systemd/system (tests). @default '/run/systemd/system' */
  readonly systemdRunDir?: string;
}

/** A boolean option. */
export function flag(ctx: CliContext, name: string): boolean {
  return ctx.options[name] === true;
}

/** A string option (the last one when repeated). */
export function text(ctx: CliContext, name: string): string | undefined {
  const value = ctx.options[name];
  if (Array.isArray(value))
    return text({ ...ctx, options: { [name]: value[value.length - 1] } }, name);
  return typeof value === 'string' ? value : undefined;
}

/**
 * A duration flag (`--grace 5s`) within `range`; undefined when not given. A bad or out-of-range
 * value is a usage error (exit 64) naming the flag and the range.
 */
export function durationFlag(ctx: CliContext, name: string, range: UnitRange): number | undefined {
  const value = text(ctx, name);
  if (value === undefined) return undefined;
  try {
    return parseDurationInRange(value, range, `--${name}`);
  } catch (error) {
    throw usage((error as Error).message.replace(/^invalid duration/, `invalid --${name}`));
  }
}

/** Largest pid Linux hands out (`/proc/sys/kernel/pid_max` at most 2^22). */
export const PID_MAX = 4_194_304;

/** A pid given by the user: a whole number 1–2^22, else a usage error. */
export function pidValue(value: string, what: string): number {
  try {
    return parseCountInRange(value, { min: 1, max: PID_MAX }, what);
  } catch (error) {
    throw usage((error as Error).message);
  }
}

/** A usage error: the CLI prints the one-line message. */
export function usage(message: string): VitalsError {
  return new VitalsError('ERR_USAGE', message);
}

/**
 * Writes one line (or a block of lines built here). Control characters other than the newline
 * are escaped on the way out (`escapeControl`), so no outside text (a command line, a path, a
 * systemctl message) can move the cursor or clear the terminal; text that could hold a newline
 * of its own is escaped where it is put in a line, or goes through `renderTable`.
 */
export function say(ctx: CliContext, line = ''): void {
  ctx.stdout.write(`${escapeControl(line, { keepNewlines: true })}\n`);
}

/**
 * The process table for a command. Where there is no `/proc` (macOS, Windows) an empty table
 * would read as "nothing running": `ERR_PROCFS_UNAVAILABLE` says so instead.
 */
export function commandTable(deps: CommandDeps): ProcessInfo[] {
  const procRoot = deps.procRoot ?? '/proc';
  const table = readProcessTable({ procRoot });
  if (table.length === 0 && !existsSync(join(procRoot, 'self'))) throw processErrors.noProcfs();
  return table;
}
