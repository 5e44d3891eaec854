import { constants } from 'node:os';
import { basename, extname } from 'node:path';
import { readProcStatus } from '@vitals/core';

const SCRIPT = /\.(c|m)?js$/;
const NODE_BINARY = /^node(js)?(-?\d+(\.\d+)*)?(\.exe)?$/;

/** The program to spawn, and whether it is Node (so the agent can be loaded). */
export interface ChildCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly isNode: boolean;
}

/**
 * Resolves what to spawn: a `.js` file runs under `nodePath`; `node`, `nodejs`, `node20` or
 * `nodePath` itself are Node; anything else (a shell script, Python, a binary) runs as is.
 * @example resolveChildCommand('app.js', ['--port', '80'], process.execPath) // { command: execPath, args: ['app.js', '--port', '80'], isNode: true }
 */
export function resolveChildCommand(
  command: string,
  args: readonly string[],
  nodePath: string,
): ChildCommand {
  if (SCRIPT.test(command)) return { command: nodePath, args: [command, ...args], isNode: true };
  const isNode = command === nodePath || NODE_BINARY.test(basename(command));
  return { command, args, isNode };
}

/**
 * The default service name: the script's file name without extension (`app` for `node app.js`,
 * `server` for `node --inspect dist/server.mjs`), else the program's name; characters a lock
 * name cannot hold become `-` (`my app.js` → `my-app`).
 * @example defaultServiceName('node', ['dist/api.js']) // 'api'
 */
export function defaultServiceName(command: string, args: readonly string[]): string {
  const script = args.find((a) => !a.startsWith('-') && /\.(c|m)?[jt]s$/.test(a));
  const file = script ?? (SCRIPT.test(command) ? command : basename(command));
  // A lock and a label take letters, digits and . _ @ - only: `my app.js` runs as `my-app`.
  const name = basename(file, extname(file))
    .replace(/[^\w.@-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 100);
  return name || 'service';
}

/** RSS of a process from `/proc/<pid>/status` (`VmRSS`), bytes; `undefined` when unreadable. */
export function readRssFromProc(pid: number): number | undefined {
  const vmRss = readProcStatus(pid)?.VmRSS;
  const kb = vmRss ? Number.parseInt(vmRss, 10) : Number.NaN;
  return Number.isFinite(kb) ? kb * 1024 : undefined;
}

/**
 * Exit code of a process: its code, or 128 + the signal's number (the shell's convention).
 * @example exitCodeOf(null, 'SIGTERM') // 143
 */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}
