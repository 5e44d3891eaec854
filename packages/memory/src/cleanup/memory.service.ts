import type { Observable } from 'rxjs';
import type { DependencyContainer } from 'tsyringe';
import {
  CLEANUP_HANDLER,
  asInjectionToken,
  describeError,
  formatBytes,
  withDeadline,
} from '@vitals/core';
import type { CleanupHandler, CleanupStep, Logger } from '@vitals/core';
import type { MemoryService } from '../memory.tokens';
import type { LeakEvent, LeakKind } from '../leak/leak.monitor';
import { LeakMonitor } from '../leak/leak.monitor';
import type { LeakAssessment } from '../leak/leak.detector';
import type { BaselineReader } from '../leak/baseline.reader';
import type { HeapSnapshotResult, HeapSnapshotWriter } from '../snapshot/heap-snapshot.writer';
import { optimizeMemory } from './optimize-memory';
import type { OptimizeResult } from './optimize-memory';
import { memoryError } from '../memory.errors';

/** What the service needs. */
export interface MemoryServiceDeps {
  readonly container: DependencyContainer;
  readonly leaks: BaselineReader;
  readonly snapshots: HeapSnapshotWriter;
  readonly logger: Logger;
  /** @default true */
  readonly allowGcFallback?: boolean;
  /** Deadline of each cache's `clear()`, ms. @default 5000 */
  readonly handlerTimeoutMs?: number;
  /** The host clock (times the `cleared` leak event of a reset). */
  readonly now?: () => number;
}

/**
 * The memory plugin's run-time service (`MEMORY_SERVICE`, and `MEMORY_CLEANUP` for other
 * plugins): cache registration, forced GC, emergency cleanup, heap snapshots, leak verdicts.
 *
 * @example
 * const memory = host.container.resolve(MEMORY_SERVICE);
 * memory.registerCache('sessions', () => sessions.clear());
 * await memory.emergencyCleanup();
 */
export class DefaultMemoryService implements MemoryService {
  readonly leaks$: Observable<LeakEvent>;

  constructor(private readonly deps: MemoryServiceDeps) {
    this.leaks$ = deps.leaks.events$;
  }

  registerCache(name: string, clear: () => void | number | Promise<void | number>): () => void {
    if (typeof name !== 'string' || name.trim() === '' || typeof clear !== 'function') {
      throw memoryError(
        'ERR_INVALID_ARGUMENT',
        'registerCache(name, clear) needs a non-empty name and a clear() function',
      );
    }
    let active = true;
    const handler: CleanupHandler = { name, clear: () => (active ? clear() : undefined) };
    this.deps.container.register(CLEANUP_HANDLER, { useValue: handler });
    return () => {
      active = false;
    };
  }

  optimizeMemory(): OptimizeResult {
    return optimizeMemory({ allowFallback: this.deps.allowGcFallback ?? true });
  }

  writeHeapSnapshot(): HeapSnapshotResult {
    return this.deps.snapshots.write();
  }

  assessLeaks(service?: string): Record<LeakKind, LeakAssessment> {
    return (this.deps.leaks.monitor(service) ?? new LeakMonitor()).assessments();
  }

  watchedServices(): string[] {
    return this.deps.leaks.services();
  }

  async emergencyCleanup(
    options: { heapSnapshot?: boolean } = {},
  ): Promise<readonly CleanupStep[]> {
    const steps: CleanupStep[] = [];
    const { container } = this.deps;
    const handlers = container.isRegistered(CLEANUP_HANDLER, true)
      ? container.resolveAll(asInjectionToken(CLEANUP_HANDLER))
      : [];
    for (const h of handlers) {
      const r = await withDeadline(
        () => h.clear(),
        this.deps.handlerTimeoutMs ?? 5000,
        `cache ${h.name}`,
      );
      const detail = r.ok
        ? typeof r.value === 'number'
          ? `cleared ${r.value}`
          : 'cleared'
        : describeError(r.error);
      if (!r.ok)
        this.deps.logger.warn({ cache: h.name, err: detail }, 'memory: cleanup handler failed');
      steps.push({ step: `cache:${h.name}`, ok: r.ok, detail, durationMs: r.durationMs });
    }
    // Cleared caches move the baseline on purpose: start the leak windows afresh.
    if (handlers.length > 0) this.deps.leaks.resetOwn(this.deps.now?.());
    const gc = this.optimizeMemory();
    steps.push({
      step: 'gc',
      ok: gc.forced,
      durationMs: gc.durationMs,
      detail: gc.forced
        ? `${gc.method}: ${formatBytes(gc.heapUsedBeforeBytes)} → ${formatBytes(gc.heapUsedAfterBytes)}`
        : gc.message,
    });
    if (options.heapSnapshot) {
      const t0 = Date.now();
      try {
        const snap = this.writeHeapSnapshot();
        steps.push({
          step: 'heap-snapshot',
          ok: true,
          detail: `${snap.path} (${formatBytes(snap.bytes)})`,
          durationMs: snap.durationMs,
        });
      } catch (error) {
        steps.push({
          step: 'heap-snapshot',
          ok: false,
          detail: describeError(error),
          durationMs: Date.now() - t0,
        });
      }
    }
    this.deps.logger.info({ steps }, 'memory: emergency cleanup done');
    return steps;
  }
}
