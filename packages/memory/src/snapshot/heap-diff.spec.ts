import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isVitalsError } from '@vitals/core';
import type { CliContext } from '@vitals/core';
import { summarizeHeapSnapshot } from './heap-snapshot.reader';
import { diffHeapSummaries } from './heap-diff';
import { heapDiffCommand } from './heap-diff.command';

function cliContext(
  positionals: string[],
  options: CliContext['options'] = {},
): { ctx: CliContext; out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  const ctx = {
    options,
    positionals,
    rest: [],
    stdout,
    stderr: new PassThrough(),
    env: {},
    cwd: process.cwd(),
    stopSignal: new AbortController().signal,
  } as unknown as CliContext;
  return { ctx, out: () => text };
}

describe('heap diff', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-diff-'));
    // A child writes before/after snapshots around leaking 20,000 LeakyThing instances.
    execFileSync(
      process.execPath,
      [join(__dirname, '../__fixtures__/leaky-snapshot.fixture.js'), dir],
      { timeout: 60_000 },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams both snapshots and names the leaked constructor first', async () => {
    const before = await summarizeHeapSnapshot(join(dir, 'before.heapsnapshot'));
    const after = await summarizeHeapSnapshot(join(dir, 'after.heapsnapshot'));
    const [top] = diffHeapSummaries(before, after);
    expect(top).toMatchObject({
      constructorName: 'LeakyThing',
      countBefore: 0,
      countAfter: 20_000,
      countDelta: 20_000,
    });
    expect(top.sizeDelta).toBeGreaterThanOrEqual(20_000 * 24);
  });

  it('prints the table through the CLI command, and JSON with --json', async () => {
    const a = join(dir, 'before.heapsnapshot');
    const b = join(dir, 'after.heapsnapshot');
    const table = cliContext([a, b], { top: '3' });
    expect(await heapDiffCommand.run(table.ctx)).toBe(0);
    const lines = table.out().trim().split('\n');
    expect(lines[1]).toMatch(/^constructor/);
    expect(lines[2]).toMatch(/^LeakyThing\s+0 → 20000\s+\+20000/);
    expect(lines).toHaveLength(5);
    const json = cliContext([a, b], { json: true });
    await heapDiffCommand.run(json.ctx);
    expect(JSON.parse(json.out())[0].constructorName).toBe('LeakyThing');
  });

  it('refuses a file that is not a heap snapshot, and a missing argument, in one line', async () => {
    const bogus = join(dir, 'bogus.heapsnapshot');
    writeFileSync(bogus, '{"hello": [1, 2, 3]}');
    await expect(summarizeHeapSnapshot(bogus)).rejects.toMatchObject({
      code: 'ERR_HEAP_SNAPSHOT_FORMAT',
    });
    const error = await Promise.resolve(heapDiffCommand.run(cliContext([bogus]).ctx)).catch(
      (e: unknown) => e,
    );
    expect(isVitalsError(error, 'ERR_USAGE')).toBe(true);
  });

  it('names a missing file or a directory before streaming anything', async () => {
    const a = join(dir, 'before.heapsnapshot');
    const run = (files: string[]): Promise<unknown> =>
      Promise.resolve(heapDiffCommand.run(cliContext(files).ctx)).catch((e: unknown) => e);
    const missing = await run([a, join(dir, 'nope.heapsnapshot')]);
    expect(isVitalsError(missing, 'ERR_USAGE')).toBe(true);
    expect((missing as Error).message).toBe(
      `cannot read ${join(dir, 'nope.heapsnapshot')}: no such file`,
    );
    const folder = await run([dir, a]);
    expect((folder as Error).message).toBe(`cannot read ${dir}: not a file (give a .heapsnapshot)`);
  });
});
