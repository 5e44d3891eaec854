import {
  formatBytes,
  formatDuration,
  processStartTimeMs,
  readCmdline,
  readProcStat,
} from '@vitals/core';
import type { Finding, HealthCheck, Severity } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { rate, readSample } from '../process.sampler';
import { criticalRatio, grade, gradeRatio, percent, worse } from '../severity.rules';
import { memoryBudget } from './memory.budget';

/** RSS growth that reaches the memory threshold within this long is a warning. */
export const RSS_GROWTH_WARNING_MS = 60 * 60 * 1000;
/** RSS growth that reaches the memory threshold within this long is critical. */
export const RSS_GROWTH_CRITICAL_MS = 10 * 60 * 1000;
/**
 * Growth seen over a shorter window is at most a warning: over a second or two, a heap filling
 * up before its next GC looks like a leak (`--pid` samples 1 s; `--watch 30` confirms).
 */
export const RSS_GROWTH_CONFIRM_MS = 30 * 1000;

const STATES: Record<string, [Severity, string]> = {
  R: ['ok', 'running'],
  S: ['ok', 'sleeping'],
  I: ['ok', 'idle'],
  D: ['warning', 'in uninterruptible sleep (stuck on disk or network I/O)'],
  T: ['warning', 'stopped (SIGSTOP or a debugger)'],
  t: ['warning', 'stopped by a tracer'],
  Z: ['critical', 'a zombie: it exited and its parent has not reaped it'],
  X: ['critical', 'dead'],
};

/**
 * `process`: state, command line, uptime, RSS and, over the samples (`--pid`, `--watch`), RSS
 * growth and CPU. RSS is graded against `thresholds.memoryUsedRatio` of the memory it may use (its
 * cgroup limit, else RAM); growth by how soon it would reach that line (warning within an hour,
 * critical within ten minutes); CPU (1 = one core) with the ratio rule on `thresholds.cpuRatio`.
 * @example processCheck(ctx).run(snapshot)
 */
export function processCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'process', area: 'process' };
  return {
    ...check,
    run() {
      const stat = readProcStat(ctx.pid, ctx.procRoot);
      if (!stat) return [finding(check, 'critical', `${ctx.subject} is gone`)];
      const cmdline = (readCmdline(ctx.pid, ctx.procRoot) ?? []).join(' ') || `[${stat.comm}]`;
      const last = ctx.samples[ctx.samples.length - 1];
      const rss = last?.rssBytes ?? readSample(ctx.pid, ctx.procRoot, ctx.now())?.rssBytes ?? 0;
      const budget = memoryBudget(ctx);
      const memory = budget?.bytes;
      const [stateSeverity, stateText] = STATES[stat.state] ?? ['info', `in state ${stat.state}`];
      const uptimeMs = ctx.now() - processStartTimeMs(stat, ctx.procRoot);
      const out: Finding[] = [
        finding(
          check,
          stateSeverity,
          `${ctx.subject} is ${stateText}, up ${formatDuration(Math.max(0, uptimeMs))}`,
          {
            figure: cmdline,
            recommendation:
              stat.state === 'Z'
                ? `the parent (pid ${stat.ppid}) must wait() for it; restart the parent if it never does`
                : 'check what it waits on: `cat /proc/PID/wchan`, `cat /proc/PID/stack` (root)',
            data: {
              pid: stat.pid,
              ppid: stat.ppid,
              state: stat.state,
              comm: stat.comm,
              cmdline,
              uptimeMs,
            },
          },
        ),
      ];
      const t = ctx.thresholds.memoryUsedRatio;
      const growth = rate(ctx.samples, (s) => s.rssBytes);
      const windowMs =
        ctx.samples.length >= 2 ? ctx.samples[ctx.samples.length - 1].at - ctx.samples[0].at : 0;
      const confirmed = windowMs >= RSS_GROWTH_CONFIRM_MS;
      let rssSeverity: Severity = memory ? gradeRatio(rss / memory, t) : 'ok';
      let etaMs: number | undefined;
      if (growth !== undefined && growth > 0 && memory) {
        etaMs = (Math.max(0, t * memory - rss) / growth) * 1000;
        const byGrowth =
          etaMs <= RSS_GROWTH_CRITICAL_MS && confirmed
            ? 'critical'
            : etaMs <= RSS_GROWTH_WARNING_MS
              ? 'warning'
              : 'ok';
        rssSeverity = worse(rssSeverity, byGrowth);
      }
      const growthText =
        growth !== undefined
          ? `, ${growth >= 0 ? '+' : ''}${formatBytes(growth)}/s over ${(windowMs / 1000).toFixed(1)} s`
          : '';
      out.push(
        finding(
          check,
          rssSeverity,
          `RSS ${formatBytes(rss)}${memory ? ` (${percent(rss / memory)} of the ${formatBytes(memory)} ${budget?.what})` : ''}${growthText}`,
          {
            figure: `${etaMs !== undefined ? `${percent(t)} of memory in ${formatDuration(etaMs)} at this rate; ` : ''}warning ≥ ${percent(t)} of memory or reaching it within ${formatDuration(RSS_GROWTH_WARNING_MS)}, critical ≥ ${percent(criticalRatio(t))} or within ${formatDuration(RSS_GROWTH_CRITICAL_MS)} (growth seen over ≥ ${formatDuration(RSS_GROWTH_CONFIRM_MS)})`,
            recommendation: `${etaMs !== undefined && !confirmed ? `confirm over a longer window (\`vitals diagnose --pid ${stat.pid} --watch 60\`): a heap before its next GC also grows; ` : ''}memory that keeps growing is a leak or an unbounded cache: take two heap snapshots a few minutes apart and diff them (@vitals/memory)`,
            data: {
              rssBytes: rss,
              memoryBytes: memory,
              limitedBy: budget?.limitedBy,
              growthBytesPerSecond: growth,
              windowMs,
              etaMs,
            },
          },
        ),
      );
      const cpu = rate(ctx.samples, (s) => s.cpuSeconds);
      if (cpu !== undefined) {
        const graded = grade(cpu, ctx.thresholds.cpuRatio, 'ratio');
        out.push(
          finding(check, graded.severity, `CPU ${percent(cpu)} of one core`, {
            figure: `${graded.figure} of one core`,
            recommendation:
              'a Node process near one full core has a saturated event loop: profile it (`node --cpu-prof`) or spread the work over workers',
            data: { cpuRatio: cpu },
          }),
        );
      }
      return out;
    },
  };
}
