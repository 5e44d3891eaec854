import type { DependencyContainer } from 'tsyringe';
import { asInjectionToken, describeError, formatBytes, formatDuration } from '@vitals/core';
import type { Cancel, Clock, Logger, ServiceRegistry, Token } from '@vitals/core';
import type { LeakEvent, LeakKind } from '../leak/leak.monitor';
import type { HeapSnapshotWriter } from './heap-snapshot.writer';
import { summarizeHeapSnapshot } from './heap-snapshot.reader';
import { diffHeapSummaries } from './heap-diff';
import type { HeapDiffRow } from './heap-diff';

/** What {@link LeakEvidence} needs. */
export interface LeakEvidenceDeps {
  readonly container: DependencyContainer;
  readonly registryToken: Token<ServiceRegistry>;
  /** Guards (rate limit, free disk, file cap) and this process's snapshots. */
  readonly writer: HeapSnapshotWriter;
  /** Folder for a service's snapshots (the writer's folder is used for this process). */
  readonly dir?: string;
  /** Time between the two snapshots, ms. */
  readonly gapMs: number;
  /** Refuse when the heap used is above this, bytes. */
  readonly maxHeapBytes: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Heap used now of `service` (undefined: this process), bytes; undefined when unknown. */
  readonly heapUsed: (service: string | undefined) => number | undefined;
  /** Called with the alert's new summary: the verdict and the top growing constructors. */
  readonly onDiff: (service: string | undefined, kind: LeakKind, message: string) => void;
  /** Rows of the diff named in the message. @default 5 */
  readonly top?: number;
}

/**
 * Evidence with a leak alert (`--snapshot-on-leak`, issue 10 item 6): once a leak is confirmed
 * for a process, two heap snapshots `gapMs` apart — a supervised service's through
 * `SERVICE_REGISTRY.heapSnapshot(service, { dir })`, this process's through the writer — inside
 * the writer's rate limit (the pair counts as one), free-disk check and file cap; then the diff
 * by constructor, whose top growing rows go into the log and the alert's message. A heap above
 * `maxHeapBytes` is refused, and the log and the alert say so. One pair per process at a time;
 * every failure is logged, never thrown.
 *
 * @example leaks.events$.subscribe((e) => e.state === 'detected' && evidence.onDetected(e))
 */
export class LeakEvidence {
  private readonly busy = new Set<string>();
  private readonly timers = new Set<Cancel>();
  private closed = false;

  constructor(private readonly deps: LeakEvidenceDeps) {}

  /** Starts a pair of snapshots for the event's process, unless one is under way. */
  onDetected(event: LeakEvent): void {
    const key = event.service ?? '';
    if (this.closed || this.busy.has(key)) return;
    this.busy.add(key);
    this.run(event)
      .catch((error: unknown) =>
        this.deps.logger.warn(
          { service: event.service, err: describeError(error) },
          `memory: no leak evidence for ${whose(event.service)}: ${describeError(error)}`,
        ),
      )
      .finally(() => this.busy.delete(key));
  }

  /** Cancels pending second snapshots. */
  close(): void {
    this.closed = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private async run(event: LeakEvent): Promise<void> {
    const { service, kind } = event;
    const heap = this.deps.heapUsed(service);
    if (heap !== undefined && heap > this.deps.maxHeapBytes) {
      const why = `no heap snapshot: heap used ${formatBytes(heap)} is above snapshotMaxHeapBytes ${formatBytes(this.deps.maxHeapBytes)} (a snapshot pauses the process and needs about its heap in memory)`;
      this.deps.logger.warn({ service, heapUsedBytes: heap }, `memory: ${whose(service)}: ${why}`);
      this.deps.onDiff(service, kind, `${event.message}; ${why}`);
      return;
    }
    const first = await this.snapshot(service, heap ?? 0, false);
    this.deps.logger.info(
      { service, path: first },
      `memory: leak evidence for ${whose(service)}: first heap snapshot ${first}; the second in ${formatDuration(this.deps.gapMs)}`,
    );
    await new Promise<void>((resolve) => {
      const cancel = this.deps.clock.setTimeout(() => {
        this.timers.delete(cancel);
        resolve();
      }, this.deps.gapMs);
      this.timers.add(cancel);
    });
    if (this.closed) return;
    const second = await this.snapshot(service, this.deps.heapUsed(service) ?? heap ?? 0, true);
    const rows = diffHeapSummaries(
      await summarizeHeapSnapshot(first),
      await summarizeHeapSnapshot(second),
    ).slice(0, this.deps.top ?? 5);
    const grew = describeRows(rows);
    this.deps.logger.warn(
      { service, kind, first, second, top: rows },
      `memory: leak evidence for ${whose(service)}: grew in ${formatDuration(this.deps.gapMs)}: ${grew}`,
    );
    this.deps.onDiff(
      service,
      kind,
      `${event.message}; grew in ${formatDuration(this.deps.gapMs)}: ${grew} (${second})`,
    );
  }

  private async snapshot(
    service: string | undefined,
    heapBytes: number,
    second: boolean,
  ): Promise<string> {
    const { writer } = this.deps;
    if (service === undefined) {
      if (!second) return writer.write().path;
      writer.reserve(heapBytes, true);
      return writer.writeReserved().path;
    }
    const registry = this.deps.container.isRegistered(this.deps.registryToken, true)
      ? this.deps.container.resolve(asInjectionToken(this.deps.registryToken))
      : undefined;
    if (!registry)
      throw new Error('no supervisor provides SERVICE_REGISTRY (is @vitals/startup running it?)');
    writer.reserve(heapBytes, second);
    const dir = this.deps.dir ?? writer.dir;
    const path = await registry.heapSnapshot(service, { dir });
    const pid = registry.list().find((s) => s.name === service)?.pid ?? 0;
    return dir === writer.dir ? writer.adopt(path, pid).path : path;
  }
}

function whose(service: string | undefined): string {
  return service === undefined ? 'this process' : `service ${JSON.stringify(service)}`;
}

/** `Session +12.3 MiB (+4000), (string) +2.0 MiB (+310)`; the first rows only. */
export function describeRows(rows: readonly HeapDiffRow[]): string {
  if (rows.length === 0) return 'no constructor grew';
  return rows
    .map(
      (r) =>
        `${JSON.stringify(r.constructorName).slice(1, -1)} +${formatBytes(r.sizeDelta)} (${r.countDelta >= 0 ? '+' : ''}${r.countDelta})`,
    )
    .join(', ');
}
