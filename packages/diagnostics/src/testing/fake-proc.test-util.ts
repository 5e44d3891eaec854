import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What the fake `/proc` (and cgroup v2 tree) holds; every field has a healthy default. */
export interface FakeProcState {
  pid: number;
  comm: string;
  state: string;
  cmdline: string[];
  threads: number;
  utimeTicks: number;
  stimeTicks: number;
  rssKb: number;
  fds: number;
  fdSoft: number;
  memTotalKb: number;
  memAvailableKb: number;
  swapTotalKb: number;
  swapFreeKb: number;
  loadavg: [number, number, number];
  /** cgroup v2 `memory.max` in bytes; undefined writes `max`. */
  cgroupMemoryMax?: number;
  cgroupMemoryCurrent: number;
  mounts: string;
}

const DEFAULTS: FakeProcState = {
  pid: 4242,
  comm: 'node',
  state: 'S',
  cmdline: ['node', 'server.js'],
  threads: 11,
  utimeTicks: 100,
  stimeTicks: 20,
  rssKb: 100 * 1024,
  fds: 30,
  fdSoft: 1024,
  memTotalKb: 8 * 1024 * 1024,
  memAvailableKb: 6 * 1024 * 1024,
  swapTotalKb: 2 * 1024 * 1024,
  swapFreeKb: 2 * 1024 * 1024,
  loadavg: [0.5, 0.4, 0.3],
  cgroupMemoryCurrent: 200 * 1024 * 1024,
  mounts: '/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n',
};

/** A fake `/proc` + cgroup tree in a temp dir; `update()` rewrites it, `remove()` deletes it. */
export interface FakeProc {
  readonly procRoot: string;
  readonly cgroupRoot: string;
  readonly state: FakeProcState;
  update(changes: Partial<FakeProcState>): void;
  remove(): void;
}

/**
 * Writes the files the checks read (`/proc/<pid>/{stat,status,limits,cmdline,cgroup,mounts,fd/}`,
 * `/proc/{meminfo,loadavg,stat}`, cgroup v2 `memory.max`/`memory.current`) as the kernel formats them.
 * @example const proc = createFakeProc({ fds: 950, fdSoft: 1024 });
 */
export function createFakeProc(initial: Partial<FakeProcState> = {}): FakeProc {
  const root = mkdtempSync(join(tmpdir(), 'vitals-diag-'));
  const procRoot = join(root, 'proc');
  const cgroupRoot = join(root, 'cgroup');
  const state: FakeProcState = { ...DEFAULTS, ...initial };
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  const render = () => {
    const s = state;
    const dir = join(procRoot, String(s.pid));
    // Fields 3–24 of `man 5 proc`: state … rss, then a few more.
    const rest = [
      s.state,
      1,
      s.pid,
      s.pid,
      0,
      -1,
      4194560,
      1000,
      0,
      0,
      0,
      s.utimeTicks,
      s.stimeTicks,
      0,
      0,
      20,
      0,
      s.threads,
      0,
      5000,
      1_000_000_000,
      Math.round(s.rssKb / 4),
      0,
      0,
    ];
    write(join(dir, 'stat'), `${s.pid} (${s.comm}) ${rest.join(' ')}\n`);
    write(
      join(dir, 'status'),
      `Name:\t${s.comm}\nState:\t${s.state}\nVmRSS:\t  ${s.rssKb} kB\nThreads:\t${s.threads}\n`,
    );
    write(
      join(dir, 'limits'),
      `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${s.fdSoft}                 ${s.fdSoft * 4}               files     \n`,
    );
    write(join(dir, 'cmdline'), `${s.cmdline.join('\0')}\0`);
    write(join(dir, 'cgroup'), '0::/app\n');
    write(join(dir, 'mounts'), s.mounts);
    rmSync(join(dir, 'fd'), { recursive: true, force: true });
    mkdirSync(join(dir, 'fd'), { recursive: true });
    for (let i = 0; i < s.fds; i++) writeFileSync(join(dir, 'fd', String(i)), '');
    write(
      join(procRoot, 'meminfo'),
      `MemTotal:       ${s.memTotalKb} kB\nMemFree:        1000 kB\nMemAvailable:   ${s.memAvailableKb} kB\nSwapTotal:      ${s.swapTotalKb} kB\nSwapFree:       ${s.swapFreeKb} kB\n`,
    );
    write(join(procRoot, 'loadavg'), `${s.loadavg.join(' ')} 1/100 ${s.pid}\n`);
    write(join(procRoot, 'stat'), 'cpu  1 0 1 100 0 0 0 0 0 0\nbtime 1700000000\n');
    write(join(cgroupRoot, 'cgroup.controllers'), 'cpu memory\n');
    write(
      join(cgroupRoot, 'app', 'memory.max'),
      s.cgroupMemoryMax === undefined ? 'max\n' : `${s.cgroupMemoryMax}\n`,
    );
    write(join(cgroupRoot, 'app', 'memory.current'), `${s.cgroupMemoryCurrent}\n`);
  };
  render();
  return {
    procRoot,
    cgroupRoot,
    state,
    update(changes) {
      Object.assign(state, changes);
      render();
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
