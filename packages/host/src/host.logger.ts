import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger, LogFn, LogLevel } from '@vitals/core';

/** How log lines look: pino JSON, or one readable line each; `auto` is readable on a terminal. */
export type LogFormat = 'json' | 'pretty' | 'auto';

const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty', 'auto'];

/** `VITALS_LOG_FORMAT`: unset or empty is `auto`; anything else must be one of LOG_FORMATS. */
export function parseLogFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined || value === '') return 'auto';
  return LOG_FORMATS.find((f) => f === value);
}

/** The one line that refuses a `VITALS_LOG_FORMAT`, or undefined when it is fine. */
export function logFormatProblem(value: string | undefined): string | undefined {
  return parseLogFormat(value) === undefined
    ? `VITALS_LOG_FORMAT ${JSON.stringify(value)} is not a log format; set json, pretty or auto, or unset it`
    : undefined;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** `12:03:04.512 INFO  vitals host running … plugins=["monitor"]` from one pino JSON line. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(Number(entry['time'])).toISOString().slice(11, 23);
  const extras = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => {
      const err = v as { message?: string } | undefined;
      return `${k}=${k === 'err' && err?.message ? JSON.stringify(err.message) : JSON.stringify(v)}`;
    });
  const level = LEVEL_NAMES[Number(entry['level'])] ?? String(entry['level']);
  return [time, level, String(entry['msg'] ?? ''), ...extras].join(' ').trimEnd() + '\n';
}

/** A stream that turns pino's JSON lines into readable ones on the way to `fd`. */
function prettyStream(fd: 1 | 2): Writable {
  const out = fd === 1 ? process.stdout : process.stderr;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) out.write(prettyLine(line));
      done();
    },
  });
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * A Logger that builds the real one (`make`) on its first call at or above `level` and hands it
 * every call from then on; calls below the level cost nothing and build nothing. Children are
 * lazy too: `child(bindings)` becomes the real logger's child when it first logs.
 * @example lazyLogger('warn', () => pino({ level: 'warn' })).info('never builds pino')
 */
export function lazyLogger(level: LogLevel, make: () => Logger): Logger {
  let real: Logger | undefined;
  const root = () => (real ??= make());
  const build = (resolve: () => Logger): Logger => {
    let own: Logger | undefined;
    const get = () => (own ??= resolve());
    const logger = {} as Logger;
    const min = LEVELS.indexOf(level);
    LEVELS.forEach((name, i) => {
      logger[name] = (
        i < min ? () => undefined : (...args: Parameters<LogFn>) => get()[name](...args)
      ) as LogFn;
    });
    logger.child = (bindings) => build(() => get().child(bindings));
    return logger;
  };
  return build(root);
}

/**
 * The host's pino logger: to stdout for `vitals start` (the service's log) and to stderr for every
 * other command (so `--json` output on stdout stays clean). JSON lines for log collectors; one
 * readable line each on a terminal (`VITALS_LOG_FORMAT=json|pretty` forces either). The pino
 * instance is built with the first line that passes the level; the module itself is loaded with
 * this one, because that first line may come when the process is out of file descriptors (EMFILE)
 * and `require()` must open files (faults e2e: a lazily required pino killed the supervisor).
 */
export function createLogger(options: {
  level: LogLevel;
  stream: 'stdout' | 'stderr';
  format?: LogFormat;
}): Logger {
  const fd = options.stream === 'stdout' ? 1 : 2;
  const tty = (fd === 1 ? process.stdout : process.stderr).isTTY === true;
  const pretty = options.format === 'pretty' || ((options.format ?? 'auto') === 'auto' && tty);
  // The pid of the process that logs, taken now: a line is about the process that made it.
  const base = { pid: process.pid, name: 'vitals' };
  return lazyLogger(
    options.level,
    () =>
      pino(
        { level: options.level, base },
        pretty ? prettyStream(fd) : pino.destination({ fd, sync: true }),
      ) as unknown as Logger,
  );
}
