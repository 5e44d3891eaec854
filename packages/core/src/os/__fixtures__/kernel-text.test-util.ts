import fc from 'fast-check';

/** Runs per property: bounded so the whole fuzz suite stays within seconds in CI. */
export const FUZZ_RUNS = 200;

/**
 * Tokens the kernel's files are made of, plus the ones that break naive parsers: NaN, huge and
 * negative numbers, `max`/`unlimited`, separators, `..`, NUL, `__proto__`.
 */
const TOKENS = [
  '0', '1', '-1', '42', '100000', '4096', '9223372036854771712', '9223372036854775807',
  '99999999999999999999999999', '1e400', 'NaN', 'Infinity', '-0', '0x10', '', ' ', '  ', '\t',
  '\n', '\0', ':', '::', '(', ')', ') (', '/', '..', '../..', '.', ',', '=', 'kB', 'max',
  'unlimited', 'Max open files', 'Max processes', 'Max address space', 'files', 'memory', 'cpu',
  'cpu,cpuacct', 'name=systemd', 'MemTotal:', 'MemAvailable:', 'SwapTotal:', 'VmRSS:', 'Threads:',
  'btime', 'nr_periods', 'nr_throttled', 'throttled_time', 'throttled_usec', 'inactive_file',
  'total_inactive_file', '__proto__', 'constructor', '\\040', '\\777', 'rw', 'ro', 'ext4', 'overlay',
  '/dev/sda1', '\x1b[2J', 'é', '💥',
]; // prettier-ignore

/** Text that looks like a /proc or cgroup file, half the time, and like anything, otherwise. */
export const kernelText: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { maxLength: 60 })
    .map((parts) => parts.join(' ')),
  fc
    .array(
      fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((p) => p.join(' ')),
      { maxLength: 12 },
    )
    .map((lines) => lines.join('\n')),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/**
 * Every number anywhere in `value` (objects, arrays, nested) that is NaN, as paths; `[]` when none.
 * @example expect(nanPaths({ a: NaN })).toEqual(['a'])
 */
export function nanPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isNaN(value) ? [path || '(value)'] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nanPaths(v, path ? `${path}.${k}` : k));
}
