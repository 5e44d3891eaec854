import { formatBytes, formatDuration, parseBytes, parseDuration } from './units';

describe('units', () => {
  it('parses durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration('2000')).toBe(2000);
    expect(() => parseDuration('soon')).toThrow('invalid duration "soon"');
    expect(() => parseDuration('10x')).toThrow('invalid duration');
    expect(() => parseDuration(-1)).toThrow('invalid duration -1');
  });

  it('parses sizes with binary multiples', () => {
    expect(parseBytes('512M')).toBe(512 * 1024 ** 2);
    expect(parseBytes('2G')).toBe(2 * 1024 ** 3);
    expect(parseBytes('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes('300mb')).toBe(300 * 1024 ** 2);
    expect(parseBytes(42)).toBe(42);
    expect(() => parseBytes('lots')).toThrow('invalid size "lots"');
    expect(() => parseBytes('5X')).toThrow('invalid size "5X"');
  });

  it('formats bytes and durations for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
    expect(formatDuration(450)).toBe('450ms');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(2 * 86_400_000 + 3_600_000)).toBe('2d1h');
  });
});
