import {
  parseBytesInRange,
  parseCountInRange,
  parseDurationInRange,
  TIMER_MAX_MS,
} from '../util/units';
import { validateConfig } from './config.loader';
import { schemas, z } from './schemas';

const errorsOf = (values: Record<string, unknown>) =>
  validateConfig({ values, file: '/x/vitals.config.json' }, [])
    .problems.filter((p) => p.severity === 'error')
    .map((p) => p.message);

describe('ranges of durations, sizes and counts (issue 11)', () => {
  it.each([
    [
      { http: { token: ' '.repeat(16) } },
      /http\.token must be at least 16 visible characters .*\(got 16 characters\)/,
    ],
    [{ http: { token: 'has spaces in the middle' } }, /http\.token .*\(got 24 characters\)/],
    [
      { http: { maxConnections: 0 } },
      /http\.maxConnections must be a whole number from 1 to 10000 \(got 0\)/,
    ],
    [
      { http: { maxConnections: -1 } },
      /http\.maxConnections must be a whole number from 1 to 10000/,
    ],
    [{ http: { maxConnections: 1.5 } }, /http\.maxConnections must be a whole number/],
    [{ http: { maxBodyBytes: '2G' } }, /http\.maxBodyBytes must be at most 1\.0 GiB \(got "2G"\)/],
    [{ startTimeoutMs: '25d' }, /startTimeoutMs must be at most 1h \(got "25d"\)/],
    [{ stopTimeoutMs: 0 }, /stopTimeoutMs must be at least 100ms \(got 0\)/],
    [{ stopTimeoutMs: -1 }, /stopTimeoutMs must be a duration/],
    [{ history: { capacity: 0 } }, /history\.capacity must be a whole number from 1 to 1000000/],
    [{ thresholds: { threads: 'many' } }, /thresholds\.threads must be a whole number/],
  ])('%j is refused with one line', (values, line) => {
    const errors = errorsOf(values);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(line);
    expect(errors[0]).not.toContain('\n');
  });

  it('never echoes a token, even a wrong one', () => {
    const [line] = errorsOf({ http: { token: 'hunter2' } });
    expect(line).not.toContain('hunter2');
  });

  it('accepts good values', () => {
    expect(errorsOf({ http: { token: 'f'.repeat(16), maxConnections: 10_000 } })).toEqual([]);
  });

  it('gives plugins duration ranges that stop timer overflow and zero intervals', () => {
    const section = z.strictObject({
      intervalMs: schemas.duration('1s', { min: '100ms', max: '1h' }),
      maxMemory: schemas.bytes(undefined, { min: '16M' }).optional(),
      limit: schemas.duration().optional(),
    });
    const check = (v: unknown) =>
      validateConfig({ values: { p: v } }, [{ name: 'p', schema: section }]).problems.map(
        (p) => p.message,
      );
    expect(check({})).toEqual([]);
    expect(check({ intervalMs: 0 })).toEqual([
      'config: p.intervalMs must be at least 100ms (got 0)',
    ]);
    expect(check({ intervalMs: '25d' })).toEqual([
      'config: p.intervalMs must be at most 1h (got "25d")',
    ]);
    expect(check({ limit: '25d' })[0]).toMatch(
      /must be at most 24d20h31m24s \(timers overflow at 2\^31 ms\)/,
    );
    expect(check({ maxMemory: 100 })[0]).toMatch(
      /p\.maxMemory must be at least 16\.0 MiB; a number without a unit is bytes: write "100M" \(got 100\)/,
    );
  });
});

describe('parse*InRange for flags', () => {
  it('names the flag and the rule in one line', () => {
    expect(() => parseDurationInRange('25d', {}, '--kill-timeout')).toThrow(
      '--kill-timeout "25d" is out of range: must be at most 24d20h31m24s (timers overflow at 2^31 ms)',
    );
    expect(parseDurationInRange(TIMER_MAX_MS)).toBe(TIMER_MAX_MS);
    expect(() => parseBytesInRange(100, { min: '1M' }, '--max-memory')).toThrow(
      '--max-memory 100 is out of range: must be at least 1.0 MiB; a number without a unit is bytes: write "100M"',
    );
    expect(() => parseCountInRange('x', {}, '--limit')).toThrow(
      '--limit "x" must be a whole number',
    );
    expect(() => parseCountInRange('-1', { min: 1 }, '--limit')).toThrow('must be at least 1');
    expect(parseCountInRange('20', { min: 1, max: 100 })).toBe(20);
  });
});
