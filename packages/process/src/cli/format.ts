import { formatBytes, formatDuration } from '@vitals/core';
import type { ProcessInfo } from '../table/process.table';

/**
 * Renders rows as left-aligned columns (the last column is not padded), cutting each line to
 * `width` characters when given.
 * @example renderTable([['PID', 'CMD'], ['1', 'init']])
 */
export function renderTable(rows: readonly (readonly string[])[], width?: number): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => {
      const line = row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ');
      return width && line.length > width ? `${line.slice(0, width - 1)}…` : line;
    })
    .join('\n');
}

/** Header of {@link processRow}. */
export const PROCESS_HEADER = ['PID', 'PPID', 'USER', 'S', 'AGE', 'RSS', 'CPU%', 'COMMAND'];

/** One `ps` line of a process. */
export function processRow(p: ProcessInfo, now: number, cpu = p.cpuPercent): string[] {
  return [
    String(p.pid),
    String(p.ppid),
    p.user,
    p.state,
    formatDuration(Math.max(0, now - p.startTimeMs)),
    formatBytes(p.rssBytes),
    cpu.toFixed(1),
    p.command,
  ];
}
