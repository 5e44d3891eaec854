/**
 * End-of-life dates of Node.js release lines (https://github.com/nodejs/Release, schedule.json).
 * Odd majors are never LTS and end after about eight months. Lines older than the first entry
 * are long past their end of life.
 * @example NODE_EOL[20] // '2026-04-30'
 */
export const NODE_EOL: Readonly<Record<number, string>> = Object.freeze({
  12: '2022-04-30',
  13: '2020-06-01',
  14: '2023-04-30',
  15: '2021-06-01',
  16: '2023-09-11',
  17: '2022-06-01',
  18: '2025-04-30',
  19: '2023-06-01',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
  25: '2026-06-01',
  26: '2029-04-30',
});

/** The end-of-life date of a major line: the table, or `undefined` for a line newer than it. */
export function nodeEolDate(major: number): Date | undefined {
  const known = NODE_EOL[major];
  if (known) return new Date(`${known}T00:00:00Z`);
  const oldest = Math.min(...Object.keys(NODE_EOL).map(Number));
  return major < oldest ? new Date(`${NODE_EOL[oldest]}T00:00:00Z`) : undefined;
}
