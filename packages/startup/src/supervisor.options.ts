import type { Writable } from 'node:stream';
import type { Clock, InstanceLockService, Logger, MetricStream } from '@vitals/core';
import type { TreeProcess } from './process.tree';
import type { SystemdNotifier } from './systemd.notifier';

/** What a {@link Supervisor} runs and how. Durations in ms. */
export interface SupervisorOptions {
  /** The program: `node`, a path, or a `.js` file (run with this Node). */
  readonly command: string;
  /** @default [] */
  readonly args?: readonly string[];
  /** The child's environment (the supervisor never reads `process.env` itself). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default the script's file name (`app` for `node app.js`) */
  readonly name?: string;
  /** @default the current directory */
  readonly cwd?: string;
  /** @default 'on-failure' */
  readonly restart?: 'on-failure' | 'always' | 'never';
  /** @default 10 */
  readonly maxRestarts?: number;
  /** @default 60000 */
  readonly restartWindowMs?: number;
  /** @default 100 */
  readonly backoffInitialMs?: number;
  /** @default 15000 */
  readonly backoffMaxMs?: number;
  /** @default 30000 */
  readonly backoffResetMs?: number;
  /** RSS ceiling in bytes; unset: no memory restarts. @default undefined */
  readonly maxMemoryBytes?: number;
  /** How long RSS must stay over the ceiling. @default 30000 */
  readonly maxMemoryForMs?: number;
  /** @default 1000 */
  readonly memoryCheckIntervalMs?: number;
  /** SIGTERM → SIGKILL grace. @default 5000 */
  readonly killTimeoutMs?: number;
  /** Load the agent into Node children. @default true */
  readonly agent?: boolean;
  /** @default the agent shipped in this package */
  readonly agentPath?: string;
  /** @default 1000 */
  readonly agentIntervalMs?: number;
  /** Flags put before the user's NODE_OPTIONS (theirs win). @default [] */
  readonly nodeOptions?: readonly string[];
  /** Where the child's stdout goes. @default inherited (passes through unchanged) */
  readonly stdout?: Writable;
  /** Where the child's stderr goes. @default inherited */
  readonly stderr?: Writable;
  /** Lock directory for the instance lock. @default the lock service's default */
  readonly lockDir?: string;
  /**
   * What `maxMemoryBytes` counts: the direct child's RSS, or the RSS summed over its whole process
   * tree (found by parent pid in `/proc`). @default 'child'
   */
  readonly memoryScope?: 'child' | 'tree';
  /**
   * A Node child whose agent has not reported for this long while it runs and is not being stopped
   * is hung (its event loop is blocked): restarted with SIGTERM, then SIGKILL after the kill
   * timeout. 0 turns it off. @default max(30000, 3 × agentIntervalMs)
   */
  readonly hangTimeoutMs?: number;
  /** Measurement GC after this long without a major GC in the child; 0 = off. @default 10000 */
  readonly measureGcAfterMs?: number;
  /** Share of wall time the child's measurement GCs may pause it (0.0001–0.1). @default 0.01 */
  readonly measureGcPauseRatio?: number;
  /** No measurement GC while the child's heap used is above this, bytes. @default 256 MiB */
  readonly measureGcMaxHeapBytes?: number;
  /** The agent SIGTERMs its own process when the supervisor vanishes (IPC closed). @default false */
  readonly exitOnDisconnect?: boolean;
  /** Heap snapshots are refused while the child's heap used is above this, bytes. @default 1 GiB */
  readonly snapshotMaxHeapBytes?: number;
  /**
   * Values that never reach the child's environment (the HTTP token): a variable holding one is
   * removed, as is every `VITALS_*` variable. @default []
   */
  readonly secrets?: readonly string[];
  /**
   * A previous supervisor's child still running (recorded in the `<name>.child` lock; its
   * supervisor was killed) is stopped first instead of refusing to start. @default false
   */
  readonly replace?: boolean;
}

/** What a {@link Supervisor} uses; every field optional. */
export interface SupervisorDeps {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Where agent metrics and supervisor metrics are published. */
  readonly stream?: MetricStream;
  /** The single-instance lock (from @vitals/process); without it no lock is taken. */
  readonly lock?: InstanceLockService;
  readonly notifier?: SystemdNotifier;
  /** RSS of a pid in bytes. @default `/proc/<pid>/stat` rss × page size (= VmRSS), kept open */
  readonly readRssBytes?: (pid: number) => number | undefined;
  /** The process tree under a pid. @default scans of /proc/<pid>/stat parent pids (new pids only) */
  readonly readTree?: (pid: number) => readonly TreeProcess[];
}

/** Something the supervisor did, on `events$`. */
export type SupervisorEvent =
  | {
      readonly type: 'spawn';
      readonly pid: number;
      readonly restarts: number;
      readonly agent: boolean;
    }
  | { readonly type: 'agent'; readonly pid: number; readonly node: string }
  | {
      readonly type: 'exit';
      readonly pid: number;
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly uptimeMs: number;
    }
  | {
      readonly type: 'restart-scheduled';
      readonly reason: 'crash' | 'memory' | 'hang';
      readonly delayMs: number;
      readonly attempt: number;
    }
  | {
      readonly type: 'memory-over';
      readonly pid: number;
      readonly rssBytes: number;
      readonly sinceMs: number;
    }
  | { readonly type: 'hang'; readonly pid: number; readonly silentMs: number }
  | { readonly type: 'give-up'; readonly restarts: number; readonly windowMs: number }
  | { readonly type: 'signal'; readonly pid: number; readonly signal: NodeJS.Signals }
  | { readonly type: 'stopped'; readonly exitCode: number };
