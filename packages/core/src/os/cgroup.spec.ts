import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFakeTree, FakeTree } from './__fixtures__/fake-tree.test-util';
import { readCgroupLimits } from './cgroup';

const GiB = 1024 ** 3;
const V1_UNLIMITED = '9223372036854771712';

describe('readCgroupLimits', () => {
  let tree: FakeTree;
  let read: (pid?: number | 'self') => ReturnType<typeof readCgroupLimits>;
  beforeEach(() => {
    tree = createFakeTree('vitals-cgroup-');
    read = (pid = 'self') =>
      readCgroupLimits({
        cgroupRoot: join(tree.root, 'cg'),
        procRoot: join(tree.root, 'proc'),
        pid,
      });
  });
  afterEach(() => tree.remove());

  const files = (dir: string, entries: Record<string, string>): void => {
    for (const [name, value] of Object.entries(entries))
      tree.write(`cg/${dir}/${name}`, `${value}\n`);
  };

  it('reads v2 memory, swap and cpu limits of the leaf', () => {
    tree.write('proc/self/cgroup', '0::/app.slice/svc.service\n');
    files('', { 'cgroup.controllers': 'cpu memory' });
    files('app.slice/svc.service', {
      'memory.max': String(512 * 1024 ** 2),
      'memory.current': '1048576',
      'memory.stat': 'anon 700000\nfile 348576\nactive_file 100000\ninactive_file 248576\n',
      'memory.swap.max': String(GiB),
      'cpu.max': '200000 100000',
    });
    expect(read()).toEqual({
      version: 2,
      path: '/app.slice/svc.service',
      memoryLimitBytes: 512 * 1024 ** 2,
      memoryUsageBytes: 1048576,
      memoryWorkingSetBytes: 1048576 - 248576,
      swapLimitBytes: GiB,
      cpuLimitCores: 2,
    });
  });

  it('leaves v2 "max" limits undefined', () => {
    tree.write('proc/self/cgroup', '0::/svc\n');
    files('', { 'cgroup.controllers': 'cpu memory' });
    files('svc', {
      'memory.max': 'max',
      'memory.current': '4096',
      'memory.swap.max': 'max',
      'cpu.max': 'max 100000',
    });
    expect(read()).toEqual({
      version: 2,
      path: '/svc',
      memoryUsageBytes: 4096,
      memoryWorkingSetBytes: 4096,
    });
  });

  it('walks up to a parent cgroup and keeps the smallest limit (v2)', () => {
    tree.write('proc/42/cgroup', '0::/kubepods/pod1/ctr\n');
    files('', { 'cgroup.controllers': 'cpu memory' });
    files('kubepods', { 'memory.max': String(4 * GiB), 'cpu.max': '400000 100000' });
    files('kubepods/pod1', { 'memory.max': String(GiB), 'cpu.max': 'max 100000' });
    files('kubepods/pod1/ctr', {
      'memory.max': 'max',
      'memory.current': '100',
      'cpu.max': '50000 100000',
    });
    expect(read(42)).toMatchObject({
      memoryLimitBytes: GiB,
      cpuLimitCores: 0.5,
      memoryUsageBytes: 100,
    });
  });

  it('reads v1 limits from the memory and cpu,cpuacct mounts', () => {
    tree.write(
      'proc/self/cgroup',
      '12:pids:/docker/abc\n4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n1:name=systemd:/docker/abc\n',
    );
    files('memory/docker/abc', {
      'memory.limit_in_bytes': String(2 * GiB),
      'memory.usage_in_bytes': '5000',
      'memory.stat': 'cache 3000\ninactive_file 10\ntotal_inactive_file 2000\n',
      'memory.memsw.limit_in_bytes': String(3 * GiB),
    });
    files('cpu,cpuacct/docker/abc', {
      'cpu.cfs_quota_us': '150000',
      'cpu.cfs_period_us': '100000',
    });
    expect(read()).toEqual({
      version: 1,
      path: '/docker/abc',
      memoryLimitBytes: 2 * GiB,
      memoryUsageBytes: 5000,
      memoryWorkingSetBytes: 3000,
      swapLimitBytes: GiB,
      cpuLimitCores: 1.5,
      cpuPath: '/docker/abc',
    });
  });

  it('reads CPU throttling of the cgroup that sets the quota (v1 ns, v2 µs)', () => {
    // v1: the quota is set on the parent `/job`; the leaf has none, so the parent's counters count.
    tree.write('proc/self/cgroup', '2:cpu:/job/leaf\n1:memory:/job/leaf\n');
    files('cpu/job', {
      'cpu.cfs_quota_us': '50000',
      'cpu.cfs_period_us': '100000',
      'cpu.stat': 'nr_periods 400\nnr_throttled 120\nthrottled_time 6500000000',
    });
    files('cpu/job/leaf', {
      'cpu.cfs_quota_us': '-1',
      'cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0',
    });
    expect(read()).toMatchObject({
      cpuLimitCores: 0.5,
      cpuPeriods: 400,
      cpuThrottledPeriods: 120,
      cpuThrottledSeconds: 6.5,
    });
    // v2: cpu.stat's throttled_usec.
    tree.write('proc/self/cgroup', '0::/svc\n');
    files('', { 'cgroup.controllers': 'cpu memory' });
    files('svc', {
      'cpu.max': '25000 100000',
      'cpu.stat':
        'usage_usec 900\nuser_usec 600\nsystem_usec 300\nnr_periods 80\nnr_throttled 60\nthrottled_usec 2500000',
    });
    expect(read()).toMatchObject({
      version: 2,
      cpuLimitCores: 0.25,
      cpuPeriods: 80,
      cpuThrottledPeriods: 60,
      cpuThrottledSeconds: 2.5,
    });
  });

  it('never leaves the mount for a path with `..` segments', () => {
    tree.write('proc/self/cgroup', '0::/../../etc\n');
    files('', { 'cgroup.controllers': 'memory', 'memory.max': String(GiB) });
    tree.write('etc/memory.max', '1');
    expect(read()).toMatchObject({ version: 2, memoryLimitBytes: GiB });
  });

  it('treats the v1 page-rounded LONG_MAX and quota -1 as unlimited, and walks up to a parent (v1)', () => {
    tree.write('proc/self/cgroup', '2:cpu:/a/b\n1:memory:/a/b\n');
    files('memory', { 'memory.limit_in_bytes': V1_UNLIMITED });
    files('memory/a', { 'memory.limit_in_bytes': String(GiB) });
    files('memory/a/b', {
      'memory.limit_in_bytes': V1_UNLIMITED,
      'memory.memsw.limit_in_bytes': V1_UNLIMITED,
      'memory.usage_in_bytes': '7',
    });
    files('cpu/a/b', { 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000' });
    expect(read()).toEqual({
      version: 1,
      path: '/a/b',
      memoryLimitBytes: GiB,
      memoryUsageBytes: 7,
      memoryWorkingSetBytes: 7,
      cpuPath: '/a/b',
    });
    files('memory/a', { 'memory.limit_in_bytes': '9223372036854775807' });
    expect(read().memoryLimitBytes).toBeUndefined();
  });

  it('uses the v1 controllers in a hybrid layout, and unified when no v1 controller holds the process', () => {
    tree.write('proc/self/cgroup', '9:name=systemd:/\n4:memory:/job\n1:cpu:/\n0::/\n');
    files('unified', { 'cgroup.controllers': '' });
    files('memory/job', { 'memory.limit_in_bytes': String(GiB), 'memory.usage_in_bytes': '1' });
    files('cpu', { 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000' });
    expect(read()).toEqual({
      version: 1,
      path: '/job',
      memoryLimitBytes: GiB,
      memoryUsageBytes: 1,
      memoryWorkingSetBytes: 1,
      cpuPath: '/',
    });

    tree.write('proc/self/cgroup', '1:name=systemd:/user.slice\n0::/user.slice\n');
    files('unified/user.slice', { 'memory.max': String(GiB), 'memory.current': '2' });
    expect(read()).toEqual({
      version: 2,
      path: '/user.slice',
      memoryLimitBytes: GiB,
      memoryUsageBytes: 2,
      memoryWorkingSetBytes: 2,
    });
  });

  it('falls back to the mount root when the host path is not visible (no cgroup namespace)', () => {
    tree.write('proc/self/cgroup', '0::/system.slice/docker-abc.scope\n');
    files('', { 'cgroup.controllers': 'memory', 'memory.max': String(GiB), 'memory.current': '3' });
    expect(read()).toMatchObject({ version: 2, memoryLimitBytes: GiB, memoryUsageBytes: 3 });
  });

  it('reports version undefined for a vanished pid or a missing tree, and rejects a bad pid', () => {
    expect(read(12345)).toEqual({ version: undefined });
    expect(readCgroupLimits({ procRoot: join(tree.root, 'nope') })).toEqual({ version: undefined });
    expect(() => read(-3)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('reads this machine: the path and version of /proc/self/cgroup', () => {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
    const memLine = lines.find((l) => l.split(':')[1].split(',').includes('memory'));
    const limits = readCgroupLimits();
    expect(limits.version).toBe(memLine ? 1 : 2);
    expect(limits.path).toBe(
      (memLine ?? lines.find((l) => l.startsWith('0::')))?.split(':').slice(2).join(':'),
    );
    if (memLine && existsSync(`/sys/fs/cgroup/memory${limits.path}/memory.usage_in_bytes`)) {
      expect(limits.memoryUsageBytes).toBeGreaterThan(0);
    }
  });
});
