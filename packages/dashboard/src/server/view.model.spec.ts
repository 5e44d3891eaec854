import type { AlertEvent, SeriesValue } from '@vitals/core';
import { buildTables } from './view.model';

const v = (
  name: string,
  value: number,
  labels: Record<string, string> = {},
  at = 1000,
): SeriesValue => ({
  name,
  value,
  labels,
  at,
  source: 't',
});

describe('buildTables', () => {
  const leak: AlertEvent = {
    ruleId: 'memory-leak',
    state: 'firing',
    severity: 'warning',
    metric: 'vitals_memory_leak_rate_bytes_per_second',
    labels: { service: 'api', kind: 'heap' },
    value: 1000,
    threshold: 0,
    at: 1000,
    since: 900,
    message: 'heap leak 60 KB/min; grew: Array +3 MB, Order +1 MB',
  };

  it('builds a service card from the supervisor series alone (no registry)', () => {
    const tables = buildTables({
      latest: [
        v('vitals_supervisor_child_up', 1, { service: 'api' }),
        v('vitals_supervisor_restarts_total', 2, { service: 'api' }),
        v('vitals_supervisor_child_state', 0, { service: 'api', state: 'up' }),
        v('vitals_supervisor_child_state', 1, { service: 'api', state: 'hung' }),
        v('vitals_supervisor_hangs_total', 1, { service: 'api' }),
        v('process_resident_memory_bytes', 5e6, { service: 'api', pid: '10' }, 900),
        v('process_resident_memory_bytes', 7e6, { service: 'api', pid: '11' }, 1000),
        v('vitals_nodejs_heap_size_limit_bytes', 4e9, { service: 'api', pid: '11' }),
        v('vitals_memory_leak_rate_bytes_per_second', 1000, { service: 'api', kind: 'heap' }),
        v('vitals_memory_leak_confidence_ratio', 0.97, { service: 'api', kind: 'heap' }),
        v('vitals_memory_leak_time_to_limit_seconds', 3600, { service: 'api', kind: 'heap' }),
      ],
      services: [],
      firing: [leak],
      selfPid: 1,
      freshAfter: 0,
      now: 5000,
    });
    expect(tables.services).toEqual([
      expect.objectContaining({
        name: 'api',
        state: 'hung',
        restarts: 2,
        hangs: 1,
        rssBytes: 7e6, // the newest child's
        heapLimitBytes: 4e9,
        leaks: [
          { kind: 'heap', rateBytesPerSecond: 1000, confidence: 0.97, timeToLimitSeconds: 3600 },
        ],
        leakMessage: leak.message,
      }),
    ]);
  });

  it('prefers the registry, lists processes and drops a restarted child pid', () => {
    const tables = buildTables({
      latest: [
        v('process_resident_memory_bytes', 1e8),
        v('vitals_process_threads', 9),
        v('process_start_time_seconds', 2),
        v('process_resident_memory_bytes', 5e6, { service: 'api', pid: '10' }),
        v('process_resident_memory_bytes', 6e6, { service: 'api', pid: '11' }),
        v('process_resident_memory_bytes', 3e6, { pid: '77' }, 10), // stale: left out
        v(
          'vitals_supervisor_process_resident_memory_bytes',
          4e6,
          { service: 'api', pid: '9' },
          900,
        ),
        v('vitals_supervisor_process_resident_memory_bytes', 6e6, { service: 'api', pid: '11' }),
        v('vitals_duplicate_processes', 1),
      ],
      services: [{ name: 'api', pid: 11, state: 'up', restarts: 1, startedAt: 500 }],
      firing: [],
      selfPid: 4242,
      freshAfter: 100,
      now: 5000,
    });
    expect(tables.services[0]).toMatchObject({ state: 'up', restarts: 1, pid: 11, startedAt: 500 });
    expect(tables.processes.map((p) => [p.pid, p.role, p.rssBytes])).toEqual([
      [4242, 'host', 1e8],
      [11, 'api', 6e6],
    ]);
    expect(tables.processes[0].threads).toBe(9);
    expect(tables.processes[0].uptimeSeconds).toBe(3);
    expect(tables.duplicates).toBe(1);
  });

  it('summarises @memoryProfile histograms: calls, p95, mean heap delta', () => {
    const fn = { fn: 'Book.load' };
    const tables = buildTables({
      latest: [
        v('vitals_memory_profile_duration_seconds_count', 20, fn),
        v('vitals_memory_profile_duration_seconds_bucket', 10, { ...fn, le: '0.01' }),
        v('vitals_memory_profile_duration_seconds_bucket', 20, { ...fn, le: '0.1' }),
        v('vitals_memory_profile_duration_seconds_bucket', 20, { ...fn, le: '+Inf' }),
        v('vitals_memory_profile_heap_delta_bytes_sum', 2000, fn),
        v('vitals_memory_profile_heap_delta_bytes_count', 20, fn),
        v('vitals_memory_profile_gc_total', 3, fn),
      ],
      services: [],
      firing: [],
      selfPid: 1,
      freshAfter: 0,
      now: 5000,
    });
    expect(tables.profiles).toHaveLength(1);
    expect(tables.profiles[0]).toMatchObject({
      fn: 'Book.load',
      calls: 20,
      meanHeapDeltaBytes: 100,
      gcs: 3,
    });
    expect(tables.profiles[0].p95Seconds).toBeCloseTo(0.091); // 0.01 + 0.09 × 9/10
  });
});
