/**
 * Dashboard cost benchmark: `npm run bench:dashboard [-- --seconds N --clients C]` (defaults 30, 20).
 *
 * A host with the monitor, memory and dashboard plugins runs at 1 Hz from the built packages
 * (tools/bench/dashboard.host.js, a separate process). In the same run, windows of N seconds
 * alternate: no client, then C `/events` clients at once (what C open pages hold: one event stream
 * each), then again, twice over. The host's CPU is read from /proc/<pid>/stat (utime + stime) at the
 * start and end of each window; the figure is the whole window's CPU as % of one core, and the
 * cost of the clients is the difference between the totals with and without them. Clients count
 * the bytes and ticks they receive, so a silent stream cannot pass for a cheap one.
 * The machine's load average is printed: on a shared machine the figures move with it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import type { ClientRequest } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { clockTicksPerSecond, readProcStat } from '@vitals/core';

const root = join(__dirname, '..', '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return Math.max(1, Number(i > 0 ? process.argv[i + 1] : fallback) || fallback);
};
const SECONDS = arg('--seconds', 30);
const CLIENTS = arg('--clients', 20);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuTicks = (pid: number) => {
  const stat = readProcStat(pid);
  if (!stat) throw new Error(`the host (pid ${pid}) is gone`);
  return stat.utimeTicks + stat.stimeTicks;
};

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

interface Clients {
  bytes: number;
  ticks: number;
  close(): void;
}

function openClients(port: number, n: number): Promise<Clients> {
  const requests: ClientRequest[] = [];
  const state: Clients = {
    bytes: 0,
    ticks: 0,
    close: () => requests.forEach((r) => r.destroy()),
  };
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((done, fail) => {
          const req = get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
            if (res.statusCode !== 200) fail(new Error(`/events answered ${res.statusCode}`));
            res.on('data', (chunk: Buffer) => {
              state.bytes += chunk.length;
              state.ticks += chunk.toString().split('event: tick').length - 1;
            });
            done();
          });
          req.on('error', () => undefined);
          requests.push(req);
        }),
    ),
  ).then(() => state);
}

async function main(): Promise<void> {
  for (const p of ['core', 'monitor', 'memory', 'dashboard']) {
    if (!existsSync(join(root, 'packages', p, 'dist', 'index.js'))) {
      console.error(
        `bench:dashboard needs the built packages: run npx nx run-many -t build -p core monitor memory dashboard`,
      );
      process.exit(1);
    }
  }
  const port = await freePort();
  const host = spawn(process.execPath, [join(__dirname, 'dashboard.host.js'), String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = host.pid as number;
  await new Promise<void>((done, fail) => {
    host.stdout?.on('data', (b: Buffer) => b.toString().includes('listening') && done());
    host.once('exit', (code) => fail(new Error(`host exited (${code})`)));
  });
  const hz = clockTicksPerSecond();
  console.log(
    `host pid ${pid} on port ${port}; monitor at 1 Hz; ${CLIENTS} /events clients; windows of ${SECONDS} s; load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await sleep(5000); // warm-up: first collections, JIT

  const rows: { kind: string; cpu: number; seconds: number; bytes: number; ticks: number }[] = [];
  try {
    for (const kind of ['none', 'clients', 'none', 'clients']) {
      const clients = kind === 'clients' ? await openClients(port, CLIENTS) : undefined;
      if (clients) await sleep(1000); // the connections settle before the window opens
      const t0 = process.hrtime.bigint();
      const c0 = cpuTicks(pid);
      const b0 = clients?.bytes ?? 0;
      const k0 = clients?.ticks ?? 0;
      await sleep(SECONDS * 1000);
      const c1 = cpuTicks(pid);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      rows.push({
        kind,
        cpu: (c1 - c0) / hz,
        seconds,
        bytes: (clients?.bytes ?? 0) - b0,
        ticks: (clients?.ticks ?? 0) - k0,
      });
      clients?.close();
      const last = rows[rows.length - 1];
      console.log(
        `  ${kind === 'none' ? 'no client ' : `${CLIENTS} clients`}: host CPU ${((100 * last.cpu) / seconds).toFixed(2)} % of a core over ${seconds.toFixed(1)} s` +
          (clients
            ? `; each client got ${(last.ticks / CLIENTS / seconds).toFixed(2)} ticks/s, ${(last.bytes / CLIENTS / seconds / 1024).toFixed(1)} KiB/s`
            : ''),
      );
      await sleep(1000);
    }
  } finally {
    host.kill('SIGTERM');
  }
  const total = (kind: string) => {
    const r = rows.filter((x) => x.kind === kind);
    return { cpu: r.reduce((s, x) => s + x.cpu, 0), seconds: r.reduce((s, x) => s + x.seconds, 0) };
  };
  const idle = total('none');
  const busy = total('clients');
  const idlePct = (100 * idle.cpu) / idle.seconds;
  const busyPct = (100 * busy.cpu) / busy.seconds;
  console.log(`\n| windows | host CPU, % of one core |`);
  console.log(`| --- | --- |`);
  console.log(`| no client (${idle.seconds.toFixed(0)} s) | ${idlePct.toFixed(2)} |`);
  console.log(`| ${CLIENTS} clients (${busy.seconds.toFixed(0)} s) | ${busyPct.toFixed(2)} |`);
  console.log(`| added by ${CLIENTS} clients | ${(busyPct - idlePct).toFixed(2)} (budget < 5) |`);
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (2 cores, shared)`,
  );
}

main().catch((error) => {
  console.error(`bench:dashboard failed: ${(error as Error).message}`);
  process.exit(1);
});
