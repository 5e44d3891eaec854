import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Supervisor } from './supervisor';
import type { SupervisorEvent } from './supervisor.options';

/** Path of a fixture script. */
export const fixture = (name: string): string =>
  join(__dirname, '__fixtures__', `${name}.fixture.js`);

/** Records a supervisor's events and waits for one that matches. */
export class EventLog {
  readonly events: SupervisorEvent[] = [];
  private waiters: {
    match: (e: SupervisorEvent) => boolean;
    resolve: (e: SupervisorEvent) => void;
  }[] = [];

  constructor(supervisor: Supervisor) {
    supervisor.events$.subscribe((event) => {
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(event)) return true;
        w.resolve(event);
        return false;
      });
    });
  }

  /** The `n`-th (1-based) event of `type`, now or when it comes. */
  next<T extends SupervisorEvent['type']>(
    type: T,
    n = 1,
  ): Promise<Extract<SupervisorEvent, { type: T }>> {
    let seen = 0;
    const match = (e: SupervisorEvent) => e.type === type && ++seen === n;
    const found = this.events.find(match);
    if (found) return Promise.resolve(found as Extract<SupervisorEvent, { type: T }>);
    return new Promise((resolve) =>
      this.waiters.push({ match, resolve: resolve as (e: SupervisorEvent) => void }),
    );
  }

  of<T extends SupervisorEvent['type']>(type: T): Extract<SupervisorEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<SupervisorEvent, { type: T }>[];
  }
}

/** A stream that collects the child's output and resolves when a line appears. */
export class OutputLog extends PassThrough {
  text = '';
  private waiters: { needle: string; resolve: () => void }[] = [];

  constructor() {
    super();
    this.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
      this.waiters = this.waiters.filter((w) => {
        if (!this.text.includes(w.needle)) return true;
        w.resolve();
        return false;
      });
    });
  }

  /** Resolves once `needle` was printed (counting from the start). */
  waitFor(needle: string): Promise<void> {
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ needle, resolve }));
  }

  /** Resolves once `needle` was printed `count` times. */
  async waitForCount(needle: string, count: number): Promise<void> {
    while (this.text.split(needle).length - 1 < count) {
      await new Promise<void>((resolve) => this.once('data', () => resolve()));
    }
  }
}

/** Kills whatever a supervisor still runs (and its process group). */
export async function killAll(supervisor: Supervisor | undefined): Promise<void> {
  if (!supervisor) return;
  await supervisor.kill();
}
