import type { ServiceRegistry, SupervisedService } from '@vitals/core';
import { startupError } from './startup.errors';
import type { Supervisor } from './supervisor';

/**
 * The startup plugin's SERVICE_REGISTRY: the services supervised in this host (one per
 * `vitals run`; a program may add several {@link Supervisor}s). The memory plugin asks it for heap
 * snapshots of a leaking service; the dashboard lists it.
 * @example registry.add(supervisor); registry.list()[0].state // 'up'
 */
export class SupervisorRegistry implements ServiceRegistry {
  private readonly supervisors = new Map<string, Supervisor>();

  /** Adds a supervisor under its name (a second one of the same name replaces the first). */
  add(supervisor: Supervisor): void {
    this.supervisors.set(supervisor.name, supervisor);
  }

  /** Forgets a supervisor. */
  remove(supervisor: Supervisor): void {
    if (this.supervisors.get(supervisor.name) === supervisor)
      this.supervisors.delete(supervisor.name);
  }

  /** Every service: name, state, pid, restarts, startedAt (epoch ms). */
  list(): readonly SupervisedService[] {
    return [...this.supervisors.values()].map((s) => s.service());
  }

  /**
   * A heap snapshot of `service`'s child, written into `dir` (see {@link Supervisor.heapSnapshot}).
   * Rejects with `ERR_SERVICE_UNAVAILABLE` for an unknown service.
   */
  heapSnapshot(service: string, options: { dir: string; timeoutMs?: number }): Promise<string> {
    const supervisor = this.supervisors.get(service);
    if (!supervisor)
      return Promise.reject(startupError.unavailable(service, 'no such supervised service'));
    return supervisor.heapSnapshot(options);
  }
}
