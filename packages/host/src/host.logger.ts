import pino from 'pino';
import type { Logger } from '@vitals/core';

/**
 * The host's pino logger: JSON lines, to stdout for `vitals start` (the service's log) and to
 * stderr for every other command (so `--json` output on stdout stays clean).
 */
export function createLogger(options: { level: string; stream: 'stdout' | 'stderr' }): Logger {
  return pino(
    { level: options.level, base: { pid: process.pid, name: 'vitals' } },
    pino.destination({ fd: options.stream === 'stdout' ? 1 : 2, sync: true }),
  ) as unknown as Logger;
}
