import { METRICS, readMeminfo } from '@vitals/core';
import type { Snapshot } from '@vitals/core';
import type { CheckContext } from '../check.context';

/** The memory a process may use: its cgroup (container) limit when lower than RAM, else RAM. */
export interface MemoryBudget {
  readonly bytes: number;
  readonly limitedBy: 'cgroup' | 'machine';
  /** For messages: `container memory limit` or `machine memory`. */
  readonly what: string;
}

/** Share of the memory budget a suggested `--max-old-space-size` takes (room for native memory). */
export const SUGGESTED_HEAP_SHARE = 0.75;

/**
 * The memory budget of the diagnosed process, or undefined when neither RAM nor a cgroup limit
 * can be read. Reads monitor's `vitals_cgroup_memory_limit_bytes` (this process only) and
 * `node_memory_MemTotal_bytes` when the snapshot has them, else the diagnosed process's own cgroup
 * (`ctx.cgroup()`, from `/proc/<pid>/cgroup`) and `/proc/meminfo`.
 * @example memoryBudget(ctx, snapshot)?.bytes
 */
export function memoryBudget(ctx: CheckContext, snapshot?: Snapshot): MemoryBudget | undefined {
  // Monitor's unlabelled limit is this process's cgroup: only ever used for this process.
  const cgroup =
    (ctx.self ? snapshot?.value(METRICS.cgroupMemoryLimitBytes) : undefined) ??
    ctx.cgroup().memoryLimitBytes;
  const ram = snapshot?.value(METRICS.memTotalBytes) ?? readMeminfo(ctx.procRoot).MemTotal;
  if (cgroup !== undefined && (ram === undefined || cgroup < ram))
    return { bytes: cgroup, limitedBy: 'cgroup', what: 'container memory limit' };
  return ram === undefined
    ? undefined
    : { bytes: ram, limitedBy: 'machine', what: 'machine memory' };
}

/**
 * `--max-old-space-size` (MB) that leaves room under the budget: {@link SUGGESTED_HEAP_SHARE} of it.
 * @example suggestedHeapMb({ bytes: 2 * 1024 ** 3, limitedBy: 'cgroup', what: '' }) // 1536
 */
export function suggestedHeapMb(budget: MemoryBudget): number {
  return Math.floor((budget.bytes * SUGGESTED_HEAP_SHARE) / 1024 / 1024);
}
