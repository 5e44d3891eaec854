import type { MetricDescriptor } from '@vitals/core';

/** Metric names the supervisor publishes (labels `{service}`). */
export const SUPERVISOR_METRICS = {
  /** Restarts of the child since the supervisor started. */
  restarts: 'vitals_supervisor_restarts_total',
  /** 1 while a child runs, 0 between runs. */
  childUp: 'vitals_supervisor_child_up',
} as const;

/** Descriptors of {@link SUPERVISOR_METRICS}. */
export const SUPERVISOR_DESCRIPTORS: readonly MetricDescriptor[] = [
  {
    name: SUPERVISOR_METRICS.restarts,
    help: 'Restarts of the supervised child',
    unit: 'count',
    type: 'counter',
    labelNames: ['service'],
  },
  {
    name: SUPERVISOR_METRICS.childUp,
    help: '1 while the supervised child runs',
    unit: 'count',
    type: 'gauge',
    labelNames: ['service'],
  },
];
