/**
 * Cost of the prom-client/node_exporter families and the cumulative histograms (issue 12), before
 * and after, in ONE run: `node tools/bench/run.js tools/bench/families.bench.ts --baseline /work/main
 * [--ticks N] [--rounds N] [--phase-seconds N]`.
 *
 * "Before" is the built dist of another checkout (`--baseline`, e.g. main without this change):
 * its `@vitals/monitor`, `@vitals/memory`, `@vitals/prometheus` and its own `@vitals/core`.
 * "After" is this tree's sources.
 *
 * 1. Collection latency: one CollectScheduler tick over `buildCollectors(defaults)`, before and
 *    after interleaved round-robin (`--ticks`, default 500), p50/p90/p99.
 * 2. Whole-process CPU at 1 Hz: a host with monitor + memory + prometheus, scraped once a second
 *    over loopback with Prometheus 2.42's Accept and Accept-Encoding headers (the body is read,
 *    not decoded), `--rounds` (default 3) × before/after phases of `--phase-seconds` (default 20),
 *    alternated so machine noise falls on both alike; process.cpuUsage() per phase.
 * The machine is shared: read the after/before ratios of one run, not the absolute figures.
 */
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import * as core from '@vitals/core';
import * as memory from '@vitals/memory';
import * as monitor from '@vitals/monitor';
import * as prometheus from '@vitals/prometheus';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`--${name} takes a positive number`);
    process.exit(64);
  }
  return v;
}
const bi = process.argv.indexOf('--baseline');
if (bi < 0 || !process.argv[bi + 1]) {
  console.error(
    'usage: families.bench.ts --baseline <checkout with built dist> [--ticks N] [--rounds N] [--phase-seconds N]',
  );
  process.exit(64);
}
const BASE = resolve(process.argv[bi + 1]);
const TICKS = arg('ticks', 500);
const ROUNDS = arg('rounds', 3);
const PHASE = arg('phase-seconds', 20);

type Kit = {
  core: typeof core;
  memory: typeof memory;
  monitor: typeof monitor;
  prometheus: typeof prometheus;
};
const dist = (pkg: string) => require(join(BASE, 'packages', pkg, 'dist/index.js'));
const before: Kit = {
  core: dist('core'),
  memory: dist('memory'),
  monitor: dist('monitor'),
  prometheus: dist('prometheus'),
};
const after: Kit = { core, memory, monitor, prometheus };

const quantile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function scheduler(kit: Kit) {
  const built = kit.monitor.buildCollectors(kit.monitor.monitorConfigSchema.parse({}));
  const s = new kit.monitor.CollectScheduler(
    built.list,
    new kit.core.MetricStream(),
    kit.core.createNoopLogger(),
    kit.core.systemClock,
    { timeoutMs: 2000 },
  );
  return { tick: () => s.tick(), close: () => built.runtime?.close(), list: built.list };
}

/** p50 of each collector alone, before and after interleaved, ms. */
async function perCollector(): Promise<void> {
  const kits = [
    { name: 'before', ...scheduler(before) },
    { name: 'after', ...scheduler(after) },
  ];
  const times = new Map<string, number[]>();
  for (let i = 0; i < 20 + TICKS; i++) {
    for (const k of kits) {
      for (const c of k.list) {
        const t0 = performance.now();
        await c.collect();
        const key = `${c.name} ${k.name}`;
        if (i >= 20) (times.get(key) ?? times.set(key, []).get(key)!).push(performance.now() - t0);
      }
    }
  }
  for (const k of kits) k.close();
  const names = [...new Set([...times.keys()].map((k) => k.split(' ')[0]))];
  console.log('\n| collector | before p50 ms | after p50 ms |\n| --- | ---: | ---: |');
  for (const n of names) {
    const p = (w: string) => {
      const t = times.get(`${n} ${w}`);
      return t
        ? quantile(
            [...t].sort((a, b) => a - b),
            0.5,
          ).toFixed(3)
        : '–';
    };
    console.log(`| ${n} | ${p('before')} | ${p('after')} |`);
  }
}

async function latency() {
  const impls = [
    { name: 'before', ...scheduler(before), times: [] as number[] },
    { name: 'after', ...scheduler(after), times: [] as number[] },
  ];
  for (let i = 0; i < 20 + TICKS; i++) {
    for (const impl of impls) {
      const t0 = performance.now();
      await impl.tick();
      if (i >= 20) impl.times.push(performance.now() - t0);
    }
  }
  for (const impl of impls) impl.close();
  return impls.map(({ name, times }) => {
    const s = [...times].sort((a, b) => a - b);
    return { name, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99) };
  });
}

const ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
function scrape(port: number): Promise<{ bytes: number; series: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/metrics',
        headers: { accept: ACCEPT, 'accept-encoding': 'gzip' },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ bytes, series: 0 }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function phase(kit: Kit): Promise<{ cpuPct: number; bytes: number; series: number }> {
  const host = kit.core.createHost({
    plugins: [
      kit.monitor.monitorPlugin({ intervalMs: 1000 }),
      kit.memory.memoryPlugin(),
      kit.prometheus.prometheusPlugin(),
    ],
    config: { http: { port: 0 } },
    env: { NODE_ENV: 'test' },
  });
  await host.start();
  const port = host.httpAddress()!.port;
  await sleep(3000); // warm-up: first ticks, JIT
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  for (let s = 0; s < PHASE; s++) {
    bytes = (await scrape(port)).bytes;
    await sleep(1000);
  }
  const d = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const series = host.stream.latest().length;
  await host.stop();
  return { cpuPct: ((d.user + d.system) / 1000 / wall) * 100, bytes, series };
}

async function main() {
  const rev = spawnSync('git', ['-C', BASE, 'log', '-1', '--format=%h %s'], {
    encoding: 'utf8',
  }).stdout.trim();
  console.log(
    `families.bench: baseline ${BASE} (${rev}); Node ${process.version}, ${cpus().length} CPUs, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const lat = await latency();
  console.log(
    '\n| one collection (monitor defaults) | p50 ms | p90 ms | p99 ms |\n| --- | ---: | ---: | ---: |',
  );
  for (const l of lat)
    console.log(`| ${l.name} | ${l.p50.toFixed(3)} | ${l.p90.toFixed(3)} | ${l.p99.toFixed(3)} |`);
  const [b, a] = lat;
  console.log(
    `after/before: p50 ${(a.p50 / b.p50).toFixed(2)}×, p99 ${(a.p99 / b.p99).toFixed(2)}×`,
  );
  await perCollector();

  const cpu: Record<string, number[]> = { before: [], after: [] };
  const info: Record<string, { bytes: number; series: number }> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, kit] of r % 2 === 0
      ? ([
          ['before', before],
          ['after', after],
        ] as const)
      : ([
          ['after', after],
          ['before', before],
        ] as const)) {
      const p = await phase(kit);
      cpu[name].push(p.cpuPct);
      info[name] = { bytes: p.bytes, series: p.series };
    }
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(
    `\n| host (monitor + memory + prometheus), 1 Hz scrape | CPU % of a core (median of ${ROUNDS}) | phases | series | scrape bytes |\n| --- | ---: | --- | ---: | ---: |`,
  );
  for (const name of ['before', 'after']) {
    console.log(
      `| ${name} | ${med(cpu[name]).toFixed(3)} | ${cpu[name].map((x) => x.toFixed(3)).join(', ')} | ${info[name].series} | ${info[name].bytes} |`,
    );
  }
  console.log(
    `after/before CPU: ${(med(cpu.after) / med(cpu.before)).toFixed(2)}×; series ${(info.after.series / info.before.series).toFixed(2)}×`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
