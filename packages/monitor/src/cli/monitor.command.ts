import {
  COLLECTOR,
  VitalsError,
  escapeControl,
  isVitalsError,
  keepingAlive,
  parseDuration,
  processExists,
  processSubject,
} from '@vitals/core';
import type { CliCommand, CliContext, Clock, Collector } from '@vitals/core';
import { defaultAlertRules } from '../alerts/default.rules';
import { buildCollectors } from '../monitor.collectors';
import { processGone } from '../monitor.errors';
import type { MonitorConfig } from '../monitor.options';
import { CollectScheduler } from '../scheduler/collect.scheduler';
import { TickValues, renderJsonLine, renderTable } from './monitor.view';
import { TargetCgroupCollector } from './target-cgroup.collector';

/** Exit code of a usage error (BSD `EX_USAGE`), as every `vitals` command. */
export const EXIT_USAGE = 64;

function usage(message: string): VitalsError {
  return new VitalsError('ERR_USAGE', message);
}

function parsePid(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const pid = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0)
    throw usage(`--pid takes a process id, e.g. --pid 1234 (got ${JSON.stringify(raw)})`);
  if (!processExists(pid)) throw processGone(pid);
  return pid;
}

function parseInterval(raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  let ms: number;
  try {
    ms = parseDuration(raw as string);
  } catch {
    throw usage(`--interval takes a duration such as 2s or 500ms (got ${JSON.stringify(raw)})`);
  }
  if (ms < 100) throw usage(`--interval must be at least 100ms (got ${JSON.stringify(raw)})`);
  // As monitor.intervalMs; a longer one would overflow the refresh timer at 2^31 ms (issue 11).
  if (ms > 3_600_000) throw usage(`--interval must be at most 1h (got ${JSON.stringify(raw)})`);
  return ms;
}

/** Waits `ms` on the host clock (forever when Infinity), or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const cancel = Number.isFinite(ms) ? clock.setTimeout(done, ms) : undefined;
    function done(): void {
      cancel?.();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `vitals monitor [--interval 2s] [--once] [--pid N] [--json]`: in a terminal a live table of the
 * main metrics with firing alerts highlighted; piped (or with `--json`), one JSON line per tick.
 * `--once` samples twice, 250 ms apart, so CPU and event-loop figures cover a real interval,
 * prints one view and exits. The host is not started: the command runs its own scheduler over the
 * host's collectors (or, with `--pid`, the system collectors and that process) and evaluates the
 * monitor's alert rules on the host's stream. With `--pid`, the process rows and the process and
 * container rules are that process's own: its RSS, fds and fd limit, threads, and its own cgroup
 * (read from `/proc/<pid>/cgroup`: memory limit, usage and working set, CPU quota and throttling);
 * machine rows say `machine`.
 *
 * Errors are one line on stderr: a malformed option exits 64, a pid that does not exist (or
 * exits while watched) 1.
 *
 * @example vitals monitor --pid 4242 --interval 5s | jq .metrics.process_resident_memory_bytes
 */
export function monitorCommand(config: MonitorConfig): CliCommand {
  return {
    name: 'monitor',
    summary: 'Live view of system, process and runtime metrics with alerts',
    usage: '[--interval 1s] [--once] [--pid N] [--json]',
    options: {
      interval: {
        type: 'string',
        short: 'i',
        valueName: 'DURATION',
        description: 'Time between refreshes (default: monitor.intervalMs)',
      },
      once: { type: 'boolean', description: 'Print one view and exit' },
      pid: {
        type: 'string',
        short: 'p',
        valueName: 'N',
        description: 'Watch this process instead of the CLI itself',
      },
      json: { type: 'boolean', description: 'One JSON line per tick, even in a terminal' },
    },
    async run(ctx: CliContext): Promise<number> {
      const fail = (error: unknown): number => {
        if (!isVitalsError(error)) throw error;
        ctx.stderr.write(`vitals monitor: ${escapeControl(error.message)}\n`);
        return isVitalsError(error, 'ERR_USAGE') ? EXIT_USAGE : 1;
      };
      let intervalMs: number;
      let pid: number | undefined;
      try {
        intervalMs = parseInterval(ctx.options.interval, config.intervalMs);
        pid = parsePid(ctx.options.pid);
      } catch (error) {
        return fail(error);
      }
      const host = ctx.host;
      const built =
        pid !== undefined ? buildCollectors({ ...config, pid, runtime: false }) : undefined;
      // The watched process's own cgroup (throttling; with --pid also its usage and quota).
      const cgroup = new TargetCgroupCollector({ pid: pid ?? config.pid });
      const collectors = [...(built?.list ?? host.resolveAll<Collector>(COLLECTOR)), cgroup];
      // The process watched: --pid, else the config's `pid`; labelled only when it is not us.
      const watched = pid ?? config.pid;
      const labelPid = watched !== undefined && watched !== process.pid ? watched : undefined;
      const subject = labelPid !== undefined ? processSubject(labelPid) : undefined;
      const rules = config.alerts.defaults
        ? defaultAlertRules(host.config.thresholds, { ...config, pid: watched })
        : [];
      for (const rule of [...rules, ...config.alerts.extra]) host.alerts.addRule(rule);
      const evaluation = host.alerts.attach(host.stream.batches$);
      const scheduler = new CollectScheduler(collectors, host.stream, host.logger, host.clock, {
        intervalMs,
        timeoutMs: config.collectorTimeoutMs,
      });
      const json = ctx.options.json === true || !ctx.stdout.isTTY;
      // https://no-color.org: any NO_COLOR value turns colours off.
      const color = ctx.env.NO_COLOR === undefined || ctx.env.NO_COLOR === '';
      let previous: { values: TickValues; at: number } | undefined;
      const print = (at: number): void => {
        const values = new TickValues(host.stream.latest());
        const alerts = host.alerts.active();
        if (json) ctx.stdout.write(renderJsonLine(values, alerts, at));
        else
          ctx.stdout.write(
            (ctx.options.once ? '' : '\x1b[2J\x1b[H') +
              renderTable(values, alerts, { color, pid: labelPid, subject, at, previous }),
          );
        previous = { values, at };
      };
      // The scheduler's timers are unref'ed (monitoring never keeps a process alive); the command
      // itself must keep the CLI up until it is done or asked to stop.
      try {
        return await keepingAlive(async () => {
          try {
            if (ctx.options.once) {
              const first = await scheduler.tick();
              previous = { values: new TickValues(host.stream.latest()), at: first.at };
              await pause(250, ctx.stopSignal, host.clock);
              print((await scheduler.tick()).at);
              return 0;
            }
            // Watching another pid: when it exits, say so and stop instead of showing stale values.
            const gone = new AbortController();
            const sub = scheduler.ticks$.subscribe((t) => {
              if (pid !== undefined && t.failures.length > 0 && !processExists(pid)) gone.abort();
              else print(t.at);
            });
            scheduler.start();
            await pause(Infinity, AbortSignal.any([ctx.stopSignal, gone.signal]), host.clock);
            await scheduler.stop();
            sub.unsubscribe();
            if (gone.signal.aborted && !ctx.stopSignal.aborted) throw processGone(pid as number);
            return 0;
          } finally {
            evaluation.unsubscribe();
            for (const c of collectors) (c as { close?: () => void }).close?.();
          }
        });
      } catch (error) {
        return fail(error);
      }
    },
  };
}
