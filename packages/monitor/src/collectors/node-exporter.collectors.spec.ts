import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Sample } from '@vitals/core';
import { CpuCollector } from './cpu.collector';
import { DiskStatsCollector } from './diskstats.collector';
import { HostCollector } from './host.collector';
import { MemoryCollector } from './memory.collector';
import { NetworkCollector } from './network.collector';

const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels?.[k] === v),
  )?.value;

/** Fixed /proc files, so every exported value is checked exactly. */
describe("node_exporter's families from a /proc tree", () => {
  let root: string;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-node-'));
    write(
      'stat',
      'cpu  300 10 200 5000 40 5 6 7 0 0\ncpu0 100 10 50 2500 20 2 3 4 0 0\ncpu1 200 0 150 2500 20 3 3 3 0 0\nbtime 1700000000\n',
    );
    write('loadavg', '0.50 0.40 0.30 1/100 12345\n');
    write(
      'meminfo',
      'MemTotal:        1000 kB\nMemFree:          200 kB\nMemAvailable:     600 kB\nActive(anon):      50 kB\nSwapTotal:        100 kB\nSwapFree:          40 kB\nHugePages_Total:       3\n',
    );
    write(
      'diskstats',
      '   8       0 sda 10 1 64 5 20 2 128 7 0 30 40 0 0 0 0 5 6\n   8       1 sda1 1 0 8 1 1 0 8 1 0 1 1\n   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0\n',
    );
    write(
      'net/dev',
      'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n  eth0: 1000 10 1 2 3 4 5 6 2000 20 7 8 9 10 11 12\n',
    );
    write('pressure/cpu', 'some avg10=0.00 avg60=0.00 avg300=0.00 total=2500000\n');
    write(
      'pressure/io',
      'some avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=500000\n',
    );
    write('sys/kernel/domainname', '(none)\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('node_cpu_seconds_total{cpu,mode} in seconds (USER_HZ 100)', () => {
    const s = new CpuCollector({ procRoot: root, cgroupRoot: root }).collect();
    expect(value(s, 'node_cpu_seconds_total', { cpu: '1', mode: 'user' })).toBe(2);
    expect(value(s, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBe(25);
    expect(value(s, 'node_cpu_seconds_total', { cpu: '0', mode: 'steal' })).toBe(0.04);
    expect(s.filter((x) => x.name === 'node_cpu_seconds_total')).toHaveLength(16);
    expect(value(s, 'vitals_system_cpus')).toBe(2);
    expect(value(s, 'node_load15')).toBe(0.3);
  });

  it('every /proc/meminfo field under its node_exporter name', () => {
    const c = new MemoryCollector({ procRoot: root, cgroupRoot: root });
    const s = c.collect();
    expect(value(s, 'node_memory_MemTotal_bytes')).toBe(1000 * 1024);
    expect(value(s, 'node_memory_MemFree_bytes')).toBe(200 * 1024);
    expect(value(s, 'node_memory_Active_anon_bytes')).toBe(50 * 1024);
    expect(value(s, 'node_memory_HugePages_Total')).toBe(3);
    expect(value(s, 'vitals_system_swap_used_bytes')).toBe(60 * 1024);
    const declared = c.descriptors.map((d) => d.name);
    expect(declared).toEqual(
      expect.arrayContaining(['node_memory_Active_anon_bytes', 'node_memory_HugePages_Total']),
    );
  });

  it('node_disk_* from /proc/diskstats, partitions and loops left out as node_exporter does', () => {
    const s = new DiskStatsCollector({ procRoot: root }).collect();
    expect(new Set(s.map((x) => x.labels?.device))).toEqual(new Set(['sda']));
    expect(value(s, 'node_disk_reads_completed_total')).toBe(10);
    expect(value(s, 'node_disk_read_bytes_total')).toBe(64 * 512);
    expect(value(s, 'node_disk_written_bytes_total')).toBe(128 * 512);
    expect(value(s, 'node_disk_write_time_seconds_total')).toBe(0.007);
    expect(value(s, 'node_disk_io_time_seconds_total')).toBe(0.03);
    expect(value(s, 'node_disk_io_time_weighted_seconds_total')).toBe(0.04);
    expect(value(s, 'node_disk_flush_requests_total')).toBe(5);
  });

  it('every /proc/net/dev column as node_network_*_total', () => {
    const s = new NetworkCollector({ procRoot: root }).collect();
    expect(value(s, 'node_network_receive_bytes_total', { device: 'eth0' })).toBe(1000);
    expect(value(s, 'node_network_receive_multicast_total')).toBe(6);
    expect(value(s, 'node_network_transmit_colls_total')).toBe(10);
    expect(value(s, 'node_network_transmit_compressed_total')).toBe(12);
    expect(s).toHaveLength(16);
  });

  it('node_uname_info, boot time, clock and pressure counters', () => {
    const s = new HostCollector({ procRoot: root }).collect();
    const uname = s.find((x) => x.name === 'node_uname_info')!;
    expect(Object.keys(uname.labels!).sort()).toEqual([
      'domainname',
      'machine',
      'nodename',
      'release',
      'sysname',
      'version',
    ]);
    expect(uname.labels!.domainname).toBe('(none)');
    expect(value(s, 'node_boot_time_seconds')).toBe(1_700_000_000);
    expect(Math.abs(value(s, 'node_time_seconds')! - Date.now() / 1000)).toBeLessThan(5);
    expect(value(s, 'node_pressure_cpu_waiting_seconds_total')).toBe(2.5);
    expect(value(s, 'node_pressure_io_stalled_seconds_total')).toBe(0.5);
    expect(value(s, 'node_pressure_memory_waiting_seconds_total')).toBeUndefined();
  });
});
