import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR, METRICS, createHost } from '@vitals/core';
import type { Collector, HostHandle, Plugin } from '@vitals/core';
import {
  CpuCollector,
  DiskCollector,
  DiskStatsCollector,
  HostCollector,
  MemoryCollector,
  NetworkCollector,
  ProcessCollector,
  monitorPlugin,
} from '@vitals/monitor';
import { prometheusPlugin } from '@vitals/prometheus';

// `/proc` files unreadable or missing (issue 11): every /proc reader of the monitor, given a fake
// proc root, inside a real host ticking every 100 ms. Root reads any file whatever its mode, so
// "unreadable" is a directory where a file should be (EISDIR, for root too); "missing" is an
// empty root; "garbage" is every file present with nonsense in it. The host keeps ticking, the
// healthy collectors keep publishing, failures are counted per collector, and no NaN or string
// reaches the stream or /metrics.

/** Files the collectors read under a proc root (relative), and /proc/<pid>/… of `pid`. */
const FILES = (pid: number) => [
  'stat',
  'meminfo',
  'loadavg',
  'uptime',
  'diskstats',
  'mounts',
  'self/mounts',
  'self/mountinfo',
  'net/dev',
  'sys/kernel/domainname',
  'sys/kernel/random/boot_id',
  'pressure/cpu',
  'pressure/memory',
  'pressure/io',
  'sys/fs/file-nr',
  `${pid}/stat`,
  `${pid}/status`,
  `${pid}/limits`,
  `${pid}/cmdline`,
  `${pid}/io`,
  `${pid}/cgroup`,
  'self/stat',
  'self/status',
  'self/limits',
  'self/cgroup',
];

function fakeRoot(kind: 'missing' | 'unreadable' | 'garbage', pid: number): string {
  const root = mkdtempSync(join(tmpdir(), `vitals-fakeproc-${kind}-`));
  if (kind === 'missing') return root;
  for (const file of FILES(pid)) {
    const path = join(root, file);
    mkdirSync(join(path, '..'), { recursive: true });
    if (kind === 'unreadable') mkdirSync(path, { recursive: true });
    else writeFileSync(path, 'cpu  x y z\n\u0000garbage ((( 1 2\nMemTotal: lots kB\n-1 NaN\n');
  }
  mkdirSync(join(root, `${pid}`, 'fd'), { recursive: true });
  return root;
}

/**
 * The monitor's /proc readers under a fake root, each under a name of its own. Built on their
 * first tick, so a reader whose constructor already reads (the memory collector reads meminfo's
 * field list) fails like any other tick: counted, not fatal to the test's own setup.
 */
const fakeCollectors = (procRoot: string, pid: number): Collector[] => {
  const lazy = (name: string, make: () => Collector): Collector => {
    let made: Collector | undefined;
    return {
      name,
      descriptors: [],
      collect: () => (made ??= make()).collect(),
    };
  };
  return [
    lazy('fake.cpu', () => new CpuCollector({ procRoot, cgroupRoot: procRoot })),
    lazy('fake.memory', () => new MemoryCollector({ procRoot, cgroupRoot: procRoot })),
    lazy('fake.disk', () => new DiskCollector({ procRoot })),
    lazy('fake.network', () => new NetworkCollector({ procRoot })),
    lazy('fake.host', () => new HostCollector({ procRoot })),
    lazy('fake.diskstats', () => new DiskStatsCollector({ procRoot } as never)),
    lazy('fake.process', () => new ProcessCollector({ pid, procRoot, cgroupRoot: procRoot })),
  ];
};

/** Polls `read` (real time, up to 10 s) until it gives a value. */
async function waitUntil<T>(read: () => { value: number } | T | undefined): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    const v = read();
    if (v !== undefined) return typeof v === 'object' && v !== null && 'value' in v ? v.value : v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe('a host whose /proc readers find files missing, unreadable or garbage', () => {
  let host: HostHandle | undefined;
  let root: string | undefined;
  let target: ChildProcess | undefined;
  afterEach(async () => {
    target?.kill('SIGKILL');
    target = undefined;
    await host?.stop('test end');
    host = undefined;
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it.each(['missing', 'unreadable', 'garbage'] as const)(
    'keeps ticking and serving when the files are %s: a fallback or a counted failure, never NaN',
    async (kind) => {
      // A live process of our own, so only the fake root can make its figures unreadable.
      target = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      const pid = target.pid!;
      root = fakeRoot(kind, pid);
      const collectors = fakeCollectors(root, pid);
      const fake: Plugin = {
        name: 'fake-proc',
        register(container) {
          for (const c of collectors) container.register(COLLECTOR, { useValue: c });
        },
      };
      host = createHost({
        plugins: [monitorPlugin(), prometheusPlugin(), fake],
        config: { http: { port: 0 }, monitor: { intervalMs: 100 } },
        env: { NODE_ENV: 'test' },
      });
      await host.start();
      const stream = host.stream;
      const ticks = () =>
        stream.latestValue(METRICS.collectorErrors, { collector: 'fake.process' });
      // The real collectors keep publishing tick after tick: RSS of this process changes value.
      const deadline = Date.now() + 20_000;
      let seen = 0;
      let last = -1;
      while (Date.now() < deadline && seen < 5) {
        const rss = stream.latestValue(METRICS.processRssBytes)?.value ?? -1;
        if (rss > 0 && rss !== last) seen++;
        last = rss;
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(seen).toBeGreaterThanOrEqual(5);
      if (kind === 'missing') {
        // No /proc at all (not mounted): the readers fall back to Node's os module and pidusage.
        expect(
          await waitUntil(() => stream.latestValue(METRICS.processRssBytes, { pid: String(pid) })),
        ).toBeGreaterThan(0);
      } else {
        // The pid's files unreadable or nonsense: an error, counted every tick (the host stays
        // up and says which collector failed), and no made-up figure.
        expect(await waitUntil(() => ((ticks()?.value ?? 0) >= 3 ? 3 : undefined))).toBe(3);
        expect(stream.latestValue(METRICS.processRssBytes, { pid: String(pid) })).toBeUndefined();
      }
      const bad = stream
        .latest()
        .filter((v) => typeof v.value !== 'number' || Number.isNaN(v.value));
      expect(bad).toEqual([]);
      const res = await fetch(`http://127.0.0.1:${host.httpAddress()!.port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toMatch(/ NaN$/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    },
    30_000,
  );
});
