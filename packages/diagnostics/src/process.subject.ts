import { basename } from 'node:path';
import { escapeControl, readCmdline, readProcStat } from '@vitals/core';

/** Longest command shown in a subject; the full command line is in the process finding. */
const MAX_COMMAND = 40;

/**
 * Whose figure a finding shows, for people: `pid 1234 (node bot.js)` — the program's base name
 * and its arguments from `/proc/<pid>/cmdline` (else `comm` of `/proc/<pid>/stat`), shortened to
 * 40 characters and with control characters escaped (outside text reaches the terminal).
 * @example processSubject(1234, '/proc') // 'pid 1234 (node bot.js)'
 */
export function processSubject(pid: number, procRoot: string): string {
  const args = readCmdline(pid, procRoot) ?? [];
  let command =
    args.length > 0 && args[0] !== ''
      ? [basename(args[0]), ...args.slice(1)].join(' ')
      : (readProcStat(pid, procRoot)?.comm ?? '');
  if (command.length > MAX_COMMAND) command = `${command.slice(0, MAX_COMMAND - 1)}…`;
  command = escapeControl(command);
  return command ? `pid ${pid} (${command})` : `pid ${pid}`;
}

/** The subject of machine-wide figures (memory, swap, load, CPU of the whole machine). */
export const MACHINE = 'machine';
