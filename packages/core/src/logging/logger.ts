/** A pino-style log call: `log('msg')`, `log({ ctx }, 'msg')`. */
export interface LogFn {
  (msg: string, ...args: unknown[]): void;
  (obj: object, msg?: string, ...args: unknown[]): void;
}

/** The logging interface of Vitals, compatible with pino's `Logger`. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** Levels, lowest first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** One captured log line of a {@link MemoryLogger}. */
export interface LogEntry {
  level: LogLevel;
  msg: string;
  bindings: Record<string, unknown>;
  data: Record<string, unknown>;
}

/** A logger that keeps what it is told, for tests. */
export interface MemoryLogger extends Logger {
  readonly entries: LogEntry[];
}

function makeLogger(sink: (entry: LogEntry) => void, bindings: Record<string, unknown>): Logger {
  const logger = {} as Logger;
  for (const level of LEVELS) {
    logger[level] = ((objOrMsg: unknown, maybeMsg?: unknown) => {
      if (typeof objOrMsg === 'string') {
        sink({ level, msg: objOrMsg, bindings, data: {} });
      } else {
        const data =
          objOrMsg instanceof Error
            ? { err: objOrMsg }
            : ((objOrMsg ?? {}) as Record<string, unknown>);
        sink({ level, msg: typeof maybeMsg === 'string' ? maybeMsg : '', bindings, data });
      }
    }) as LogFn;
  }
  logger.child = (more) => makeLogger(sink, { ...bindings, ...more });
  return logger;
}

/** A logger that drops everything. */
export function createNoopLogger(): Logger {
  return makeLogger(() => undefined, {});
}

/**
 * A logger that records entries in memory (children share the record).
 * @example const log = createMemoryLogger(); ...; expect(log.entries.some(e => e.level === 'warn')).toBe(true)
 */
export function createMemoryLogger(): MemoryLogger {
  const entries: LogEntry[] = [];
  const logger = makeLogger((entry) => entries.push(entry), {}) as MemoryLogger;
  Object.defineProperty(logger, 'entries', { value: entries });
  return logger;
}
