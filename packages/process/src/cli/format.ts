import { escapeControl, formatBytes, formatDuration } from '@vitals/core';
import type { ProcessInfo } from '../table/process.table';

/**
 * Renders rows as columns two spaces apart, left-aligned except the columns in `right` (figures
 * such as RSS and CPU%); the last column is not padded. Each line is cut to `width` characters
 * when given. Every cell is passed through `escapeControl` first: cells hold outside text
 * (command lines, user names, unit descriptions, paths), and a newline in one must not forge a row.
 * @example renderTable([['PID', 'RSS'], ['1', '12 MiB']], 80, new Set([1]))
 */
export function renderTable(
  rows: readonly (readonly string[])[],
  width?: number,
  right: ReadonlySet<number> = new Set(),
): string {
  rows = rows.map((row) => row.map((cell) => escapeControl(cell)));
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => {
      const line = row
        .map((cell, i) => {
          if (right.has(i)) return cell.padStart(widths[i]);
          return i === row.length - 1 ? cell : cell.padEnd(widths[i]);
        })
        .join('  ');
      return width && line.length > width ? `${line.slice(0, width - 1)}…` : line;
    })
    .join('\n');
}

/** Header of {@link processRow}. */
export const PROCESS_HEADER = ['PID', 'PPID', 'USER', 'S', 'AGE', 'RSS', 'CPU%', 'COMMAND'];

/** Columns of {@link PROCESS_HEADER} that hold figures and are right-aligned: RSS and CPU%. */
export const PROCESS_FIGURES: ReadonlySet<number> = new Set([5, 6]);

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
