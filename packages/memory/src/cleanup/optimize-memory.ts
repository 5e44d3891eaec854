import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';

/** How a GC was (or was not) forced. */
export type GcMethod = 'global.gc' | 'expose-gc-fallback' | 'none';

/** What `optimizeMemory()` really did. */
export interface OptimizeResult {
  readonly forced: boolean;
  readonly method: GcMethod;
  readonly heapUsedBeforeBytes: number;
  readonly heapUsedAfterBytes: number;
  /** before − after; 0 when nothing was forced. */
  readonly freedBytes: number;
  readonly durationMs: number;
  /** One line for logs and reports. */
  readonly message: string;
}

/** Options of `optimizeMemory()`. */
export interface OptimizeOptions {
  /**
   * Without `--expose-gc`, obtain `gc` by turning the flag on for one new VM context
   * (`v8.setFlagsFromString('--expose-gc')` + `vm.runInNewContext('gc')`), then off again.
   * @default true
   */
  readonly allowFallback?: boolean;
}

let fallbackGc: (() => void) | undefined;

/** The function that forces a full GC, and how it was found; undefined when none is available. */
export function findGc(allowFallback = true): { gc?: () => void; method: GcMethod } {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return { gc: exposed as () => void, method: 'global.gc' };
  if (!allowFallback) return { method: 'none' };
  if (!fallbackGc) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      if (typeof gc === 'function') fallbackGc = gc as () => void;
    } catch {
      // Flags frozen or V8 refused: report that no GC could be forced.
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  return fallbackGc ? { gc: fallbackGc, method: 'expose-gc-fallback' } : { method: 'none' };
}

/**
 * Forces a full, compacting GC and reports what it freed. When no GC can be forced (fallback
 * disabled and no `--expose-gc`), says so: `forced: false`, nothing freed.
 *
 * @example
 * const r = optimizeMemory();
 * logger.info(r.message); // "forced GC (global.gc): freed 42.0 MiB in 38ms"
 */
export function optimizeMemory(options: OptimizeOptions = {}): OptimizeResult {
  const { gc, method } = findGc(options.allowFallback ?? true);
  const before = getHeapStatistics().used_heap_size;
  if (!gc) {
    return {
      forced: false,
      method,
      heapUsedBeforeBytes: before,
      heapUsedAfterBytes: before,
      freedBytes: 0,
      durationMs: 0,
      message: 'no GC forced: run node with --expose-gc (or allow the fallback) to force one',
    };
  }
  const t0 = performance.now();
  gc();
  const durationMs = performance.now() - t0;
  const after = getHeapStatistics().used_heap_size;
  const freed = before - after;
  return {
    forced: true,
    method,
    heapUsedBeforeBytes: before,
    heapUsedAfterBytes: after,
    freedBytes: freed,
    durationMs,
    message: `forced GC (${method}): freed ${(freed / 1048576).toFixed(1)} MiB in ${durationMs.toFixed(0)}ms`,
  };
}
