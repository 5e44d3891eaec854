import fc from 'fast-check';
import { isVitalsError } from '../errors';
import {
  TIMER_MAX_MS,
  formatDuration,
  parseBytes,
  parseBytesInRange,
  parseDuration,
  parseDurationInRange,
} from './units';

// Fuzzing of the duration and size parsers (issue 11), bounded for CI.
const RUNS = { numRuns: 200 };

/** Calls `fn`; any error must be a one-line VitalsError, never a crash or a stack. */
function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    expect(isVitalsError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return undefined;
  }
}

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[0-9.]{0,400}(ms|s|m|h|d|k|M|G|T|KiB|GB)?$/),
  fc.stringMatching(/^\d{300,400}(ms|d|T)?$/),
);

describe('units parsers (fuzz)', () => {
  it('parseDuration and parseBytes give a finite number ≥ 0 or a one-line error, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.double(), fc.integer()), (input) => {
        for (const parse of [parseDuration, parseBytes]) {
          const value = safely(() => parse(input));
          if (value !== undefined) {
            expect(Number.isFinite(value)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      RUNS,
    );
  });

  it('the ranged parsers never return a value outside their range (timers never overflow)', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.double(), fc.integer()), (input) => {
        const ms = safely(() => parseDurationInRange(input));
        if (ms !== undefined) expect(ms).toBeLessThanOrEqual(TIMER_MAX_MS);
        const bytes = safely(() => parseBytesInRange(input, { min: '1M', max: '1T' }));
        if (bytes !== undefined) {
          expect(bytes).toBeGreaterThanOrEqual(1024 ** 2);
          expect(bytes).toBeLessThanOrEqual(1024 ** 4);
        }
      }),
      RUNS,
    );
  });

  it('reads back what formatDuration writes, to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TIMER_MAX_MS }), (ms) => {
        const back = parseDuration(formatDuration(ms));
        expect(Math.abs(back - ms)).toBeLessThanOrEqual(500);
      }),
      RUNS,
    );
  });

  it('reads "<n><unit>" as n times the unit', () => {
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom(...Object.keys(units)),
        (n, u) => {
          expect(parseDuration(`${n}${u}`)).toBe(n * units[u as keyof typeof units]);
          expect(parseBytes(`${n}M`)).toBe(n * 1024 ** 2);
        },
      ),
      RUNS,
    );
  });
});
