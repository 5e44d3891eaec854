import { constants } from 'node:os';
import type { HostHandle, InstanceLock, Logger, MemoryCleanupService } from '@vitals/core';
import {
  DIAGNOSTICS,
  INSTANCE_LOCK,
  MEMORY_CLEANUP,
  createHost,
  createNoopLogger,
  describeError,
  isVitalsError,
  systemClock,
  withDeadline,
} from '@vitals/core';
import { EXIT_CODES } from './bootstrap.options';
import { defaultServiceName } from './child.command';
import { resolveOptional } from './container.util';
import type {
  BootstrapContext,
  BootstrapOptions,
  BootstrapProcess,
  Bootstrapped,
} from './bootstrap.options';
import { Readiness } from './readiness';
import { startupError } from './startup.errors';
import { startupPlugin } from './startup.plugin';
import { FINAL_STEPS, READINESS } from './startup.tokens';

export { EXIT_CODES };
export type { BootstrapContext, BootstrapOptions, BootstrapProcess, Bootstrapped };

const signalCode = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 0);

/**
 * Starts a service the right way, in process: builds a host with `options.plugins` (plus
 * `startupPlugin()`), takes the single-instance lock, installs handlers for SIGINT, SIGTERM, SIGHUP
 * (reload), `uncaughtException` and `unhandledRejection`, starts the host, runs the pre-start
 * diagnostics (refusing on a critical finding unless `force`), runs `main`, and marks the service
 * ready. On shutdown: not-ready at once, every ShutdownHook in order within one deadline (a hung
 * hook is abandoned and named), plugins stopped, emergency memory cleanup, lock released, handlers
 * removed, then `exit(code)` (see {@link EXIT_CODES}). A second signal exits at once. Never rejects:
 * failures are logged in one line and become the exit code.
 * @example
 * bootstrap(async ({ container }) => { await startServer(); }, {
 *   name: 'api', plugins: [memoryPlugin(), diagnosticsPlugin(), processPlugin()], logger: pino(),
 * });
 */
export async function bootstrap(
  main: (ctx: BootstrapContext) => void | Promise<void>,
  options: BootstrapOptions = {},
): Promise<Bootstrapped> {
  const proc: BootstrapProcess = options.process ?? (process as unknown as BootstrapProcess);
  const logger: Logger = options.logger ?? createNoopLogger();
  const clock = options.clock ?? systemClock;
  const script = proc.argv?.[1];
  const name = options.name ?? (script ? defaultServiceName(script, []) : 'app');
  let resolveExited!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExited = resolve));
  let exitedOnce = false;
  const exit = (code: number) => {
    if (exitedOnce) return;
    exitedOnce = true;
    resolveExited(code);
    proc.exit(code);
  };

  let host: HostHandle;
  try {
    const plugins = options.plugins ?? [];
    host = createHost({
      plugins: plugins.some((p) => p.name === 'startup') ? plugins : [...plugins, startupPlugin()],
      config: options.config,
      logger,
      clock,
    });
  } catch (error) {
    logger.fatal({ err: error }, `${name} cannot start: ${describeError(error)}`);
    exit(EXIT_CODES.config);
    return { host: undefined, shutdown: () => exited, exited };
  }

  const { container } = host;
  const readiness = resolveOptional(container, READINESS) ?? new Readiness();
  const cleanup =
    options.cleanupOnExit === false
      ? undefined
      : resolveOptional<MemoryCleanupService>(container, MEMORY_CLEANUP);
  if (cleanup) {
    // Emergency cleanup runs when the startup plugin stops: after every shutdown hook (even one
    // abandoned at the deadline), while the memory plugin and the container still run. Run after
    // host.stop(), it failed with "container has been disposed" on every shutdown (issue 11).
    const step = async () => {
      const cleaned = await withDeadline(
        () => cleanup.emergencyCleanup(),
        2000,
        'emergency cleanup',
        clock,
      );
      if (!cleaned.ok) logger.warn({ err: cleaned.error }, 'emergency cleanup failed');
    };
    resolveOptional(container, FINAL_STEPS)?.add('emergency cleanup', step);
  }
  const abort = new AbortController();
  const handlers: [string, (...args: unknown[]) => void][] = [];
  let lock: InstanceLock | undefined;
  let shuttingDown: Promise<number> | undefined;

  const removeHandlers = () => {
    for (const [event, fn] of handlers) proc.off(event, fn);
    handlers.length = 0;
  };

  const shutdown = (reason = 'shutdown', code: number = EXIT_CODES.ok): Promise<number> => {
    shuttingDown ??= (async () => {
      readiness.markStopping();
      abort.abort(reason);
      logger.info({ reason }, `${name} shutting down`);
      const deadlineMs = options.exitDeadlineMs ?? host.config.stopTimeoutMs * 2 + 1000;
      const stopped = await withDeadline(() => host.stop(reason), deadlineMs, 'host stop', clock);
      let finalCode = code;
      if (!stopped.ok) {
        logger.error(
          { err: stopped.error },
          `${name} did not stop within ${deadlineMs} ms: exiting anyway`,
        );
        finalCode = finalCode || EXIT_CODES.failure;
      } else if (stopped.value.failures.length > 0) {
        const steps = stopped.value.failures.map((f) => `${f.step} (${f.message})`).join(', ');
        logger.error({ failures: stopped.value.failures }, `${name} shutdown incomplete: ${steps}`);
        finalCode = finalCode || EXIT_CODES.failure;
      }
      try {
        lock?.release();
      } catch (error) {
        logger.warn({ err: error }, 'could not release the instance lock');
      }
      removeHandlers();
      logger.info({ code: finalCode }, `${name} stopped`);
      exit(finalCode);
      return finalCode;
    })();
    return shuttingDown;
  };

  const ctx: BootstrapContext = {
    host,
    container,
    logger,
    readiness,
    signal: abort.signal,
    shutdown,
  };
  const on = (event: string, fn: (...args: unknown[]) => void) => {
    handlers.push([event, fn]);
    proc.on(event, fn);
  };
  const onStopSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, `${signal} again during shutdown: exiting now`);
      removeHandlers();
      exit(signalCode(signal));
      return;
    }
    void shutdown(signal, EXIT_CODES.ok);
  };
  const onFatal =
    (kind: 'uncaughtException' | 'unhandledRejection', policy: 'exit' | 'keep-running') =>
    (error: unknown) => {
      logger.fatal({ err: error, kind, state: host.state }, `${kind}: ${describeError(error)}`);
      if (policy === 'exit') void shutdown(kind, EXIT_CODES.failure);
    };

  // 1. The lock first: a second instance must not bind ports or run hooks.
  const lockService =
    options.lock === false ? undefined : resolveOptional(container, INSTANCE_LOCK);
  if (!lockService && options.lock !== false)
    logger.info('no single-instance lock: @vitals/process is not installed');
  try {
    lock = lockService?.acquire(name, { dir: options.lockDir });
  } catch (error) {
    logger.fatal({ err: error }, `${name} not started: ${describeError(error)}`);
    await host.stop('lock refused');
    exit(isVitalsError(error, 'ERR_INSTANCE_LOCKED') ? EXIT_CODES.locked : EXIT_CODES.failure);
    return { host, shutdown: () => exited, exited };
  }

  // 2. Handlers: this is the process's entry point.
  on('SIGINT', () => onStopSignal('SIGINT'));
  on('SIGTERM', () => onStopSignal('SIGTERM'));
  on('SIGHUP', () => {
    if (!options.reload) return logger.info('SIGHUP: no reload handler configured');
    logger.info('SIGHUP: reloading');
    Promise.resolve()
      .then(() => options.reload?.(ctx))
      .catch((error: unknown) =>
        logger.error({ err: error }, `reload failed: ${describeError(error)}`),
      );
  });
  on('uncaughtException', onFatal('uncaughtException', options.onUncaughtException ?? 'exit'));
  on('unhandledRejection', onFatal('unhandledRejection', options.onUnhandledRejection ?? 'exit'));

  readiness.hold('bootstrap');
  const step = async (
    what: string,
    code: number,
    fn: () => Promise<void> | void,
  ): Promise<boolean> => {
    if (shuttingDown) return false;
    try {
      await fn();
      return true;
    } catch (error) {
      logger.fatal({ err: error }, `${name} ${what} failed: ${describeError(error)}`);
      void shutdown(`${what} failed`, code);
      return false;
    }
  };

  // 3. Host, pre-start checks, main; then ready.
  const ok =
    (await step('start', EXIT_CODES.failure, () => host.start())) &&
    (await step('pre-start checks', EXIT_CODES.config, async () => {
      const diagnostics = resolveOptional(container, DIAGNOSTICS);
      if (!diagnostics)
        return logger.info('no pre-start checks: @vitals/diagnostics is not installed');
      const report = await diagnostics.run();
      readiness.setPrestart(report.findings, !options.force);
      const critical = report.findings
        .filter((f) => f.severity === 'critical')
        .map((f) => f.message);
      if (critical.length === 0) return;
      if (!options.force) throw startupError.precheck(critical);
      logger.warn(
        { findings: critical },
        `starting despite ${critical.length} critical finding(s) (force)`,
      );
    })) &&
    (await step('main', EXIT_CODES.failure, () => main(ctx)));
  if (ok && !shuttingDown) {
    readiness.release('bootstrap');
    logger.info({ pid: proc.pid }, `${name} ready`);
  }
  return { host, shutdown, exited };
}
