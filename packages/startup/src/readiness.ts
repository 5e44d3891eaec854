import type { Finding, HostHandle, HostState } from '@vitals/core';

/** What `/health/ready` reports. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** `starting`, `ready`, `stopping` or `failed`. */
  readonly status: 'starting' | 'ready' | 'stopping' | 'failed';
  readonly hostState: HostState | 'unknown';
  /** Start-up tasks still holding readiness back. */
  readonly pending: readonly string[];
  /** Pre-start findings that are not `ok`/`info` (failing checks). */
  readonly checks: readonly Finding[];
}

/**
 * Whether the service should receive work. Ready means: the host is running, no start-up task
 * holds readiness back (`bootstrap()` holds it until `main` resolved), the pre-start checks passed,
 * and shutdown has not begun. Shutdown flips it to not-ready at once, before the host stops, so a
 * load balancer drains the service first.
 * @example
 * const readiness = host.container.resolve(READINESS);
 * readiness.hold('cache warm-up');
 * await warmUp();
 * readiness.release('cache warm-up');
 */
export class Readiness {
  private host: HostHandle | undefined;
  private readonly holds = new Set<string>();
  private findings: readonly Finding[] = [];
  private prestartFailed = false;
  private shuttingDown = false;

  /** Called by the startup plugin's `start()`: from now on the host's state counts. */
  attach(host: HostHandle): void {
    this.host = host;
  }

  /** Keeps the service not-ready until `release(task)`. */
  hold(task: string): void {
    this.holds.add(task);
  }

  /** Ends a hold. Unknown tasks are ignored. */
  release(task: string): void {
    this.holds.delete(task);
  }

  /**
   * Records pre-start findings; warnings and critical ones are listed by `/health/ready`, and a
   * critical one keeps the service not-ready unless `blocking` is false (started with force).
   */
  setPrestart(findings: readonly Finding[], blocking = true): void {
    this.findings = findings.filter((f) => f.severity === 'warning' || f.severity === 'critical');
    this.prestartFailed = blocking && findings.some((f) => f.severity === 'critical');
  }

  /** Shutdown has begun: not-ready from now on. */
  markStopping(): void {
    this.shuttingDown = true;
  }

  /** True once shutdown began. */
  get stopping(): boolean {
    return this.shuttingDown;
  }

  /** The current answer of `/health/ready`. */
  report(): ReadinessReport {
    const hostState = this.host?.state ?? 'unknown';
    const pending = [...this.holds];
    const stopping = this.shuttingDown || hostState === 'stopping' || hostState === 'stopped';
    const failed = hostState === 'failed' || this.prestartFailed;
    const ready = !stopping && !failed && hostState === 'running' && pending.length === 0;
    const status = stopping ? 'stopping' : failed ? 'failed' : ready ? 'ready' : 'starting';
    return { ready, status, hostState, pending, checks: this.findings };
  }
}
