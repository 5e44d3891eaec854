import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildStatReader, ProcessTreeScanner, readProcessTree, readRssBytes } from './process.tree';
import { fixture } from './supervisor.test-util';

/** A `/proc/<pid>/stat` line with the given parent and rss (pages). */
function statLine(pid: number, ppid: number, rssPages: number): string {
  const rest = [
    'S',
    ppid,
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
    500,
    1e6,
    rssPages,
  ];
  return `${pid} (node) ${rest.join(' ')} 0 0 0\n`;
}

describe('ProcessTreeScanner', () => {
  let root: string;
  const put = (pid: number, ppid: number, rssPages = 10) => {
    mkdirSync(join(root, String(pid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'stat'), statLine(pid, ppid, rssPages));
  };
  const gone = (pid: number) => rmSync(join(root, String(pid)), { recursive: true, force: true });
  const pids = (scanner: ProcessTreeScanner) => scanner.scan().map((p) => p.pid);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-proc-'));
    put(1, 0);
    put(100, 1, 25); // the child
    put(101, 100);
    put(102, 101);
    put(200, 1); // someone else's
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists the root first, then its descendants, with RSS from stat pages', () => {
    // No self/ in the fake tree: the page size falls back to 4096.
    expect(readProcessTree(100, root)).toEqual([
      { pid: 100, ppid: 1, rssBytes: 25 * 4096 },
      { pid: 101, ppid: 100, rssBytes: 10 * 4096 },
      { pid: 102, ppid: 101, rssBytes: 10 * 4096 },
    ]);
    expect(readProcessTree(999, root)).toEqual([]);
  });

  it('finds a new descendant and drops one that left the tree, scan after scan', () => {
    const scanner = new ProcessTreeScanner(100, root);
    expect(pids(scanner)).toEqual([100, 101, 102]);
    put(103, 102);
    expect(pids(scanner)).toEqual([100, 101, 102, 103]);
    put(101, 1); // its parent died: re-parented to init, with its own child 102 and 103
    expect(pids(scanner)).toEqual([100]);
    gone(100);
    expect(scanner.scan()).toEqual([]);
  });

  it('reads only new pids between full scans, and catches a reused pid at the next full one', () => {
    const scanner = new ProcessTreeScanner(100, root, 3);
    expect(pids(scanner)).toEqual([100, 101, 102]); // scan 0: full
    // 200 was outside; it exits and its number goes to a new child of the service.
    put(200, 100);
    expect(pids(scanner)).toEqual([100, 101, 102]); // scan 1: 200 is taken as known-outside
    // A known-outside process is not read again: a broken stat there would not matter.
    writeFileSync(join(root, '1', 'stat'), 'garbage');
    expect(pids(scanner)).toEqual([100, 101, 102]); // scan 2
    expect(pids(scanner)).toEqual([100, 101, 200, 102]); // scan 3: full again (breadth first)
  });

  it("reads the root through the reader it is given (a ChildStatReader's open descriptor)", async () => {
    const child = spawn(process.execPath, [fixture('idle')], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((resolve) => child.stdout?.once('data', resolve)); // its `ready` line
    const pid = child.pid as number;
    const stats = new ChildStatReader(pid);
    try {
      put(pid, 1, 77); // the fake tree's copy of the root: not what is read
      put(300, pid);
      const tree = new ProcessTreeScanner(pid, root, 30, () => stats.stat()).scan();
      expect(tree.map((p) => p.pid)).toEqual([pid, 300]);
      // The live child's RSS, not the 77 pages of the fake copy.
      expect(tree[0].rssBytes).toBeGreaterThan(0);
      expect(tree[0].rssBytes).not.toBe(77 * 4096);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(new ProcessTreeScanner(pid, root, 30, () => stats.stat()).scan()).toEqual([]);
    } finally {
      stats.close();
      child.kill('SIGKILL');
    }
  });
});

describe('ChildStatReader', () => {
  it("reads a live child's RSS, CPU time and start time through one descriptor, and nothing once it is gone", async () => {
    const child = spawn(process.execPath, [fixture('idle')], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    const pid = child.pid as number;
    const reader = new ChildStatReader(pid);
    try {
      let first = reader.read();
      // Until node has loaded and been charged a clock tick (10 ms) of CPU: read too early, the
      // kernel's utime + stime may still be 0 (it was once in CI).
      const settled = () =>
        (first?.rssBytes ?? 0) >= 10 * 1024 * 1024 && (first?.cpuSeconds ?? 0) > 0;
      for (let i = 0; i < 50 && !settled(); i++) {
        await new Promise((r) => setTimeout(r, 100));
        first = reader.read();
      }
      expect(first).toBeDefined();
      const vmRss = readRssBytes(pid) as number;
      // The same kernel counters as status VmRSS, read a moment apart.
      expect(Math.abs((first?.rssBytes ?? 0) - vmRss)).toBeLessThan(vmRss * 0.2);
      expect(first?.cpuSeconds).toBeGreaterThan(0);
      const startMs = (first?.startTimeSeconds ?? 0) * 1000;
      expect(Math.abs(startMs - Date.now())).toBeLessThan(60_000);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // Reaped: the descriptor names that process, which is gone (even were the pid reused).
      expect(reader.read()).toBeUndefined();
    } finally {
      reader.close();
      child.kill('SIGKILL');
    }
    expect(reader.read()).toBeUndefined();
  });
});
