import { createToken } from '@vitals/core';
import type { Observable } from 'rxjs';
import type { MemoryCleanupService } from '@vitals/core';
import type { LeakAssessment } from './leak/leak.detector';
import type { LeakEvent, LeakKind } from './leak/leak.monitor';
import type { OptimizeResult } from './cleanup/optimize-memory';
import type { HeapSnapshotResult } from './snapshot/heap-snapshot.writer';

/** Everything the memory plugin offers at run time, resolved from `MEMORY_SERVICE`. */
export interface MemoryService extends MemoryCleanupService {
  /** Registers a cache for emergency cleanup (a CleanupHandler); returns a function that unregisters it. */
  registerCache(name: string, clear: () => void | number | Promise<void | number>): () => void;
  /** Forces a full GC and reports what it freed (or that it could not). */
  optimizeMemory(): OptimizeResult;
  /** A heap snapshot, behind the rate limit, disk check and file cap. */
  writeHeapSnapshot(): HeapSnapshotResult;
  /**
   * Leak verdicts of this process and of every supervised service (`event.service`): detected,
   * update (while leaking), cleared — rate MB/h, confidence, window, time to limit.
   */
  readonly leaks$: Observable<LeakEvent>;
  /** The current verdict of each baseline of `service` (undefined: this process). */
  assessLeaks(service?: string): Record<LeakKind, LeakAssessment>;
  /** The supervised services whose post-GC baselines are watched now. */
  watchedServices(): string[];
}

/** The memory plugin's service. */
export const MEMORY_SERVICE = createToken<MemoryService>('@vitals/memory:MemoryService');
