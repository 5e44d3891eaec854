import type { MetricDescriptor } from '@vitals/core';

/** Metric names the supervisor publishes (labels `{service}`). */
export const SUPERVISOR_METRICS = {
  /** Restarts of the child since the supervisor started. */
  restarts: 'vitals_supervisor_restarts_total',
  /** 1 while a child runs, 0 between runs. */
  childUp: 'vitals_supervisor_child_up',
  /** The current child's pid (a new value: a new child, a fresh baseline). */
  childPid: 'vitals_supervisor_child_pid',
  /** Current state: 1 for it, 0 for the others (`{service, state}`). */
  childState: 'vitals_supervisor_child_state',
  /** Hangs detected (agent silent past `--hang-timeout`). */
  hangs: 'vitals_supervisor_hangs_total',
  /** RSS summed over the child's process tree. */
  treeRss: 'vitals_supervisor_tree_resident_memory_bytes',
  /** RSS of each process of the child's tree (`{service, pid}`). */
  processRss: 'vitals_supervisor_process_resident_memory_bytes',
  /** Measurement GCs the agent ran in the child. */
  measurementGcs: 'vitals_measurement_gc_total',
  /** Pause of those measurement GCs, seconds in total. */
  measurementGcSeconds: 'vitals_measurement_gc_seconds_total',
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
  {
    name: SUPERVISOR_METRICS.childPid,
    help: "The supervised child's pid",
    unit: 'count',
    type: 'gauge',
    labelNames: ['service'],
  },
  {
    name: SUPERVISOR_METRICS.childState,
    help: '1 for the supervised service state (starting, up, restarting, hung, stopping, stopped)',
    unit: 'count',
    type: 'gauge',
    labelNames: ['service', 'state'],
  },
  {
    name: SUPERVISOR_METRICS.hangs,
    help: 'Hangs of the supervised child (agent silent past the hang timeout)',
    unit: 'count',
    type: 'counter',
    labelNames: ['service'],
  },
  {
    name: SUPERVISOR_METRICS.treeRss,
    help: "Resident set size summed over the supervised child's process tree",
    unit: 'bytes',
    type: 'gauge',
    labelNames: ['service'],
  },
  {
    name: SUPERVISOR_METRICS.processRss,
    help: "Resident set size of each process of the supervised child's tree",
    unit: 'bytes',
    type: 'gauge',
    labelNames: ['service', 'pid'],
  },
  {
    name: SUPERVISOR_METRICS.measurementGcs,
    help: 'Measurement GCs the agent forced in the child (no major GC for a while, heap grown)',
    unit: 'count',
    type: 'counter',
    labelNames: ['service'],
  },
  {
    name: SUPERVISOR_METRICS.measurementGcSeconds,
    help: 'Pause of the measurement GCs in the child',
    unit: 'seconds',
    type: 'counter',
    labelNames: ['service'],
  },
];
