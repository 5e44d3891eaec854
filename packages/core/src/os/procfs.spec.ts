import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { cpus, uptime } from 'node:os';
import { isVitalsError } from '../errors';
import { createFakeTree, FakeTree } from './__fixtures__/fake-tree.test-util';
import {
  countOpenFds,
  listPids,
  readCmdline,
  readProcLimits,
  readProcStat,
  readProcStatus,
  readPseudoFile,
  processExists,
} from './procfs';
import {
  bootTimeMs,
  clockTicksPerSecond,
  readCpuTimes,
  readLoadavg,
  readMeminfo,
  processStartTimeMs,
} from './proc-system';

// Fields 3..52 of a real stat line, with utime=11 stime=22 threads=7 starttime=5000 vsize=123456 rss=321.
const STAT_TAIL =
  'S 1 4242 4242 0 -1 4194560 100 0 0 0 11 22 0 0 20 0 7 0 5000 123456 321 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0';

describe('procfs (fake tree)', () => {
  let tree: FakeTree;
  beforeEach(() => (tree = createFakeTree()));
  afterEach(() => tree.remove());

  it('splits stat at the last ")" so comm may hold spaces and parentheses', () => {
    tree.write('4242/stat', `4242 (a) (b c) ${STAT_TAIL}\n`);
    expect(readProcStat(4242, tree.root)).toEqual({
      pid: 4242,
      comm: 'a) (b c',
      state: 'S',
      ppid: 1,
      pgrp: 4242,
      utimeTicks: 11,
      stimeTicks: 22,
      numThreads: 7,
      startTimeTicks: 5000,
      vsizeBytes: 123456,
      rssPages: 321,
    });
  });

  it('gives undefined for a malformed or truncated stat', () => {
    tree.write('1/stat', '1 no-parens S 0');
    tree.write('2/stat', '2 (x) S 0 1');
    expect(readProcStat(1, tree.root)).toBeUndefined();
    expect(readProcStat(2, tree.root)).toBeUndefined();
  });

  it('gives undefined (not a throw) for every reader of a vanished pid', () => {
    tree.mkdir('77');
    expect(readProcStat(99, tree.root)).toBeUndefined();
    expect(readProcStatus(99, tree.root)).toBeUndefined();
    expect(readProcLimits(99, tree.root)).toBeUndefined();
    expect(readCmdline(99, tree.root)).toBeUndefined();
    expect(countOpenFds(99, tree.root)).toBeUndefined();
    expect(readProcStat(77, tree.root)).toBeUndefined();
  });

  it('rejects an invalid pid with ERR_INVALID_ARGUMENT', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => readProcStat(bad, tree.root)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
    let caught: unknown;
    try {
      processExists(0);
    } catch (error) {
      caught = error;
    }
    expect(isVitalsError(caught, 'ERR_INVALID_ARGUMENT')).toBe(true);
  });

  it('reads status as raw key/value pairs with whitespace collapsed', () => {
    tree.write('5/status', 'Name:\tmy app\nUid:\t0\t0\t0\t0\nVmRSS:\t   12345 kB\nThreads:\t9\n');
    expect(readProcStatus(5, tree.root)).toEqual({
      Name: 'my app',
      Uid: '0 0 0 0',
      VmRSS: '12345 kB',
      Threads: '9',
    });
    // Only the keys asked for, the first line's too; a missing key (a zombie's VmRSS) is absent,
    // and a key that is only the end of another (`RSS` in `VmRSS`) is not found.
    const some = readProcStatus(5, tree.root, ['Name', 'Uid', 'VmRSS', 'VmData', 'RSS']);
    expect(some).toEqual({ Name: 'my app', Uid: '0 0 0 0', VmRSS: '12345 kB' });
    expect(readProcStatus(99, tree.root, ['VmRSS'])).toBeUndefined();
  });

  it('reads limits with unlimited as Infinity', () => {
    tree.write(
      '5/limits',
      [
        'Limit                     Soft Limit           Hard Limit           Units     ',
        'Max processes             96365                96365                processes ',
        'Max open files            1024                 1048576              files     ',
        'Max address space         unlimited            unlimited            bytes     ',
        'Max nice priority         0                    0                    ',
        '',
      ].join('\n'),
    );
    expect(readProcLimits(5, tree.root)).toEqual({
      processes: { soft: 96365, hard: 96365 },
      openFiles: { soft: 1024, hard: 1048576 },
      addressSpace: { soft: Infinity, hard: Infinity },
    });
  });

  it('splits cmdline at NULs, empty for kernel threads', () => {
    tree.write('5/cmdline', '/usr/bin/node\0server.js\0--flag=a b\0');
    tree.write('2/cmdline', '');
    expect(readCmdline(5, tree.root)).toEqual(['/usr/bin/node', 'server.js', '--flag=a b']);
    expect(readCmdline(2, tree.root)).toEqual([]);
  });

  it('counts fd entries and lists only numeric pids, ascending', () => {
    for (const fd of ['0', '1', '2']) tree.write(`10/fd/${fd}`, '');
    tree.mkdir('9');
    tree.mkdir('self');
    tree.write('meminfo', '');
    expect(countOpenFds(10, tree.root)).toBe(3);
    expect(listPids(tree.root)).toEqual([9, 10]);
  });

  it('reads meminfo in bytes and keeps unit-less counts', () => {
    tree.write(
      'meminfo',
      'MemTotal:       16318504 kB\nMemAvailable:    8000000 kB\nHugePages_Total:       4\n',
    );
    expect(readMeminfo(tree.root)).toEqual({
      MemTotal: 16318504 * 1024,
      MemAvailable: 8000000 * 1024,
      HugePages_Total: 4,
    });
  });

  it('reads total and per-cpu times, load average and btime', () => {
    tree.write(
      'stat',
      'cpu  4010 1 2115 108218 147 2 41 16 0 0\ncpu0 1661 0 933 54600 64 0 11 6 0 0\ncpu1 2349 1 1182 53618 83 2 30 10 0 0\nintr 1 2\nbtime 1700000000\n',
    );
    tree.write('loadavg', '0.50 1.25 2.00 1/85 4142\n');
    const { total, perCpu } = readCpuTimes(tree.root);
    expect(total).toEqual({
      user: 4010,
      nice: 1,
      system: 2115,
      idle: 108218,
      iowait: 147,
      irq: 2,
      softirq: 41,
      steal: 16,
    });
    expect(perCpu.map((c) => c.user)).toEqual([1661, 2349]);
    expect(readLoadavg(tree.root)).toEqual([0.5, 1.25, 2]);
    expect(bootTimeMs(tree.root)).toBe(1_700_000_000_000);
    const stat = { startTimeTicks: 250 } as Parameters<typeof processStartTimeMs>[0];
    expect(processStartTimeMs(stat, tree.root)).toBe(1_700_000_002_500);
  });

  it('caches btime per root', () => {
    tree.write('a/stat', 'btime 100\n');
    tree.write('b/stat', 'btime 200\n');
    expect(bootTimeMs(`${tree.root}/a`)).toBe(100_000);
    tree.write('a/stat', 'btime 999\n');
    expect(bootTimeMs(`${tree.root}/a`)).toBe(100_000);
    expect(bootTimeMs(`${tree.root}/b`)).toBe(200_000);
  });

  it('degrades without /proc: empty results, no throw', () => {
    const none = `${tree.root}/missing`;
    expect(listPids(none)).toEqual([]);
    expect(readMeminfo(none)).toEqual({});
    expect(readCpuTimes(none).perCpu).toEqual([]);
    expect(readCpuTimes(none).total.idle).toBe(0);
    expect(readLoadavg(none)).toHaveLength(3);
    expect(Math.abs(bootTimeMs(none) - (Date.now() - uptime() * 1000))).toBeLessThan(5000);
  });
});

describe('procfs (real /proc)', () => {
  const opened: number[] = [];
  afterEach(() => opened.splice(0).forEach((fd) => closeSync(fd)));

  it('reads its own stat', () => {
    const stat = readProcStat('self');
    expect(stat?.pid).toBe(process.pid);
    expect(stat?.ppid).toBe(process.ppid);
    expect(stat?.state).toBe('R');
    expect(stat?.numThreads).toBeGreaterThanOrEqual(1);
    expect(readProcStat(process.pid)?.startTimeTicks).toBe(stat?.startTimeTicks);
    expect(readProcStatus('self')?.Pid).toBe(String(process.pid));
    expect(readProcStatus('self')?.VmRSS).toMatch(/^\d+ kB$/);
  });

  it('sees 50 more fds after opening 50 files, and 50 fewer after closing them', () => {
    const before = countOpenFds('self');
    for (let i = 0; i < 50; i++) opened.push(openSync(__filename, 'r'));
    expect(countOpenFds('self')).toBe((before ?? NaN) + 50);
    opened.splice(0).forEach((fd) => closeSync(fd));
    expect(countOpenFds(process.pid)).toBe(before);
  });

  it('re-reads a kept /proc file fresh each time, through one descriptor', () => {
    const minflt = (): number =>
      Number(readPseudoFile('/proc/self/stat')!.split(') ')[1].split(' ')[7]);
    const first = minflt();
    const fds = countOpenFds('self');
    // Touching 32 MiB of fresh pages is thousands of minor faults (field 10 of stat).
    Buffer.alloc(32 * 1024 * 1024, 1);
    expect(minflt()).toBeGreaterThan(first);
    for (let i = 0; i < 5; i++) readPseudoFile('/proc/self/stat');
    expect(countOpenFds('self')).toBe(fds);
    // Another pid's files and other roots are opened per read, never kept.
    expect(readPseudoFile(`/proc/${process.pid}/stat`)).toContain(`${process.pid} (`);
    expect(countOpenFds('self')).toBe(fds);
  });

  it('reads MemTotal as the kB figure of /proc/meminfo × 1024', () => {
    const kb = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
    expect(readMeminfo().MemTotal).toBe(kb * 1024);
    expect(readMeminfo().MemAvailable).toBeLessThanOrEqual(kb * 1024);
  });

  it('dates its own start from btime and starttime', () => {
    const expected = Date.now() - process.uptime() * 1000;
    expect(clockTicksPerSecond()).toBe(100);
    expect(Math.abs(processStartTimeMs(readProcStat('self')!) - expected)).toBeLessThan(3000);
    expect(Math.abs(bootTimeMs() - (Date.now() - uptime() * 1000))).toBeLessThan(5000);
  });

  it('reads its own command line and open-file limit', () => {
    const argv = readCmdline('self');
    expect(argv?.[0]).toBe(process.argv0);
    expect(argv).toContain(process.argv[1]);
    const [soft, hard] = execFileSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const limit = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
    expect(readProcLimits('self')?.openFiles).toEqual({ soft: limit(soft), hard: limit(hard) });
  });

  it('lists pids and cpus, and tells live from dead processes', () => {
    expect(listPids()).toContain(process.pid);
    expect(readCpuTimes().perCpu).toHaveLength(cpus().length);
    expect(readLoadavg().every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
    expect(processExists(process.pid)).toBe(true);
    expect(processExists(1)).toBe(true);
    const child = spawnSync('true');
    expect(processExists(child.pid)).toBe(false);
    expect(readProcStat(child.pid)).toBeUndefined();
  });
});
