import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessTableCache, readProcessTable } from './process.table';

/** A `/proc/<pid>/stat` line: `comm`, parent 1, start time `startTicks` after boot. */
function statLine(pid: number, comm: string, startTicks: number): string {
  const rest = [
    'S',
    1,
    pid,
    pid,
    0,
    -1,
    0,
    0,
    0,
    0,
    0,
    7,
    3,
    0,
    0,
    20,
    0,
    1,
    0,
    startTicks,
    1e6,
    10,
  ];
  return `${pid} (${comm}) ${rest.join(' ')} 0 0 0\n`;
}

describe('readProcessTable with a cache', () => {
  let root: string;
  const BOOT_MS = 1_000_000;
  const put = (pid: number, comm: string, argv: string[], startTicks = 500) => {
    mkdirSync(join(root, String(pid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'stat'), statLine(pid, comm, startTicks));
    writeFileSync(join(root, String(pid), 'cmdline'), argv.map((a) => `${a}\0`).join(''));
  };
  // Process 100 started 5 s after boot (500 ticks); now is 10 s later.
  const now = BOOT_MS + 15_000;
  const argvOf = (table: ReturnType<typeof readProcessTable>, pid: number) =>
    table.find((p) => p.pid === pid)?.argv;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-ptable-'));
    writeFileSync(join(root, 'stat'), `cpu 0 0 0 0\nbtime ${BOOT_MS / 1000}\n`);
    put(100, 'node', ['node', 'a.js']);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the arguments of a process once while it runs the same program', () => {
    const cache = new ProcessTableCache();
    const read = () => readProcessTable({ procRoot: root, now, cache });
    expect(argvOf(read(), 100)).toEqual(['node', 'a.js']);
    put(100, 'node', ['node', 'b.js']); // same pid, start time and comm: kept
    expect(argvOf(read(), 100)).toEqual(['node', 'a.js']);
    put(100, 'sh', ['sh', '-c', 'x']); // exec of another program: comm changed
    expect(argvOf(read(), 100)).toEqual(['sh', '-c', 'x']);
    put(100, 'sh', ['sh', 'y'], 900); // the pid reused: another start time
    expect(argvOf(read(), 100)).toEqual(['sh', 'y']);
    // Without a cache every read reads everything.
    put(100, 'sh', ['sh', 'z'], 900);
    expect(argvOf(readProcessTable({ procRoot: root, now }), 100)).toEqual(['sh', 'z']);
  });

  it('keeps nothing of a process younger than 2 s (a fork reads as its parent until it execs)', () => {
    const cache = new ProcessTableCache();
    put(101, 'node', ['node', 'parent.js'], 1400); // started 1 s before now
    expect(argvOf(readProcessTable({ procRoot: root, now, cache }), 101)).toEqual([
      'node',
      'parent.js',
    ]);
    put(101, 'node', ['node', 'worker.js'], 1400);
    expect(argvOf(readProcessTable({ procRoot: root, now, cache }), 101)).toEqual([
      'node',
      'worker.js',
    ]);
  });

  it('reads everything again every fullEvery reads, and forgets processes that are gone', () => {
    const cache = new ProcessTableCache(2);
    const read = () => readProcessTable({ procRoot: root, now, cache });
    read(); // full
    put(100, 'node', ['node', 'b.js']);
    expect(argvOf(read(), 100)).toEqual(['node', 'a.js']);
    expect(argvOf(read(), 100)).toEqual(['node', 'b.js']); // full again
    rmSync(join(root, '100'), { recursive: true });
    expect(read()).toEqual([]);
    put(100, 'node', ['node', 'c.js']);
    expect(argvOf(read(), 100)).toEqual(['node', 'c.js']);
  });

  it('reads the working folder of a kept process once', () => {
    const cache = new ProcessTableCache();
    symlinkSync('/srv/a', join(root, '100', 'cwd'));
    readProcessTable({ procRoot: root, now, cache });
    expect(cache.cwd(100, root)).toBe('/srv/a');
    rmSync(join(root, '100', 'cwd'));
    symlinkSync('/srv/b', join(root, '100', 'cwd'));
    expect(cache.cwd(100, root)).toBe('/srv/a');
  });
});
