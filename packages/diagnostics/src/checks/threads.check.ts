import { METRICS, readProcStat } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { grade } from '../severity.rules';

/**
 * `threads`: threads of the process (`/proc/<pid>/stat`, or monitor's `vitals_process_threads`
 * for this process) against `thresholds.threads`. A Node process normally runs 7–12 (main, V8
 * platform workers, libuv's pool of 4); many more means worker threads or native addons piling up.
 * @example threadsCheck(ctx).run(snapshot)
 */
export function threadsCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'threads', area: 'process' };
  return {
    ...check,
    run(snapshot) {
      const threads =
        (ctx.self ? snapshot.value(METRICS.processThreads) : undefined) ??
        readProcStat(ctx.pid, ctx.procRoot)?.numThreads;
      if (threads === undefined)
        return [finding(check, 'info', `cannot read ${ctx.procRoot}/${ctx.pid}/stat`)];
      const { severity, figure } = grade(threads, ctx.thresholds.threads, 'absolute');
      return [
        finding(check, severity, `${threads} thread${threads === 1 ? '' : 's'}`, {
          figure,
          recommendation:
            'check for worker threads that are created and never terminated, or UV_THREADPOOL_SIZE set too high',
          data: { threads },
        }),
      ];
    },
  };
}
