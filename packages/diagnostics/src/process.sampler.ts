import { clockTicksPerSecond, countOpenFds, readProcStat, readProcStatus } from '@vitals/core';
import type { Clock } from '@vitals/core';

/** One reading of a process from `/proc/<pid>` (plus this process's own runtime figures). */
export interface ProcessSample {
  /** Host clock, epoch ms. */
  readonly at: number;
  readonly rssBytes: number;
  /** User + system CPU, seconds. */
  readonly cpuSeconds: number;
  readonly threads: number;
  /** Undefined when `/proc/<pid>/fd` is not readable. */
  readonly fds: number | undefined;
  /** Active handles and requests (this process only). */
  readonly handles?: number;
  /** V8 heap used (this process only). */
  readonly heapUsedBytes?: number;
}

/** Options of {@link sampleProcess}. */
export interface SampleOptions {
  readonly pid: number | 'self';
  readonly procRoot: string;
  readonly clock: Clock;
  /** How long to sample, ms. */
  readonly durationMs: number;
  /** Time between samples, ms. @default 1000 */
  readonly intervalMs?: number;
  /** Adds `handles` and `heapUsedBytes` (this process only). */
  readonly runtime?: () => { handles: number; heapUsedBytes: number };
  /** Ends sampling early (Ctrl-C), keeping what was read. */
  readonly signal?: AbortSignal;
}

/**
 * One reading of `/proc/<pid>/stat` and `status`, or undefined when the process is gone.
 * @example readSample('self', '/proc', Date.now())?.rssBytes
 */
export function readSample(
  pid: number | 'self',
  procRoot: string,
  at: number,
  runtime?: SampleOptions['runtime'],
): ProcessSample | undefined {
  const stat = readProcStat(pid, procRoot);
  if (!stat) return undefined;
  // VmRSS is in kB, so no page-size guess; kernel threads have no VmRSS.
  const rssKb = Number.parseInt(readProcStatus(pid, procRoot)?.VmRSS ?? '', 10);
  return {
    at,
    rssBytes: Number.isFinite(rssKb) ? rssKb * 1024 : stat.rssPages * 4096,
    cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / clockTicksPerSecond(),
    threads: stat.numThreads,
    fds: countOpenFds(pid, procRoot),
    ...(runtime ? runtime() : {}),
  };
}

/**
 * Reads a process every `intervalMs` for `durationMs` on the host clock (a `ManualClock` drives it
 * in tests). Stops early when the process exits or `signal` aborts; never rejects.
 * @example const samples = await sampleProcess({ pid: 4242, procRoot: '/proc', clock, durationMs: 1000 });
 */
export async function sampleProcess(options: SampleOptions): Promise<ProcessSample[]> {
  const { pid, procRoot, clock, durationMs, signal, runtime } = options;
  const interval = Math.max(1, Math.min(options.intervalMs ?? 1000, durationMs));
  const start = clock.now();
  const samples: ProcessSample[] = [];
  const first = readSample(pid, procRoot, start, runtime);
  if (!first) return samples;
  samples.push(first);
  while (clock.now() - start < durationMs && !signal?.aborted) {
    const wait = Math.min(interval, durationMs - (clock.now() - start));
    await new Promise<void>((resolve) => {
      const cancel = clock.setTimeout(done, wait);
      function done(): void {
        cancel();
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
    const next = readSample(pid, procRoot, clock.now(), runtime);
    if (!next) break;
    samples.push(next);
  }
  return samples;
}

/**
 * Per-second rate of a figure between the first and last sample, or undefined with fewer than two
 * samples (or no time between them).
 * @example rate(samples, (s) => s.rssBytes) // bytes per second
 */
export function rate(
  samples: readonly ProcessSample[],
  pick: (s: ProcessSample) => number | undefined,
): number | undefined {
  if (samples.length < 2) return undefined;
  const a = samples[0];
  const b = samples[samples.length - 1];
  const va = pick(a);
  const vb = pick(b);
  const seconds = (b.at - a.at) / 1000;
  if (va === undefined || vb === undefined || seconds <= 0) return undefined;
  return (vb - va) / seconds;
}
