import type { DependencyContainer } from 'tsyringe';
import type { AlertEvent, CliCommand, CliContext } from '@vitals/core';
import {
  INSTANCE_LOCK,
  V8_TUNER,
  formatBytes,
  formatDuration,
  httpUrl,
  isVitalsError,
  readCgroupLimits,
} from '@vitals/core';
import { defaultHangTimeoutMs } from './child.runner';
import { resolveOptional } from './container.util';
import { mergeNodeOptions } from './node-options';
import { RotatingFileStream } from './rotating-file.stream';
import { RUN_OPTIONS, runConfig } from './run.options';
import type { SupervisorRegistry } from './service.registry';
import { startupError } from './startup.errors';
import type { StartupConfig } from './startup.options';
import { Supervisor } from './supervisor';
import { READINESS } from './startup.tokens';
import { SystemdNotifier } from './systemd.notifier';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGUSR2'];
const STOPPING: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/** A stop signal repeated within this time is one request, not a second Ctrl-C. */
const REPEAT_MS = 500;
/** BSD `EX_USAGE`, as the host CLI exits on a usage error. */
const EXIT_USAGE = 64;

/** Flags that set V8's heap limit: only a real memory limit may set them (issue 10 item 9). */
const HEAP_LIMIT_FLAG = /^--max[-_]old[-_]space[-_]size\b/;

/**
 * The V8 flags for the child, and the lines that explain them. Without a container limit or
 * `--max-memory` V8's own heap limit is left alone: a limit derived from the machine's RAM lets a
 * leaking service take the whole machine down, and two services each think they own it.
 */
function tunedFlags(
  config: StartupConfig,
  container: DependencyContainer,
): { flags: readonly string[]; lines: string[] } {
  if (config.profile === 'none') return { flags: [], lines: ['V8 profile: none (no flags added)'] };
  const tuner = resolveOptional(container, V8_TUNER);
  if (!tuner)
    return { flags: [], lines: ['V8 profile: skipped (@vitals/memory is not installed)'] };
  const cgroup = readCgroupLimits().memoryLimitBytes;
  const limits = [cgroup, config.maxMemory].filter((n): n is number => n !== undefined);
  const memoryLimitBytes = limits.length > 0 ? Math.min(...limits) : undefined;
  const rec = tuner.recommendFlags(config.profile, { memoryLimitBytes });
  if (memoryLimitBytes === undefined) {
    const flags = rec.flags.filter((f) => !HEAP_LIMIT_FLAG.test(f));
    const reasons = rec.reasons.filter((r) => !/^old space/i.test(r));
    return {
      flags,
      lines: [
        `V8 profile ${rec.profile} (no memory limit): ${flags.join(' ') || 'no flags'}`,
        "  heap limit left at V8's default: no container memory limit and no --max-memory " +
          '(set --max-memory to size it from a real limit)',
        ...reasons.map((r) => `  ${r}`),
      ],
    };
  }
  const source =
    config.maxMemory !== undefined && memoryLimitBytes === config.maxMemory
      ? '--max-memory'
      : 'the container memory limit';
  return {
    flags: rec.flags,
    lines: [
      `V8 profile ${rec.profile} (memory limit ${formatBytes(memoryLimitBytes)} from ${source}): ${rec.flags.join(' ') || 'no flags'}`,
      ...rec.reasons.map((r) => `  ${r}`),
    ],
  };
}

/** One line per alert transition: `alert firing memory.leak.heap{service="api"}: …`. */
function alertLine(event: AlertEvent): string {
  const labels = Object.entries(event.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  // Labels and messages carry outside text (service names, paths): no control character reaches
  // a terminal (issue 11). Matching control characters is the point of this pattern.
  // eslint-disable-next-line no-control-regex
  const escape = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return escape(
    `alert ${event.state} ${event.ruleId}${labels ? `{${labels}}` : ''} (${event.severity}): ${event.message}`,
  );
}

function output(
  file: string | undefined,
  config: StartupConfig,
  warn: (line: string) => void,
): RotatingFileStream | undefined {
  return file
    ? new RotatingFileStream(file, {
        maxBytes: config.logMaxSize,
        maxFiles: config.logMaxFiles,
        onDegraded: (error) =>
          warn(
            `cannot write ${file} (${error.code ?? error.message}): dropping the child's output lines until it can; the service keeps running`,
          ),
      })
    : undefined;
}

/**
 * `vitals run [options] -- <command> [args]`: supervises a service. A thin shell over
 * {@link Supervisor}: it applies the flags over the `startup` config section, computes NODE_OPTIONS
 * from the memory plugin's V8 profile and the container's limit, starts the host (so the agent's
 * metrics reach the dashboard and /metrics), forwards signals and exits with the child's code.
 * @example vitals run --max-memory 512M --max-restarts 5 -- node dist/server.js
 */
export function createRunCommand(
  config: StartupConfig,
  container: DependencyContainer,
  registry?: SupervisorRegistry,
): CliCommand {
  return {
    name: 'run',
    summary: 'Run a service under supervision (restarts, memory ceiling, metrics, signals)',
    usage: '[options] -- <command> [args]',
    options: RUN_OPTIONS,
    positionals: true,
    async run(ctx: CliContext): Promise<number> {
      // The supervisor's own lines go to stderr: the child's stdout stays exactly the child's.
      const say = (line: string) => {
        try {
          ctx.stderr.write(`vitals run: ${line}\n`);
        } catch {
          // stderr closed: nothing else to tell
        }
      };
      const argv = ctx.rest.length > 0 ? ctx.rest : ctx.positionals;
      let cfg: StartupConfig;
      try {
        if (argv.length === 0) throw startupError.noCommand();
        cfg = runConfig(config, ctx.options);
      } catch (error) {
        if (!isVitalsError(error) || error.code !== 'ERR_USAGE') throw error;
        ctx.stderr.write(`vitals: ${error.message}\n`);
        return EXIT_USAGE;
      }
      const { flags, lines } = tunedFlags(cfg, container);
      const lock = resolveOptional(container, INSTANCE_LOCK);
      const { host } = ctx;
      let out: RotatingFileStream | undefined;
      let err: RotatingFileStream | undefined;
      let opening: [flag: string, file: string | undefined] = ['--log-file', cfg.logFile];
      try {
        out = output(cfg.logFile, cfg, say);
        opening = ['--error-file', cfg.errorFile];
        err = cfg.errorFile ? output(cfg.errorFile, cfg, say) : out;
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        const [flag, file] = opening;
        ctx.stderr.write(
          e.code === 'EUNTRUSTED'
            ? `vitals: ${flag}: ${e.message}; log to a folder only you or root can write\n`
            : `vitals: ${flag}: cannot open ${file} (${e.code ?? e.message}); choose a file you can write\n`,
        );
        out?.destroy();
        return EXIT_USAGE;
      }
      const token = (ctx.config.http as { token?: string } | undefined)?.token;
      const supervisor = new Supervisor(
        {
          command: argv[0],
          args: argv.slice(1),
          env: ctx.env,
          cwd: ctx.cwd,
          name: cfg.name,
          restart: cfg.restart,
          maxRestarts: cfg.maxRestarts,
          restartWindowMs: cfg.restartWindowMs,
          backoffInitialMs: cfg.backoffInitialMs,
          backoffMaxMs: cfg.backoffMaxMs,
          backoffResetMs: cfg.backoffResetMs,
          maxMemoryBytes: cfg.maxMemory,
          maxMemoryForMs: cfg.maxMemoryForMs,
          memoryCheckIntervalMs: cfg.memoryCheckIntervalMs,
          killTimeoutMs: cfg.killTimeoutMs,
          agent: cfg.agent,
          agentIntervalMs: cfg.agentIntervalMs,
          nodeOptions: flags,
          stdout: out,
          stderr: err,
          lockDir: cfg.lockDir,
          memoryScope: cfg.memoryScope,
          hangTimeoutMs: cfg.hangTimeoutMs,
          measureGcAfterMs: cfg.measureGcAfterMs,
          measureGcPauseRatio: cfg.measureGcPauseRatio,
          measureGcMaxHeapBytes: cfg.measureGcMaxHeap,
          snapshotMaxHeapBytes: cfg.snapshotMaxHeap,
          exitOnDisconnect: cfg.exitWithSupervisor,
          replace: ctx.options.replace === true,
          secrets: token ? [token] : [],
        },
        {
          stream: host.stream,
          logger: host.logger,
          clock: host.clock,
          lock,
          notifier: new SystemdNotifier({ env: ctx.env, logger: host.logger, clock: host.clock }),
        },
      );
      const hangTimeoutMs = cfg.hangTimeoutMs ?? defaultHangTimeoutMs(cfg.agentIntervalMs);
      const explain = () => {
        for (const line of lines) say(line);
        say(
          `child NODE_OPTIONS (yours win): ${mergeNodeOptions(flags, ctx.env.NODE_OPTIONS) || '(none)'}`,
        );
        if (!lock) say('no single-instance lock (@vitals/process is not installed)');
        if (cfg.maxMemory !== undefined)
          say(
            `restart when RSS${cfg.memoryScope === 'tree' ? ' of the process tree' : ''} stays over ${formatBytes(cfg.maxMemory)} for ${formatDuration(cfg.maxMemoryForMs)}`,
          );
        if (cfg.agent)
          say(
            hangTimeoutMs > 0
              ? `restart a Node child whose agent is silent for ${formatDuration(hangTimeoutMs)} (hung)`
              : 'hang detection off',
          );
        if (!host.plugins.includes('memory'))
          say('no leak detection (@vitals/memory is not installed or not in "plugins")');
      };

      // /health/ready answers for the child: ready while it runs (its agent said hello, for Node),
      // 503 between a crash and the restart, and from the first stop signal on.
      const readiness = resolveOptional(container, READINESS);
      readiness?.hold('child');
      supervisor.events$.subscribe((event) => {
        if (event.type === 'agent' || (event.type === 'spawn' && !event.agent))
          readiness?.release('child');
        else if (event.type === 'exit' || event.type === 'hang') readiness?.hold('child');
        if (event.type === 'hang')
          say(
            `${supervisor.name} (pid ${event.pid}) hung: no agent report for ${formatDuration(event.silentMs)}; restarting it`,
          );
      });
      // Every alert transition goes to the log (the memory plugin's leak alert per service among
      // them), whatever the log level.
      const alerts = host.alerts.alerts$.subscribe((event) => say(alertLine(event)));
      registry?.add(supervisor);
      const stop = (signal: NodeJS.Signals) => {
        readiness?.markStopping();
        return supervisor.stop(signal);
      };

      // An entry point: it may own the process's signals while the child runs. One Ctrl-C can
      // arrive twice (the terminal signals the whole foreground group, and `npm run`/`npx` forward
      // it again): a repeat within REPEAT_MS is the same request; a later one kills at once.
      let firstStopAt: number | undefined;
      const onStop = (signal: NodeJS.Signals) => {
        const now = host.clock.now();
        if (firstStopAt === undefined) {
          firstStopAt = now;
          say(`${signal}: stopping ${supervisor.name}`);
          void stop(signal);
        } else if (now - firstStopAt >= REPEAT_MS) {
          say(`${signal} again: killing ${supervisor.name}`);
          void supervisor.kill();
        }
      };
      const onForward = (signal: NodeJS.Signals) => supervisor.forward(signal);
      // The host CLI aborts stopSignal on SIGINT/SIGTERM before onStop runs: pass the same signal on.
      const onAbort = () => {
        const reason: unknown = ctx.stopSignal.reason;
        void stop(STOPPING.find((s) => s === reason) ?? 'SIGTERM');
      };
      for (const s of STOPPING) process.on(s, onStop);
      for (const s of FORWARDED) process.on(s, onForward);
      ctx.stopSignal.addEventListener('abort', onAbort, { once: true });
      try {
        // The lock first: a second run must refuse before it binds any port; then the host (a busy
        // port is an error before any child starts); then the child.
        supervisor.acquireLock();
        explain();
        if (ctx.stopSignal.aborted) onAbort(); // stopped while loading: start nothing
        await host.start().catch(async (error: unknown) => {
          await stop('SIGTERM');
          throw error;
        });
        const address = host.httpAddress();
        if (address) say(`HTTP server on ${httpUrl(address)}`);
        await supervisor.start();
        if (supervisor.pid !== undefined) say(`${supervisor.name} started (pid ${supervisor.pid})`);
        const code = await supervisor.done;
        const why = supervisor.stoppedReason;
        say(
          why === undefined
            ? `${supervisor.name} exited with code ${code}`
            : `${supervisor.name} stopped (${why === 'memory' ? 'over the memory ceiling' : 'hung'}, --restart never): exit code ${code}`,
        );
        return code;
      } finally {
        alerts.unsubscribe();
        registry?.remove(supervisor);
        for (const stream of new Set([out, err]))
          if (stream && stream.droppedLines > 0)
            say(`${stream.droppedLines} line(s) of output could not be written to ${stream.path}`);
        for (const s of STOPPING) process.off(s, onStop);
        for (const s of FORWARDED) process.off(s, onForward);
        ctx.stopSignal.removeEventListener('abort', onAbort);
        await host.stop('vitals run finished');
        out?.end();
        if (err !== out) err?.end();
      }
    },
  };
}
