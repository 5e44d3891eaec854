import { VitalsError } from '../errors';
import type { Clock } from './clock';
import { systemClock } from './clock';

/** Outcome of {@link withDeadline}. */
export type DeadlineResult<T> =
  | { ok: true; value: T; durationMs: number }
  | { ok: false; timedOut: boolean; error: unknown; durationMs: number };

/**
 * Runs `fn` and settles within `ms` whatever it does: its value, its error, or a time-out (the
 * work itself cannot be cancelled; it is abandoned). Never throws.
 */
export async function withDeadline<T>(
  fn: () => T | Promise<T>,
  ms: number,
  what: string,
  clock: Clock = systemClock,
): Promise<DeadlineResult<T>> {
  const started = clock.now();
  let cancel: (() => void) | undefined;
  try {
    const work = Promise.resolve().then(fn);
    const timeout = new Promise<never>((_, reject) => {
      cancel = clock.setTimeout(
        () =>
          reject(
            new VitalsError('ERR_LIFECYCLE_TIMEOUT', `${what} did not finish within ${ms} ms`),
          ),
        ms,
      );
    });
    const value = await Promise.race([work, timeout]);
    return { ok: true, value, durationMs: clock.now() - started };
  } catch (error) {
    const timedOut = error instanceof VitalsError && error.code === 'ERR_LIFECYCLE_TIMEOUT';
    return { ok: false, timedOut, error, durationMs: clock.now() - started };
  } finally {
    cancel?.();
  }
}
