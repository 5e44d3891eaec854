import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CLI_COMMAND, METRICS, createHost } from '@vitals/core';
import type { CliCommand, HostHandle, Sample } from '@vitals/core';
import { monitorPlugin } from '../monitor.plugin';
import { CGROUP_CPU_METRICS, TargetCgroupCollector } from './target-cgroup.collector';

const MiB = 1024 ** 2;
const value = (samples: Sample[], name: string) => samples.find((s) => s.name === name);

describe('TargetCgroupCollector', () => {
  let root: string;
  const write = (rel: string, text: string): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'vitals-target-cg-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const collector = (pid?: number) =>
    new TargetCgroupCollector({
      pid,
      procRoot: join(root, 'proc'),
      cgroupRoot: join(root, 'cg'),
    });

  it("v2: publishes another pid's own working set, quota and per-tick throttling, labelled", () => {
    write('proc/self/cgroup', '0::/\n'); // the CLI: unlimited
    write('proc/4242/cgroup', '0::/bot\n');
    write('cg/cgroup.controllers', 'cpu memory\n');
    write('cg/bot/memory.max', `${512 * MiB}\n`);
    write('cg/bot/memory.current', `${470 * MiB}\n`);
    write('cg/bot/memory.stat', `inactive_file ${22 * MiB}\n`);
    write('cg/bot/cpu.max', '50000 100000\n');
    write('cg/bot/cpu.stat', 'nr_periods 100\nnr_throttled 10\nthrottled_usec 1000000\n');
    const c = collector(4242);
    const first = c.collect();
    const labels = { pid: '4242' };
    expect(value(first, METRICS.cgroupMemoryWorkingSetBytes)).toEqual({
      name: METRICS.cgroupMemoryWorkingSetBytes,
      value: 448 * MiB,
      labels,
    });
    expect(value(first, METRICS.cgroupCpuLimitCores)?.value).toBe(0.5);
    expect(value(first, CGROUP_CPU_METRICS.throttledSeconds)?.value).toBe(1);
    // One reading has no "since the previous tick".
    expect(value(first, CGROUP_CPU_METRICS.throttledRatio)).toBeUndefined();
    write('cg/bot/cpu.stat', 'nr_periods 150\nnr_throttled 40\nthrottled_usec 2500000\n');
    expect(value(c.collect(), CGROUP_CPU_METRICS.throttledRatio)).toEqual({
      name: CGROUP_CPU_METRICS.throttledRatio,
      value: 30 / 50,
      labels,
    });
  });

  it('v1: the quota set on a parent, its throttled_time; our own cgroup unlabelled and without usage', () => {
    write('proc/self/cgroup', '4:memory:/job\n3:cpu:/job/leaf\n');
    write('cg/memory/job/memory.limit_in_bytes', `${1024 ** 3}\n`);
    write('cg/cpu/job/cpu.cfs_quota_us', '150000\n');
    write('cg/cpu/job/cpu.cfs_period_us', '100000\n');
    write('cg/cpu/job/cpu.stat', 'nr_periods 10\nnr_throttled 5\nthrottled_time 2000000000\n');
    write('cg/cpu/job/leaf/cpu.cfs_quota_us', '-1\n');
    const c = collector();
    c.collect();
    write('cg/cpu/job/cpu.stat', 'nr_periods 30\nnr_throttled 7\nthrottled_time 2500000000\n');
    const samples = c.collect();
    expect(samples.every((s) => s.labels === undefined)).toBe(true);
    expect(value(samples, CGROUP_CPU_METRICS.throttledRatio)?.value).toBe(0.1);
    expect(value(samples, CGROUP_CPU_METRICS.throttledSeconds)?.value).toBe(2.5);
    // Our own usage and quota are the system collectors' to publish.
    expect(value(samples, METRICS.cgroupCpuLimitCores)).toBeUndefined();
  });

  it('publishes nothing for a process without a cgroup (gone, or not Linux)', () => {
    expect(collector(4243).collect()).toEqual([]);
  });
});

describe('vitals monitor --pid on a real cgroup v1 (root, writable /sys/fs/cgroup)', () => {
  let child: ChildProcess | undefined;
  let dirs: string[] = [];
  let host: HostHandle | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    for (const dir of dirs) {
      try {
        rmdirSync(dir);
      } catch {
        // never created
      }
    }
    dirs = [];
    await host?.stop();
  });

  it(
    "shows the target's own cgroup (256 MiB limit, 0.01-core quota, throttled) in the view, " +
      'or, where the cgroup v1 tree is not writable, reads the same from a fake v1 tree',
    async () => {
      const name = `vitals-monitor-test-${process.pid}-${Date.now()}`;
      const mem = join('/sys/fs/cgroup/memory', name);
      const cpu = join('/sys/fs/cgroup/cpu', name);
      let writable = true;
      try {
        mkdirSync(mem);
        dirs.push(mem);
        mkdirSync(cpu);
        dirs.push(cpu);
        writeFileSync(join(mem, 'memory.limit_in_bytes'), String(256 * MiB));
        writeFileSync(join(cpu, 'cpu.cfs_period_us'), '100000');
      } catch {
        writable = false;
      }
      if (!writable) {
        // No writable cgroup v1 here: the collector on a fake v1 tree instead.
        const fake = mkdtempSync(join(tmpdir(), 'vitals-target-cg-'));
        try {
          const w = (rel: string, text: string) => {
            mkdirSync(dirname(join(fake, rel)), { recursive: true });
            writeFileSync(join(fake, rel), text);
          };
          w('proc/77/cgroup', '4:memory:/t\n3:cpu:/t\n');
          w('cg/memory/t/memory.limit_in_bytes', String(256 * MiB));
          w('cg/memory/t/memory.usage_in_bytes', String(200 * MiB));
          w('cg/cpu/t/cpu.cfs_quota_us', '20000');
          w('cg/cpu/t/cpu.cfs_period_us', '100000');
          const samples = new TargetCgroupCollector({
            pid: 77,
            procRoot: join(fake, 'proc'),
            cgroupRoot: join(fake, 'cg'),
          }).collect();
          expect(value(samples, METRICS.cgroupCpuLimitCores)?.value).toBe(0.2);
          expect(value(samples, METRICS.cgroupMemoryUsageBytes)?.value).toBe(200 * MiB);
        } finally {
          rmSync(fake, { recursive: true, force: true });
        }
        return;
      }
      const script = `process.stdin.once('data', () => {
        globalThis.keep = Buffer.alloc(160 * 1024 * 1024, 1);
        process.stdout.write('ready\\n');
        const end = Date.now() + 120000;
        while (Date.now() < end) {}
      });`;
      child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise((r) => child!.once('spawn', r));
      const pid = child.pid!;
      writeFileSync(join(mem, 'cgroup.procs'), String(pid));
      writeFileSync(join(cpu, 'cgroup.procs'), String(pid));
      const ready = new Promise<void>((resolve) =>
        child!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
      );
      child.stdin!.write('go\n');
      await ready;
      // 1 ms of CPU per 100 ms period (the kernel's smallest quota): a spinning child is throttled
      // in every period it runs, however loaded the machine is.
      writeFileSync(join(cpu, 'cpu.cfs_quota_us'), '1000');
      host = createHost({ plugins: [monitorPlugin({ exhaustion: { enabled: false } })] });
      const command = host.resolveAll<CliCommand>(CLI_COMMAND).find((c) => c.name === 'monitor')!;
      const stdout = Object.assign(new PassThrough(), { isTTY: true });
      let text = '';
      stdout.on('data', (d) => (text += d));
      const code = await command.run({
        options: { once: true, pid: String(pid) },
        positionals: [],
        rest: [],
        host,
        config: host.config,
        stdout,
        stderr: new PassThrough(),
        env: { NO_COLOR: '1' },
        cwd: process.cwd(),
        stopSignal: new AbortController().signal,
      });
      expect(code).toBe(0);
      const lines = text.split('\n');
      const section = lines.findIndex((l) => l.startsWith(`pid ${pid} (node -e`));
      expect(section).toBeGreaterThan(0);
      const cgroup = lines.slice(section).find((l) => l.startsWith('Cgroup'))!;
      // 160 MiB touched + node itself, of the 256 MiB limit; the 0.01-core quota; the spinning
      // child throttled in the periods of the 250 ms between the two samples.
      expect(cgroup).toMatch(
        /^Cgroup\s+memory 1\d\d(\.\d)? MiB of 256 MiB \(\d+\.\d %\) {2}CPU quota 0\.01 cores {2}throttled \d+\.\d % of periods$/,
      );
      expect(Number(/throttled (\d+\.\d) %/.exec(cgroup)![1])).toBeGreaterThan(0);
    },
    60_000,
  );
});
