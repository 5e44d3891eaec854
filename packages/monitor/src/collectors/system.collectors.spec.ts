import { readFileSync, statfsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { METRICS, readMeminfo } from '@vitals/core';
import type { Sample } from '@vitals/core';
import { CpuCollector } from './cpu.collector';
import { DiskCollector } from './disk.collector';
import { MemoryCollector } from './memory.collector';
import { NetworkCollector } from './network.collector';

const value = (
  samples: readonly Sample[],
  name: string,
  labels?: Record<string, string>,
): number | undefined =>
  samples.find(
    (s) => s.name === name && Object.entries(labels ?? {}).every(([k, v]) => s.labels?.[k] === v),
  )?.value;

describe('system collectors', () => {
  it('reports memory that agrees with /proc/meminfo', () => {
    const samples = new MemoryCollector().collect();
    const info = readMeminfo();
    expect(value(samples, METRICS.memTotalBytes)).toBe(info.MemTotal);
    // MemAvailable moves between two reads; other helpers share this machine.
    expect(Math.abs(value(samples, METRICS.memAvailableBytes)! - info.MemAvailable)).toBeLessThan(
      64 * 1024 * 1024,
    );
    expect(value(samples, METRICS.swapUsedBytes)).toBe(info.SwapTotal - info.SwapFree);
    const ratio = value(samples, METRICS.memoryUsedRatio)!;
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThanOrEqual(1);
  });

  it('reports disk space that agrees with statfs of /', () => {
    const samples = new DiskCollector().collect() as Sample[];
    const root = samples.find(
      (s) => s.name === METRICS.fsSizeBytes && s.labels?.mountpoint === '/',
    );
    expect(root).toBeDefined();
    const st = statfsSync('/');
    expect(root!.value).toBe(st.blocks * st.bsize);
    const avail = value(samples, METRICS.fsAvailBytes, { mountpoint: '/' })!;
    expect(Math.abs(avail - st.bavail * st.bsize)).toBeLessThan(256 * 1024 * 1024);
    const used = value(samples, METRICS.fsUsedRatio, { mountpoint: '/' })!;
    expect(used).toBeCloseTo((st.blocks - st.bfree) / (st.blocks - st.bfree + st.bavail), 2);
  });

  it('skips pseudo filesystems and reports each device once', () => {
    const mounts = readFileSync('/proc/self/mounts', 'utf8');
    const samples = new DiskCollector().collect() as Sample[];
    const sizes = samples.filter((s) => s.name === METRICS.fsSizeBytes);
    expect(
      sizes.some((s) => ['tmpfs', 'proc', 'sysfs', 'cgroup', 'overlay'].includes(s.labels!.fstype)),
    ).toBe(false);
    const devices = sizes.map((s) => s.labels!.device);
    expect(new Set(devices).size).toBe(devices.length);
    if (/ tmpfs /.test(mounts)) {
      const withTmpfs = new DiskCollector({ includeFsTypes: ['tmpfs'] }).collect() as Sample[];
      expect(withTmpfs.some((s) => s.labels?.fstype === 'tmpfs')).toBe(true);
    }
  });

  it('reports CPU ratios between 0 and 1 and load averages', () => {
    const cpu = new CpuCollector();
    cpu.collect();
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
    const samples = cpu.collect();
    expect(x).toBeGreaterThan(0);
    const total = value(samples, METRICS.cpuUsedRatio);
    if (total !== undefined) {
      expect(total).toBeGreaterThanOrEqual(0);
      expect(total).toBeLessThanOrEqual(1);
    }
    const cores = value(samples, METRICS.cpuCount)!;
    expect(cores).toBeGreaterThan(0);
    expect(samples.filter((s) => s.name === METRICS.cpuCoreUsedRatio).length).toBeLessThanOrEqual(
      cores,
    );
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
    expect(value(samples, METRICS.load15)).toBeCloseTo(load[2], 1);
  });

  it('counts bytes sent over loopback in the lo counters', async () => {
    const net = new NetworkCollector();
    const rx = (): number => value(net.collect(), METRICS.netReceiveBytes, { device: 'lo' })!;
    const tx = (): number => value(net.collect(), METRICS.netTransmitBytes, { device: 'lo' })!;
    const before = { rx: rx(), tx: tx() };
    const payload = Buffer.alloc(2 * 1024 * 1024, 1);
    const server = createServer((socket) => socket.resume().on('end', () => socket.end()));
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const client = connect(port, '127.0.0.1', () => client.end(payload));
        client.on('error', reject).on('close', () => resolve());
        client.resume();
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Other traffic on lo only adds to the counters.
    expect(rx() - before.rx).toBeGreaterThanOrEqual(payload.length);
    expect(tx() - before.tx).toBeGreaterThanOrEqual(payload.length);
    const without = new NetworkCollector({ excludeInterfaces: ['lo'] }).collect();
    expect(without.some((s) => s.labels?.device === 'lo')).toBe(false);
  });
});
