/** What one RSS reading means. */
export type MemoryVerdict =
  | { readonly action: 'ok' }
  | { readonly action: 'over'; readonly sinceMs: number }
  | { readonly action: 'restart'; readonly overForMs: number };

/**
 * A memory ceiling that must be exceeded for a sustained time, not once: PM2's
 * `max_memory_restart` restarts on a single reading, so one burst (a large JSON parse, a GC that
 * has not run yet) costs a restart. Here every reading over the limit extends the streak, one reading
 * under it ends the streak, and only a streak of `forMs` asks for a restart.
 * @example
 * const watch = new MemoryWatch(512 * 2 ** 20, 30_000);
 * watch.observe(now, rssBytes).action === 'restart'
 */
export class MemoryWatch {
  private overSince: number | undefined;

  constructor(
    readonly limitBytes: number,
    readonly forMs: number,
  ) {}

  /** Feeds one reading taken at `now`. */
  observe(now: number, rssBytes: number): MemoryVerdict {
    if (rssBytes <= this.limitBytes) {
      this.overSince = undefined;
      return { action: 'ok' };
    }
    this.overSince ??= now;
    const overForMs = now - this.overSince;
    if (overForMs >= this.forMs) {
      this.overSince = undefined;
      return { action: 'restart', overForMs };
    }
    return { action: 'over', sinceMs: this.overSince };
  }

  /** Forgets the streak (a new child). */
  reset(): void {
    this.overSince = undefined;
  }
}
