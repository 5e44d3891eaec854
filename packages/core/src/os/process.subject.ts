import { basename } from 'node:path';
import { escapeControl } from '../util/escape-control';
import { DEFAULT_PROC_ROOT, readCmdline, readProcStat } from './procfs';

/** Longest command a subject shows; the full command line is for the places that need it. */
const MAX_COMMAND = 40;

/**
 * Whose figure a line shows, for people: `pid 1234 (node bot.js)` — the program's base name and
 * its arguments from `/proc/<pid>/cmdline` (else `comm` of `/proc/<pid>/stat`, else the pid
 * alone), shortened to 40 characters, control characters escaped (outside text reaches a
 * terminal). Never throws for a process that is gone.
 * @param root - the proc mount. @default '/proc'
 * @example processSubject(1234) // 'pid 1234 (node bot.js)'
 */
export function processSubject(pid: number, root = DEFAULT_PROC_ROOT): string {
  const args = readCmdline(pid, root) ?? [];
  let command =
    args.length > 0 && args[0] !== ''
      ? [basename(args[0]), ...args.slice(1)].join(' ')
      : (readProcStat(pid, root)?.comm ?? '');
  if (command.length > MAX_COMMAND) command = `${command.slice(0, MAX_COMMAND - 1)}…`;
  command = escapeControl(command);
  return command ? `pid ${pid} (${command})` : `pid ${pid}`;
}
