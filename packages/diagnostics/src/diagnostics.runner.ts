import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import {
  HEALTH_CHECK,
  METRICS,
  describeError,
  keepingAlive,
  readCgroupLimits,
  readCmdline,
  readProcStat,
  systemClock,
  withDeadline,
  worstSeverity,
} from '@vitals/core';
import type {
  DiagnosticsReport,
  Finding,
  HealthArea,
  HealthCheck,
  HostHandle,
  Snapshot,
} from '@vitals/core';
import type { CheckContext } from './check.context';
import { createCheckContext } from './check-context.factory';
import { startCpuMeter } from './cpu.meter';
import { builtinChecks } from './checks/builtin.checks';
import { diagnosticsError } from './diagnostics.errors';
import type { DiagnosticsConfig } from './diagnostics.options';
import { DIAGNOSTICS_DEFAULTS } from './diagnostics.options';
import { sampleProcess } from './process.sampler';
import { startRuntimeSampler } from './runtime.sampler';

/** A report of `vitals diagnose`: core's `DiagnosticsReport` plus what was diagnosed and how. */
export interface DiagnosisReport extends DiagnosticsReport {
  readonly target: { readonly pid: number; readonly self: boolean; readonly command: string };
  /** Length of the sampling window actually covered, ms (0: one reading; shorter than asked when interrupted). */
  readonly windowMs: number;
  readonly samples: number;
  readonly collectorFailures: readonly {
    readonly collector: string;
    readonly message: string;
    readonly timedOut: boolean;
  }[];
}

/** Options of one run. */
export interface RunDiagnosticsOptions {
  /** Another process to diagnose from outside; default this process. */
  readonly pid?: number;
  /** Sample over this long and report growth rates, ms (`--watch`). */
  readonly watchMs?: number;
  /** Environment of this process, for the environment checks (another pid's is read from `/proc/<pid>/environ`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Ends a `--watch` window early. */
  readonly signal?: AbortSignal;
  /** The plugin's validated options. @default DIAGNOSTICS_DEFAULTS */
  readonly options?: DiagnosticsConfig;
  /** Field overrides of the check context (specs). */
  readonly overrides?: Partial<CheckContext>;
}

/** Another process's environment from `/proc/<pid>/environ`, or undefined (another user's). */
function readEnviron(pid: number, procRoot: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(join(procRoot, String(pid), 'environ'), 'utf8');
  } catch {
    return undefined;
  }
  const env: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

const BUILTIN = new WeakSet<HealthCheck>();
/** Marks a check as built in, so a run does not run its registered copy twice. */
export const markBuiltin = (check: HealthCheck): HealthCheck => (BUILTIN.add(check), check);

/** Runs one check within its deadline; a throw, a time-out or a malformed result becomes a finding. */
async function runCheck(
  check: HealthCheck,
  snapshot: Snapshot,
  timeoutMs: number,
): Promise<Finding[]> {
  const area: HealthArea = check.area ?? 'other';
  const result = await withDeadline(
    () => check.run(snapshot),
    timeoutMs,
    `check ${check.name}`,
    systemClock,
  );
  const failed = (reason: string): Finding[] => [
    {
      check: check.name,
      area,
      severity: 'warning',
      message: `check ${check.name} failed: ${reason}`,
      recommendation: 'fix or remove the check; its area was not verified',
    },
  ];
  if (!result.ok) return failed(describeError(result.error));
  if (!Array.isArray(result.value)) return failed('it returned no list of findings');
  return result.value.map((f) => ({ ...f, check: f.check ?? check.name, area: f.area ?? area }));
}

/**
 * One diagnosis: one collection from every registered collector, samples when asked, then every
 * built-in and registered `HealthCheck` (registered ones only for this process), each isolated.
 * Throws `ERR_DIAGNOSE_PID` when `pid` does not exist or cannot be read.
 * @example const report = await runDiagnostics(host, { env: process.env });
 */
export async function runDiagnostics(
  host: HostHandle,
  run: RunDiagnosticsOptions = {},
): Promise<DiagnosisReport> {
  const options = run.options ?? DIAGNOSTICS_DEFAULTS;
  const started = performance.now();
  const pid = run.pid ?? process.pid;
  const self = pid === process.pid;
  const stat = readProcStat(pid, options.procRoot);
  if (!self && !stat) {
    throw existsSync(join(options.procRoot, String(pid)))
      ? diagnosticsError.unreadablePid(pid, `${options.procRoot}/${pid}/stat`)
      : diagnosticsError.noSuchPid(pid);
  }
  // Own runtime figures, the fallback when no collector publishes them (this process only).
  const runtime = self ? startRuntimeSampler({ gc: (run.watchMs ?? 0) > 0 }) : undefined;
  // The clock's and the sample's timers are unref()ed; a caller awaiting this report (a script,
  // the CLI) must not see the process exit under it.
  return keepingAlive(async () => {
    try {
      const cpu = startCpuMeter(options.procRoot, () => host.clock.now());
      const windowMs = run.watchMs ?? (self ? 0 : options.pidSampleMs);
      // The target's throttling counters now, so the cpu-quota check reports the window's share.
      const cgroupAtStart =
        windowMs > 0
          ? {
              at: host.clock.now(),
              limits: readCgroupLimits({
                pid,
                procRoot: options.procRoot,
                cgroupRoot: options.cgroupRoot,
              }),
            }
          : undefined;
      const snapshot = await host.collectOnce({ timeoutMs: options.collectTimeoutMs });
      const samples =
        windowMs > 0
          ? await sampleProcess({
              pid,
              procRoot: options.procRoot,
              clock: host.clock,
              durationMs: windowMs,
              intervalMs: options.sampleIntervalMs,
              signal: run.signal,
              runtime: self
                ? () => ({
                    handles: process.getActiveResourcesInfo().length,
                    heapUsedBytes: getHeapStatistics().used_heap_size,
                  })
                : undefined,
            })
          : [];
      // A collector (monitor's runtime one) measured the event loop already: no need to wait,
      // unless a --watch window ran, which the runner's own histogram covers whole.
      const measured = await runtime?.finish(options.eventLoopSampleMs, {
        eventLoop:
          options.eventLoopSampleMs > 0 && (windowMs > 0 || !snapshot.has(METRICS.eventLoopLagP99)),
      });
      const ctx = createCheckContext({
        options,
        config: host.config,
        clock: host.clock,
        pid,
        env: self ? run.env : readEnviron(pid, options.procRoot),
        samples,
        eventLoopDelayP99Ms: measured?.eventLoopDelayP99Ms,
        gcPausesMs: measured?.gcPausesMs,
        cpuUsedRatio: cpu(),
        cgroupAtStart,
        collectorsRunning: host.state === 'running',
        overrides: run.overrides,
      });
      const foreign = self
        ? host.resolveAll<HealthCheck>(HEALTH_CHECK).filter((c) => !BUILTIN.has(c))
        : [];
      const results = await Promise.all(
        [...builtinChecks(ctx), ...foreign].map((c) =>
          runCheck(c, snapshot, options.checkTimeoutMs),
        ),
      );
      const findings = results.flat();
      for (const f of snapshot.failures) {
        findings.push({
          check: 'collectors',
          area: 'vitals',
          severity: 'info',
          message: `collector ${f.collector} failed: ${f.message}`,
          recommendation: 'checks fell back to direct reads where they could',
        });
      }
      return {
        at: host.clock.now(),
        severity: worstSeverity(findings),
        findings,
        durationMs: performance.now() - started,
        target: {
          pid,
          self,
          command: (readCmdline(pid, options.procRoot) ?? []).join(' ') || stat?.comm || '',
        },
        windowMs: samples.length >= 2 ? samples[samples.length - 1].at - samples[0].at : 0,
        samples: samples.length,
        collectorFailures: snapshot.failures.map(({ collector, message, timedOut }) => ({
          collector,
          message,
          timedOut,
        })),
      };
    } finally {
      runtime?.stop();
    }
  });
}
