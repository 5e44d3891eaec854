import { METRICS, formatDuration } from '@vitals/core';
import type { Finding, HealthCheck, Snapshot } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { grade, percent } from '../severity.rules';

/** GC pressure (share of wall time in GC): warning from 10 %, critical from 25 %. */
export const GC_PRESSURE_WARNING = 0.1;
/** See {@link GC_PRESSURE_WARNING}. */
export const GC_PRESSURE_CRITICAL = 0.25;

/** Totals of a histogram's samples summed over every label set but `le`. */
function histogramTotals(
  snapshot: Snapshot,
  name: string,
): { count: number; sum: number; buckets: Map<number, number> } {
  const buckets = new Map<number, number>();
  for (const s of snapshot.samples(`${name}_bucket`)) {
    const le = s.labels?.le === '+Inf' ? Infinity : Number(s.labels?.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  const total = (suffix: string) =>
    snapshot.samples(`${name}${suffix}`).reduce((sum, s) => sum + s.value, 0);
  return { count: total('_count'), sum: total('_sum'), buckets };
}

/** Pauses known to be longer than `seconds`: count minus the cumulative count of the first bucket ≥ it. */
function pausesOver(
  h: ReturnType<typeof histogramTotals>,
  seconds: number,
): { count: number; bound: number } {
  const bound = [...h.buckets.keys()].sort((a, b) => a - b).find((le) => le >= seconds) ?? Infinity;
  return { count: h.count - (h.buckets.get(bound) ?? h.count), bound };
}

/** Grades the pauses the runner observed itself in a `--watch` window (no @vitals/memory). */
function observed(ctx: CheckContext, check: { name: string; area: string }): Finding[] {
  const pauses = ctx.gcPausesMs;
  if (!pauses) {
    return [
      finding(
        check,
        'info',
        'no GC pause history: install @vitals/memory, or run with --watch 30 to observe GC',
      ),
    ];
  }
  if (pauses.length === 0)
    return [
      finding(check, 'ok', 'no GC pause in the window', { data: { count: 0, source: 'observed' } }),
    ];
  const max = pauses.reduce((m, p) => Math.max(m, p), 0);
  const { severity, figure } = grade(
    max,
    ctx.thresholds.eventLoopDelayP99Ms,
    'absolute',
    (ms) => `${Math.round(ms * 10) / 10} ms`,
  );
  const total = pauses.reduce((sum, p) => sum + p, 0);
  return [
    finding(
      check,
      severity,
      `${pauses.length} GC pause${pauses.length === 1 ? '' : 's'} in the window, longest ${max.toFixed(1)} ms, ${total.toFixed(0)} ms in all`,
      {
        figure: `longest ${figure}`,
        recommendation: RECOMMENDATION,
        data: { count: pauses.length, maxMs: max, totalMs: total, source: 'observed' },
      },
    ),
  ];
}

const RECOMMENDATION =
  'long or frequent GC means a heap near its limit or heavy allocation: check the heap finding, reduce allocation on hot paths, or raise the heap limit';

/**
 * `gc`: GC pauses, from @vitals/memory's `nodejs_gc_duration_seconds` histogram (and
 * `vitals_gc_pressure_ratio`). A GC pause stops the event loop, so pauses are graded against
 * `thresholds.eventLoopDelayP99Ms`: any pause above it is a warning, above twice it critical.
 * In a `--watch` window, the pauses the runner observed in it (longest pause graded the same
 * way), which are newer than the snapshot taken before the window; with neither, an info
 * finding says what to do.
 * @example gcCheck(ctx).run(snapshot)
 */
export function gcCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'gc', area: 'runtime' };
  return {
    ...check,
    run(snapshot) {
      if (ctx.gcPausesMs || !snapshot.has(`${METRICS.gcDuration}_count`))
        return observed(ctx, check);
      const h = histogramTotals(snapshot, METRICS.gcDuration);
      if (h.count === 0)
        return [finding(check, 'ok', 'no GC pauses recorded yet', { data: { count: 0 } })];
      const t = ctx.thresholds.eventLoopDelayP99Ms / 1000;
      const warn = pausesOver(h, t);
      const crit = pausesOver(h, 2 * t);
      const pressure = snapshot.value(METRICS.gcPressureRatio);
      let severity: 'ok' | 'warning' | 'critical' =
        crit.count > 0 ? 'critical' : warn.count > 0 ? 'warning' : 'ok';
      if (pressure !== undefined && pressure >= GC_PRESSURE_CRITICAL) severity = 'critical';
      else if (pressure !== undefined && pressure >= GC_PRESSURE_WARNING && severity === 'ok')
        severity = 'warning';
      const mean = h.count > 0 ? (h.sum / h.count) * 1000 : 0;
      const worst = severity === 'critical' && crit.count > 0 ? crit : warn;
      const over =
        worst.count > 0 ? `, ${worst.count} longer than ${formatDuration(worst.bound * 1000)}` : '';
      return [
        finding(
          check,
          severity,
          `${h.count} GC pauses, mean ${mean.toFixed(1)} ms${over}${pressure !== undefined ? `, ${percent(pressure)} of time in GC` : ''}`,
          {
            figure: `pauses warning > ${formatDuration(t * 1000)}, critical > ${formatDuration(2 * t * 1000)}; GC time warning ≥ ${percent(GC_PRESSURE_WARNING)}, critical ≥ ${percent(GC_PRESSURE_CRITICAL)}`,
            recommendation: RECOMMENDATION,
            data: {
              count: h.count,
              sumSeconds: h.sum,
              meanMs: mean,
              pausesOverWarning: warn.count,
              pausesOverCritical: crit.count,
              pressure,
            },
          },
        ),
      ];
    },
  };
}
