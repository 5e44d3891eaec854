import type { Clock, HostHandle, LoadedConfig, Logger, Plugin } from '@vitals/core';
import type { DependencyContainer } from 'tsyringe';
import type { Readiness } from './readiness';

/** Exit codes of a bootstrapped process (sysexits.h where one fits). */
export const EXIT_CODES = {
  /** Clean shutdown (a signal, or `shutdown()`). */
  ok: 0,
  /** `main` threw, an uncaught error, or shutdown steps failed or timed out. */
  failure: 1,
  /** Another instance holds the lock (EX_TEMPFAIL). */
  locked: 75,
  /** Invalid configuration, or a critical pre-start finding (EX_CONFIG). */
  config: 78,
} as const;

/** The parts of `process` that bootstrap uses; tests pass a fake. */
export interface BootstrapProcess {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  exit(code: number): void;
  readonly pid: number;
  /** `process.argv`: `argv[1]`, the main script, names the service by default. */
  readonly argv?: readonly string[];
}

/** Options of `bootstrap()`. */
export interface BootstrapOptions {
  /**
   * Service name for the lock and the logs. @default the main script's file name (`server` for
   * `node dist/server.js`), as `vitals run` does; `'app'` when there is none
   */
  readonly name?: string;
  /** Plugins of the host; `startupPlugin()` is added when missing. @default [] */
  readonly plugins?: readonly Plugin<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Raw config or what `loadConfig()` returned. @default {} */
  readonly config?: Record<string, unknown> | LoadedConfig;
  /** @default a logger that drops everything (pass pino) */
  readonly logger?: Logger;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Start despite a critical pre-start finding. @default false */
  readonly force?: boolean;
  /** Take the single-instance lock (when @vitals/process is installed). @default true */
  readonly lock?: boolean;
  /** @default the lock service's default */
  readonly lockDir?: string;
  /** What an uncaught exception does after it is logged. @default 'exit' */
  readonly onUncaughtException?: 'exit' | 'keep-running';
  /** What an unhandled rejection does after it is logged. @default 'exit' */
  readonly onUnhandledRejection?: 'exit' | 'keep-running';
  /** Called on SIGHUP (reload your configuration). @default logs that nothing reloads */
  readonly reload?: (ctx: BootstrapContext) => void | Promise<void>;
  /** Run the memory plugin's emergency cleanup after the hooks. @default true */
  readonly cleanupOnExit?: boolean;
  /** Exit anyway this long after shutdown began, ms. @default 2 × config stopTimeoutMs + 1000 */
  readonly exitDeadlineMs?: number;
  /** @default the real `process` */
  readonly process?: BootstrapProcess;
}

/** What `main` receives. */
export interface BootstrapContext {
  readonly host: HostHandle;
  readonly container: DependencyContainer;
  readonly logger: Logger;
  readonly readiness: Readiness;
  /** Aborted when shutdown begins: stop taking work. */
  readonly signal: AbortSignal;
  /** Shuts down and exits with `code`. */
  shutdown(reason?: string, code?: number): Promise<number>;
}

/** What `bootstrap()` resolves with. */
export interface Bootstrapped {
  /** Undefined when the host could not even be built (bad config). */
  readonly host: HostHandle | undefined;
  /** Shuts down and exits with `code`; idempotent. */
  shutdown(reason?: string, code?: number): Promise<number>;
  /** Resolves with the code handed to `exit`. */
  readonly exited: Promise<number>;
}
