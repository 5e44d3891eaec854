import {
  closeSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  readlinkSync,
  statSync,
} from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  escapeControl,
  formatBytes,
  parseDurationInRange,
  processExists,
  readCmdline,
} from '@vitals/core';
import type { CliCommand, CliContext } from '@vitals/core';
import { memoryError } from '../memory.errors';

/** How the target process asks for snapshots: its `--heapsnapshot-signal` and where files land. */
export interface SnapshotSignalSetup {
  readonly signal: NodeJS.Signals;
  readonly dir: string;
}

/**
 * Reads `--heapsnapshot-signal` (and `--diagnostic-dir`) from a process's command line and
 * NODE_OPTIONS in /proc. Undefined when the process did not ask for snapshots by signal — then no
 * signal may be sent: SIGUSR2's default action would kill it.
 */
export function readSnapshotSignal(
  pid: number,
  procRoot = '/proc',
): SnapshotSignalSetup | undefined {
  const args = [...(readCmdline(pid, procRoot) ?? [])];
  try {
    const environ = readFileSync(join(procRoot, String(pid), 'environ'), 'utf8').split('\0');
    const options = environ
      .find((e) => e.startsWith('NODE_OPTIONS='))
      ?.slice('NODE_OPTIONS='.length);
    if (options) args.push(...options.split(/\s+/));
  } catch {
    // environ unreadable (another user): the command line alone decides.
  }
  const value = (flag: string): string | undefined => {
    for (let i = 0; i < args.length; i++) {
      if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
      if (args[i] === flag) return args[i + 1];
    }
    return undefined;
  };
  const signal = value('--heapsnapshot-signal');
  if (!signal) return undefined;
  const cwd = readlinkSync(join(procRoot, String(pid), 'cwd'));
  const dir = value('--diagnostic-dir');
  return {
    signal: signal as NodeJS.Signals,
    dir: dir === undefined ? cwd : isAbsolute(dir) ? dir : join(cwd, dir),
  };
}

/** True when the last bytes of the file close the JSON (reads 64 bytes, not the file). */
function endsWithBrace(path: string, size: number): boolean {
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.alloc(Math.min(64, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.toString('utf8').trimEnd().endsWith('}');
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `vitals heap snapshot --pid N`: makes a running Node process (a Vitals host or any other) write a
 * heap snapshot through its own `--heapsnapshot-signal`, waits until the file is complete and
 * prints its path. Refuses a process that was not started with that flag.
 */
export const heapSnapshotCommand: CliCommand = {
  name: 'heap snapshot',
  summary:
    'Make a running Node process write a heap snapshot (it must run with --heapsnapshot-signal)',
  usage: '--pid N [--timeout 60s]',
  options: {
    pid: { type: 'string', description: 'Process to snapshot', valueName: 'N' },
    timeout: {
      type: 'string',
      description: 'How long to wait for the file (default 60s)',
      valueName: 'DURATION',
    },
  },
  async run(ctx: CliContext): Promise<number> {
    const pid = Number(ctx.options.pid);
    if (!Number.isInteger(pid) || pid <= 0)
      throw memoryError(
        'ERR_USAGE',
        'heap snapshot needs --pid N (a process id), e.g. vitals heap snapshot --pid 4242',
      );
    // Checked before any signal is sent: a bad value is a usage error (exit 64), not a failed wait.
    let timeoutMs: number;
    try {
      timeoutMs = parseDurationInRange(
        typeof ctx.options.timeout === 'string' ? ctx.options.timeout : '60s',
        { min: '1s', max: '1h' },
        '--timeout',
      );
    } catch (error) {
      throw memoryError('ERR_USAGE', (error as Error).message, error);
    }
    if (!processExists(pid))
      throw memoryError(
        'ERR_SNAPSHOT_NO_PROCESS',
        `no process ${pid} is running (vitals ps lists processes)`,
      );
    let setup: SnapshotSignalSetup | undefined;
    try {
      setup = readSnapshotSignal(pid);
    } catch (error) {
      throw memoryError(
        'ERR_SNAPSHOT_SIGNAL',
        `cannot inspect process ${pid}: ${(error as Error).message}`,
        error,
      );
    }
    if (!setup) {
      throw memoryError(
        'ERR_SNAPSHOT_SIGNAL',
        `process ${pid} was not started with --heapsnapshot-signal; restart it with NODE_OPTIONS="--heapsnapshot-signal=SIGUSR2" (no signal sent: its default action would kill it)`,
      );
    }
    const pattern = new RegExp(`^Heap\\..*\\.${pid}\\..*\\.heapsnapshot$`);
    const list = (): string[] => readdirSync(setup.dir).filter((f) => pattern.test(f));
    const before = new Set(list());
    process.kill(pid, setup.signal);
    const deadline = Date.now() + timeoutMs;
    let lastSize = -1;
    while (Date.now() < deadline && !ctx.stopSignal.aborted) {
      await sleep(200);
      const fresh = list().find((f) => !before.has(f));
      if (!fresh) continue;
      const path = join(setup.dir, fresh);
      const size = statSync(path).size;
      // V8 streams the file: done once its size stops changing and it ends with the JSON's close.
      if (size > 0 && size === lastSize && endsWithBrace(path, size)) {
        // The folder and the name come from the target (its --diagnostic-dir, V8's file name).
        ctx.stdout.write(`${escapeControl(path)} (${formatBytes(size)})\n`);
        return 0;
      }
      lastSize = size;
    }
    throw memoryError(
      'ERR_SNAPSHOT_FAILED',
      `process ${pid} wrote no complete snapshot in ${escapeControl(setup.dir)} within ${timeoutMs} ms (--timeout)`,
    );
  },
};
