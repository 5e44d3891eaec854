import { accessSync, constants, statSync } from 'node:fs';
import { formatBytes } from '@vitals/core';
import type { CliCommand, CliContext } from '@vitals/core';
import { memoryError } from '../memory.errors';
import { diffHeapSummaries } from './heap-diff';
import { summarizeHeapSnapshot } from './heap-snapshot.reader';

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied' };

/** One clear line for a missing, unreadable or non-regular file, before any streaming starts. */
function checkReadable(file: string): void {
  let isFile: boolean;
  try {
    accessSync(file, constants.R_OK);
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw memoryError('ERR_USAGE', `cannot read ${file}: ${READ_ERRORS[code] ?? code}`, error);
  }
  if (!isFile)
    throw memoryError('ERR_USAGE', `cannot read ${file}: not a file (give a .heapsnapshot)`);
}

/**
 * `vitals heap diff a.heapsnapshot b.heapsnapshot [--top N] [--json]`: streams both files and
 * prints the constructors whose live count and self size grew most from a to b.
 */
export const heapDiffCommand: CliCommand = {
  name: 'heap diff',
  summary: 'Compare two heap snapshots: the constructors that grew most',
  usage: 'a.heapsnapshot b.heapsnapshot [--top N] [--json]',
  positionals: true,
  options: {
    top: { type: 'string', description: 'Rows to print (default 20)', valueName: 'N' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  async run(ctx: CliContext): Promise<number> {
    const [a, b] = ctx.positionals;
    if (!a || !b || ctx.positionals.length !== 2)
      throw memoryError(
        'ERR_USAGE',
        'heap diff needs two files: vitals heap diff before.heapsnapshot after.heapsnapshot',
      );
    const top = ctx.options.top === undefined ? 20 : Number(ctx.options.top);
    if (!Number.isInteger(top) || top <= 0)
      throw memoryError(
        'ERR_USAGE',
        `--top must be a whole number > 0 (got ${String(ctx.options.top)})`,
      );
    for (const file of [a, b]) checkReadable(file);
    const [before, after] = await Promise.all([summarizeHeapSnapshot(a), summarizeHeapSnapshot(b)]);
    const rows = diffHeapSummaries(before, after).slice(0, top);
    if (ctx.options.json) {
      ctx.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    ctx.stdout.write(
      `heap: ${formatBytes(before.totalSelfSize)} → ${formatBytes(after.totalSelfSize)} (${before.nodeCount} → ${after.nodeCount} objects); constructors that grew, largest Δ self size first\n`,
    );
    const table = [['constructor', 'count', 'Δ count', 'self size', 'Δ size']];
    for (const r of rows) {
      table.push([
        r.constructorName,
        `${r.countBefore} → ${r.countAfter}`,
        `${r.countDelta >= 0 ? '+' : ''}${r.countDelta}`,
        `${formatBytes(r.sizeBefore)} → ${formatBytes(r.sizeAfter)}`,
        `${r.sizeDelta >= 0 ? '+' : ''}${formatBytes(r.sizeDelta)}`,
      ]);
    }
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
    for (const r of table)
      ctx.stdout.write(
        `${r
          .map((cell, c) => cell.padEnd(widths[c]))
          .join('  ')
          .trimEnd()}\n`,
      );
    return 0;
  },
};
