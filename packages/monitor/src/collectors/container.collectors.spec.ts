import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { METRICS } from '@vitals/core';
import type { Sample } from '@vitals/core';
import { CpuCollector } from './cpu.collector';
import { MemoryCollector } from './memory.collector';
import { ProcessCollector } from './process.collector';

const GiB = 1024 ** 3;
const value = (samples: readonly Sample[], name: string): number | undefined =>
  samples.find((s) => s.name === name)?.value;

describe('container awareness (cgroup v1 and v2)', () => {
  let root: string;
  const write = (rel: string, content: string): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-cg-'));
    // A machine with 8 GiB, 6 GiB of it available.
    write(
      'proc/meminfo',
      `MemTotal: ${8 * 1024 * 1024} kB\nMemAvailable: ${6 * 1024 * 1024} kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n`,
    );
    write(
      'proc/stat',
      'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0\nbtime 1700000000\n',
    );
    write('proc/loadavg', '0.50 0.40 0.30 1/100 1234\n');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const opts = () => ({ procRoot: join(root, 'proc'), cgroupRoot: join(root, 'cg') });

  it('v2: memory ratio is usage over the container limit, not over the machine', () => {
    write('proc/self/cgroup', '0::/app\n');
    write('cg/cgroup.controllers', 'cpu memory\n');
    write('cg/app/memory.max', String(1 * GiB));
    write('cg/app/memory.current', String(0.75 * GiB));
    write('cg/app/cpu.max', '150000 100000\n');
    const mem = new MemoryCollector(opts()).collect();
    expect(value(mem, METRICS.cgroupMemoryLimitBytes)).toBe(GiB);
    expect(value(mem, METRICS.memoryUsedRatio)).toBeCloseTo(0.75, 5);
    expect(
      new CpuCollector(opts()).collect().find((s) => s.name === METRICS.cgroupCpuLimitCores)?.value,
    ).toBe(1.5);
  });

  it('compares the working set with the limit: reclaimable page cache is not memory pressure', () => {
    write('proc/self/cgroup', '0::/app\n');
    write('cg/cgroup.controllers', 'memory\n');
    write('cg/app/memory.max', String(GiB));
    write('cg/app/memory.current', String(Math.round(0.95 * GiB)));
    write('cg/app/memory.stat', `anon ${0.3 * GiB}\ninactive_file ${Math.round(0.6 * GiB)}\n`);
    const mem = new MemoryCollector(opts()).collect();
    expect(value(mem, METRICS.cgroupMemoryUsageBytes)).toBe(Math.round(0.95 * GiB));
    expect(value(mem, METRICS.cgroupMemoryWorkingSetBytes)).toBe(
      Math.round(0.95 * GiB) - Math.round(0.6 * GiB),
    );
    expect(value(mem, METRICS.memoryUsedRatio)).toBeCloseTo(0.35, 5);
  });

  it('gives another pid the memory limit of its own cgroup, labelled with its pid', async () => {
    // We run unlimited; pid 4242 runs in a 512 MiB container.
    write('proc/self/cgroup', '0::/\n');
    write('proc/self/stat', '1 (vitals) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n');
    write('cg/cgroup.controllers', 'memory\n');
    write('proc/4242/cgroup', '0::/svc\n');
    write(
      'proc/4242/stat',
      '4242 (node) S 1 4242 4242 0 -1 0 0 0 0 0 50 25 0 0 20 0 7 0 5000 1000000 2000 0\n',
    );
    write('proc/4242/status', 'Name:\tnode\nVmRSS:\t 471040 kB\nThreads:\t7\n');
    write(
      'proc/4242/limits',
      'Max open files            1024                 4096                 files\n',
    );
    mkdirSync(join(root, 'proc/4242/fd'), { recursive: true });
    write('cg/svc/memory.max', String(512 * 1024 ** 2));
    const samples = await new ProcessCollector({ pid: 4242, ...opts() }).collect();
    const limit = samples.find((s) => s.name === METRICS.cgroupMemoryLimitBytes);
    expect(limit).toEqual({
      name: METRICS.cgroupMemoryLimitBytes,
      value: 512 * 1024 ** 2,
      labels: { pid: '4242' },
    });
    expect(value(samples, METRICS.processRssBytes)).toBe(471040 * 1024);
  });

  it('v1: reads memory.limit_in_bytes and usage_in_bytes', () => {
    write('proc/self/cgroup', '4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n');
    write('cg/memory/docker/abc/memory.limit_in_bytes', String(2 * GiB));
    write('cg/memory/docker/abc/memory.usage_in_bytes', String(0.5 * GiB));
    const mem = new MemoryCollector(opts()).collect();
    expect(value(mem, METRICS.memoryUsedRatio)).toBeCloseTo(0.25, 5);
  });

  it("without a limit (or a limit above the machine) the ratio is the machine's", () => {
    write('proc/self/cgroup', '0::/app\n');
    write('cg/cgroup.controllers', 'memory\n');
    write('cg/app/memory.max', 'max\n');
    write('cg/app/memory.current', String(GiB));
    const mem = new MemoryCollector(opts()).collect();
    expect(value(mem, METRICS.cgroupMemoryLimitBytes)).toBeUndefined();
    expect(value(mem, METRICS.memoryUsedRatio)).toBeCloseTo(0.25, 5);
  });

  it('CPU ratio comes from /proc/stat deltas between collections', () => {
    write('proc/self/cgroup', '0::/\n');
    const cpu = new CpuCollector(opts());
    // First collection: since boot, 200 busy of 1000 ticks.
    expect(value(cpu.collect(), METRICS.cpuUsedRatio)).toBeCloseTo(0.2, 5);
    write('proc/stat', 'cpu  160 0 120 820 0 0 0 0 0 0\ncpu0 160 0 120 820 0 0 0 0 0 0\n');
    // Then the delta: 80 busy of 100 ticks.
    const next = cpu.collect();
    expect(value(next, METRICS.cpuUsedRatio)).toBeCloseTo(0.8, 5);
    expect(next.find((s) => s.name === METRICS.cpuCoreUsedRatio)).toEqual({
      name: METRICS.cpuCoreUsedRatio,
      value: expect.closeTo(0.8, 5),
      labels: { cpu: '0' },
    });
    expect(value(next, METRICS.load1)).toBe(0.5);
  });
});
