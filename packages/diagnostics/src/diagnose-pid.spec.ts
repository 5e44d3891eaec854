import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTOR, METRICS, createHost } from '@vitals/core';
import type { Collector, Finding, HostHandle, Plugin } from '@vitals/core';
import { DIAGNOSTICS_DEFAULTS } from './diagnostics.options';
import { diagnosticsPlugin } from './diagnostics.plugin';
import { runDiagnostics } from './diagnostics.runner';
import type { DiagnosisReport } from './diagnostics.runner';
import { createFakeProc } from './testing/fake-proc.test-util';
import type { FakeProc } from './testing/fake-proc.test-util';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/**
 * What monitor publishes about the diagnosing process itself (the CLI): no labels, its own
 * cgroup. The bug of issue 10 graded the target with these: "container memory 11.5% used".
 */
const cliOwnFigures: Plugin = {
  name: 'cli-own',
  register(container) {
    const collector: Collector = {
      name: 'cli-own',
      descriptors: [],
      collect: () => [
        { name: METRICS.memoryUsedRatio, value: 0.115 },
        { name: METRICS.cgroupMemoryLimitBytes, value: 64 * GiB },
        { name: METRICS.cgroupCpuLimitCores, value: 8 },
        { name: METRICS.processOpenFds, value: 3 },
        { name: METRICS.processThreads, value: 2 },
      ],
    };
    container.register(COLLECTOR, { useValue: collector });
  },
};

const byScope = (report: DiagnosisReport, check: string, scope: string): Finding | undefined =>
  report.findings.find((f) => f.check === check && f.data?.scope === scope);

/** The assertions of a target at 448 MiB of its 512 MiB limit with a 0.5-core quota, 40 % throttled. */
function expectTargetGraded(report: DiagnosisReport, subject: string): void {
  const container = byScope(report, 'memory', 'container')!;
  expect(container.message).toBe(
    `${subject}: container memory 87.5% used (448 MiB of its 512 MiB limit), 64.0 MiB left`,
  );
  expect(container.severity).toBe('warning');
  expect(byScope(report, 'memory', 'machine')?.message).toMatch(/^machine: memory 25% used/);
  const quota = report.findings.find((f) => f.check === 'cpu-quota')!;
  expect(quota.message).toBe(
    `${subject}: CPU quota 0.5 cores; throttled in 40% of periods (400 of 1000) since the cgroup was created, 30.00 s throttled`,
  );
  expect(quota).toMatchObject({ severity: 'warning', data: { cpuLimitCores: 0.5 } });
  const rss = report.findings.find((f) => f.check === 'process' && f.message.includes(': RSS'))!;
  expect(rss.message).toContain('of the 512 MiB container memory limit');
  // Nothing of the diagnosing process's own cgroup or process leaks into the report.
  const text = JSON.stringify(report.findings);
  expect(text).not.toMatch(/11\.5%|64 GiB|quota 8 cores/);
  expect(report.findings.find((f) => f.check === 'fds')?.data?.open).toBe(30);
  // Every line says whose figure it is.
  for (const f of report.findings.filter((x) => x.check !== 'collectors')) {
    expect(f.message.startsWith('machine:') || f.message.startsWith(subject)).toBe(true);
  }
}

describe('vitals diagnose --pid grades the target, never the diagnosing process', () => {
  let host: HostHandle;
  let proc: FakeProc | undefined;
  beforeEach(() => {
    host = createHost({ plugins: [diagnosticsPlugin(), cliOwnFigures] });
  });
  afterEach(async () => {
    proc?.remove();
    proc = undefined;
    await host.stop();
  });

  const options = (p: FakeProc) => ({
    ...DIAGNOSTICS_DEFAULTS,
    procRoot: p.procRoot,
    cgroupRoot: p.cgroupRoot,
    eventLoopSampleMs: 1,
    pidSampleMs: 0,
  });
  const write = (p: FakeProc, rel: string, text: string): void => {
    const file = join(p.cgroupRoot, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  };

  it("cgroup v2: the target's memory.max/working set and cpu.max/cpu.stat", async () => {
    proc = createFakeProc({
      cmdline: ['/usr/bin/node', 'bot.js'],
      cgroupMemoryMax: 512 * MiB,
      cgroupMemoryCurrent: 470 * MiB,
      rssKb: 479 * 1024,
    });
    write(proc, 'app/memory.stat', `anon ${400 * MiB}\ninactive_file ${22 * MiB}\n`);
    write(proc, 'app/cpu.max', '50000 100000\n');
    write(
      proc,
      'app/cpu.stat',
      'usage_usec 1\nnr_periods 1000\nnr_throttled 400\nthrottled_usec 30000000\n',
    );
    const report = await runDiagnostics(host, { pid: 4242, options: options(proc) });
    expectTargetGraded(report, 'pid 4242 (node bot.js)');
  });

  it("cgroup v1: the target's limit set on a parent, usage minus total_inactive_file, cfs quota and throttled_time", async () => {
    proc = createFakeProc({ cmdline: ['/usr/bin/node', 'bot.js'], rssKb: 479 * 1024 });
    writeFileSync(
      join(proc.procRoot, '4242', 'cgroup'),
      '5:memory:/kube/pod\n4:cpu,cpuacct:/kube/pod\n1:name=systemd:/kube/pod\n',
    );
    write(proc, 'memory/kube/memory.limit_in_bytes', `${512 * MiB}\n`);
    write(proc, 'memory/kube/pod/memory.limit_in_bytes', '9223372036854771712\n');
    write(proc, 'memory/kube/pod/memory.usage_in_bytes', `${470 * MiB}\n`);
    write(proc, 'memory/kube/pod/memory.stat', `cache 1\ntotal_inactive_file ${22 * MiB}\n`);
    write(proc, 'cpu,cpuacct/kube/pod/cpu.cfs_quota_us', '50000\n');
    write(proc, 'cpu,cpuacct/kube/pod/cpu.cfs_period_us', '100000\n');
    write(
      proc,
      'cpu,cpuacct/kube/pod/cpu.stat',
      'nr_periods 1000\nnr_throttled 400\nthrottled_time 30000000000\n',
    );
    const report = await runDiagnostics(host, { pid: 4242, options: options(proc) });
    expectTargetGraded(report, 'pid 4242 (node bot.js)');
  });

  it('says so, plainly, when the target has no memory limit or CPU quota', async () => {
    proc = createFakeProc({ cmdline: ['node', 'x\x1b[2J.js'] });
    const report = await runDiagnostics(host, { pid: 4242, options: options(proc) });
    expect(byScope(report, 'memory', 'container')).toBeUndefined();
    expect(report.findings.find((f) => f.check === 'cpu-quota')).toMatchObject({
      severity: 'ok',
      message: 'pid 4242 (node x\\x1b[2J.js): no cgroup CPU quota',
    });
  });
});

/** The cgroup v1 memory and cpu mounts, if this machine has them and lets us create a cgroup. */
function realCgroups(name: string): { mem: string; cpu: string } | undefined {
  const mem = join('/sys/fs/cgroup/memory', name);
  const cpu = join('/sys/fs/cgroup/cpu', name);
  try {
    mkdirSync(mem);
    mkdirSync(cpu);
    writeFileSync(join(mem, 'memory.limit_in_bytes'), String(256 * MiB));
    writeFileSync(join(cpu, 'cpu.cfs_period_us'), '100000');
    return { mem, cpu };
  } catch {
    removeCgroups({ mem, cpu });
    return undefined;
  }
}

function removeCgroups(dirs: { mem: string; cpu: string }): void {
  for (const dir of [dirs.mem, dirs.cpu]) {
    try {
      rmdirSync(dir);
    } catch {
      // not created, or already gone
    }
  }
}

describe('vitals diagnose --pid on a real cgroup v1 (root, writable /sys/fs/cgroup)', () => {
  let child: ChildProcess | undefined;
  let dirs: { mem: string; cpu: string } | undefined;
  let host: HostHandle | undefined;
  let proc: FakeProc | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    if (dirs) removeCgroups(dirs);
    proc?.remove();
    await host?.stop();
  });

  it(
    'grades a real child in a real cgroup (256 MiB limit, 0.01-core quota, throttled), ' +
      'or, where the cgroup v1 tree is not writable, the same figures on a fake v1 tree',
    async () => {
      dirs = realCgroups(`vitals-test-${process.pid}-${Date.now()}`);
      if (!dirs) {
        // No writable cgroup v1 here (not root, or cgroup v2 only): the same reading on a fake tree.
        proc = createFakeProc({ cmdline: ['node', 'busy.js'] });
        writeFileSync(join(proc.procRoot, '4242', 'cgroup'), '4:memory:/t\n3:cpu:/t\n');
        mkdirSync(join(proc.cgroupRoot, 'memory/t'), { recursive: true });
        mkdirSync(join(proc.cgroupRoot, 'cpu/t'), { recursive: true });
        writeFileSync(join(proc.cgroupRoot, 'memory/t/memory.limit_in_bytes'), `${256 * MiB}`);
        writeFileSync(join(proc.cgroupRoot, 'memory/t/memory.usage_in_bytes'), `${200 * MiB}`);
        writeFileSync(join(proc.cgroupRoot, 'cpu/t/cpu.cfs_quota_us'), '20000');
        writeFileSync(join(proc.cgroupRoot, 'cpu/t/cpu.cfs_period_us'), '100000');
        writeFileSync(
          join(proc.cgroupRoot, 'cpu/t/cpu.stat'),
          'nr_periods 50\nnr_throttled 45\nthrottled_time 3000000000\n',
        );
        host = createHost({ plugins: [diagnosticsPlugin()] });
        const report = await runDiagnostics(host, {
          pid: 4242,
          options: {
            ...DIAGNOSTICS_DEFAULTS,
            procRoot: proc.procRoot,
            cgroupRoot: proc.cgroupRoot,
            pidSampleMs: 0,
          },
        });
        expect(byScope(report, 'memory', 'container')?.data).toMatchObject({
          limitBytes: 256 * MiB,
          usedBytes: 200 * MiB,
        });
        expect(report.findings.find((f) => f.check === 'cpu-quota')).toMatchObject({
          severity: 'warning',
          data: { cpuLimitCores: 0.2, throttledPeriods: 45 },
        });
        return;
      }
      // Allocates and touches 160 MiB once it is in the cgroup, then spins.
      const script = `process.stdin.once('data', () => {
        globalThis.keep = Buffer.alloc(160 * 1024 * 1024, 1);
        process.stdout.write('ready\\n');
        const end = Date.now() + 120000;
        while (Date.now() < end) {}
      });`;
      child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise((r) => child!.once('spawn', r));
      const pid = child.pid!;
      writeFileSync(join(dirs.mem, 'cgroup.procs'), String(pid));
      writeFileSync(join(dirs.cpu, 'cgroup.procs'), String(pid));
      const ready = new Promise<void>((resolve) =>
        child!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
      );
      child.stdin!.write('go\n');
      await ready;
      // 1 ms of CPU per 100 ms period (the kernel's smallest quota): a spinning child is throttled
      // in every period it runs, however loaded the machine is.
      writeFileSync(join(dirs.cpu, 'cpu.cfs_quota_us'), '1000');
      host = createHost({ plugins: [diagnosticsPlugin()] });
      const report = await runDiagnostics(host, {
        pid,
        options: { ...DIAGNOSTICS_DEFAULTS, pidSampleMs: 1500, sampleIntervalMs: 250 },
      });
      const subject = `pid ${pid} (node -e`;
      const container = byScope(report, 'memory', 'container')!;
      expect(container.message.startsWith(subject)).toBe(true);
      expect(container.data?.limitBytes).toBe(256 * MiB);
      expect(container.data?.usedBytes).toBeGreaterThan(160 * MiB);
      expect(container.data?.cgroup).toBe(`/${dirs.mem.split('/').pop()}`);
      const machineTotal =
        Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
      expect(byScope(report, 'memory', 'machine')?.data?.limitBytes).toBe(machineTotal);
      const quota = report.findings.find((f) => f.check === 'cpu-quota')!;
      expect(quota.message.startsWith(subject)).toBe(true);
      expect(quota.data).toMatchObject({ cpuLimitCores: 0.01 });
      // Over the 1.5 s window the spinning child was throttled in most of its 100 ms periods.
      expect(quota.data?.windowMs).toBeGreaterThan(0);
      expect(quota.data?.throttledPeriods as number).toBeGreaterThan(0);
      expect(quota.data?.throttledRatio as number).toBeGreaterThan(0.5);
      expect(quota.data?.cpuUsedCores as number).toBeLessThan(0.1);
      expect(quota.severity).not.toBe('ok');
    },
    60_000,
  );
});
