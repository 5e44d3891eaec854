import type { Writable } from 'node:stream';
import type { DependencyContainer } from 'tsyringe';
import type { CliCommand, CliContext } from '@vitals/core';
import {
  INSTANCE_LOCK,
  V8_TUNER,
  formatBytes,
  formatDuration,
  readCgroupLimits,
} from '@vitals/core';
import { resolveOptional } from './container.util';
import { mergeNodeOptions } from './node-options';
import { RotatingFileStream } from './rotating-file.stream';
import { RUN_OPTIONS, runConfig } from './run.options';
import { startupError } from './startup.errors';
import type { StartupConfig } from './startup.options';
import { Supervisor } from './supervisor';
import { READINESS } from './startup.tokens';
import { SystemdNotifier } from './systemd.notifier';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGUSR2'];
const STOPPING: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/** A stop signal repeated within this time is one request, not a second Ctrl-C. */
const REPEAT_MS = 500;

/** The V8 flags for the child, and the lines that explain them. */
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
  const basis =
    memoryLimitBytes === undefined
      ? 'no memory limit'
      : `memory limit ${formatBytes(memoryLimitBytes)}`;
  return {
    flags: rec.flags,
    lines: [
      `V8 profile ${rec.profile} (${basis}): ${rec.flags.join(' ') || 'no flags'}`,
      ...rec.reasons.map((r) => `  ${r}`),
    ],
  };
}

function output(file: string | undefined, config: StartupConfig): Writable | undefined {
  return file
    ? new RotatingFileStream(file, { maxBytes: config.logMaxSize, maxFiles: config.logMaxFiles })
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
): CliCommand {
  return {
    name: 'run',
    summary: 'Run a service under supervision (restarts, memory ceiling, metrics, signals)',
    usage: '[options] -- <command> [args]',
    options: RUN_OPTIONS,
    positionals: true,
    async run(ctx: CliContext): Promise<number> {
      const argv = ctx.rest.length > 0 ? ctx.rest : ctx.positionals;
      if (argv.length === 0) throw startupError.noCommand();
      const cfg = runConfig(config, ctx.options);
      const { flags, lines } = tunedFlags(cfg, container);
      const lock = resolveOptional(container, INSTANCE_LOCK);
      const { host } = ctx;
      const out = output(cfg.logFile, cfg);
      const err = cfg.errorFile ? output(cfg.errorFile, cfg) : out;
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
        },
        {
          stream: host.stream,
          logger: host.logger,
          clock: host.clock,
          lock,
          notifier: new SystemdNotifier({ env: ctx.env, logger: host.logger, clock: host.clock }),
        },
      );
      // The supervisor's own lines go to stderr: the child's stdout stays exactly the child's.
      const say = (line: string) => ctx.stderr.write(`vitals run: ${line}\n`);
      const explain = () => {
        for (const line of lines) say(line);
        say(
          `child NODE_OPTIONS (yours win): ${mergeNodeOptions(flags, ctx.env.NODE_OPTIONS) || '(none)'}`,
        );
        if (!lock) say('no single-instance lock (@vitals/process is not installed)');
        if (cfg.maxMemory !== undefined)
          say(
            `restart when RSS stays over ${formatBytes(cfg.maxMemory)} for ${formatDuration(cfg.maxMemoryForMs)}`,
          );
      };

      // /health/ready answers for the child: ready while it runs (its agent said hello, for Node),
      // 503 between a crash and the restart, and from the first stop signal on.
      const readiness = resolveOptional(container, READINESS);
      readiness?.hold('child');
      supervisor.events$.subscribe((event) => {
        if (event.type === 'agent' || (event.type === 'spawn' && !event.agent))
          readiness?.release('child');
        else if (event.type === 'exit') readiness?.hold('child');
      });
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
        if (address) say(`HTTP server on http://${address.host}:${address.port}`);
        await supervisor.start();
        if (supervisor.pid !== undefined) say(`${supervisor.name} started (pid ${supervisor.pid})`);
        const code = await supervisor.done;
        say(`${supervisor.name} exited with code ${code}`);
        return code;
      } finally {
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
