import type { DependencyContainer } from 'tsyringe';
import type { Observable } from 'rxjs';
import type { AlertEngine } from '../alerts/alert.engine';
import type { VitalsConfig } from '../config/config.types';
import type { Logger } from '../logging/logger';
import type { DescriptorRegistry } from '../metrics/descriptor.registry';
import type { History } from '../metrics/history';
import type { MetricStream } from '../metrics/metric.stream';
import type { Snapshot } from '../metrics/snapshot';
import type { Clock } from '../util/clock';
import type { Token } from '../tokens';

/** Lifecycle of a host. */
export type HostState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** Options of `collectOnce()`. */
export interface CollectOnceOptions {
  /** Deadline per collector, ms. @default 2000 */
  readonly timeoutMs?: number;
  /** Also publish the batches on the stream. @default false */
  readonly publish?: boolean;
}

/** What `stop()` did. */
export interface StopReport {
  readonly reason: string;
  /** Plugins and hooks that threw or were abandoned at their deadline. */
  readonly failures: readonly {
    readonly step: string;
    readonly message: string;
    readonly timedOut: boolean;
  }[];
  readonly durationMs: number;
}

/** A running (or ready-to-run) Vitals host. */
export interface HostHandle {
  readonly container: DependencyContainer;
  readonly config: VitalsConfig;
  readonly stream: MetricStream;
  readonly history: History;
  readonly alerts: AlertEngine;
  readonly descriptors: DescriptorRegistry;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Plugin names in start order. */
  readonly plugins: readonly string[];
  readonly state: HostState;
  readonly state$: Observable<HostState>;
  /** Starts the HTTP server (when routes exist) and every plugin in order; rolls back on failure. */
  start(): Promise<void>;
  /** Runs shutdown hooks, stops plugins in reverse, closes HTTP. Idempotent. */
  stop(reason?: string): Promise<StopReport>;
  /** Runs every registered collector once, each with a deadline. */
  collectOnce(options?: CollectOnceOptions): Promise<Snapshot>;
  /** The value registered under a typed token, typed (`host.resolve(DIAGNOSTICS).run()`). */
  resolve<T>(token: Token<T>): T;
  /** Every value registered under a multi-token (none → empty). */
  resolveAll<T>(token: symbol): T[];
  /** Where the HTTP server listens, once started. */
  httpAddress(): { host: string; port: number } | undefined;
}
