/**
 * Supervisor and agent footprint: `npm run bench:supervisor [-- --seconds N]` (default 60).
 *
 * Three workloads — `idle` (a 1 s timer), `churn` (request-like churn: 1000 short-lived 2 KB
 * requests a second, so major GCs come by themselves and the agent reports each) and `grow` (a
 * quiet service retaining 5 MB/min with young-only garbage, so the agent's measurement GC runs) —
 * each run three ways at the same time: under `vitals run --max-memory 512M` (the real CLI: host,
 * process plugin for the lock, startup with its agent in the child, a 1 s memory check, the HTTP
 * server), under PM2's daemon ("God", `--max-memory-restart 512M`, PM2's in-child wrapper
 * ProcessContainerFork), and as a bare `node` child of this benchmark. For N seconds every child
 * and both supervisors are sampled once a second from /proc, from outside: RSS (`/proc/<pid>/status`
 * VmRSS: median and max) and CPU (`/proc/<pid>/stat` utime + stime over the window, % of one
 * core; and time on a CPU from `/proc/<pid>/task/<tid>/schedstat` of every thread, µs per second,
 * which counts in ns where the ticks count in 10 ms). The child rows answer "what does the agent's
 * reporting cost the child" beside PM2's wrapper and beside no wrapper at all, in the same run.
 *
 * Fairness: our supervisor does not run under ts-node (whose compiler alone is ~100 MB): the core,
 * process, startup and host sources are transpiled with @swc/core into a temp dir first and run as
 * plain JS, as the built packages would.
 * PM2 7 is installed from npm into a temp dir for this run only (`npm install --prefix`), its daemon
 * gets a temp PM2_HOME, and `pm2 kill` stops it at the end. Linux only (reads /proc).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockTicksPerSecond, readProcStat, readProcStatus } from '@vitals/core';
import { buildPackages } from './transpile.util';

const root = join(__dirname, '..', '..');
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = Math.max(5, Number(secondsArg > 0 ? process.argv[secondsArg + 1] : 60) || 60);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const rssMiB = (pid: number) => Number.parseInt(readProcStatus(pid)?.VmRSS ?? 'NaN', 10) / 1024;
const cpuTicks = (pid: number) => {
  const stat = readProcStat(pid);
  return stat ? stat.utimeTicks + stat.stimeTicks : Number.NaN;
};
/**
 * Time on a CPU so far, ns, summed over the process's threads (`/proc/<pid>/task/<tid>/schedstat`
 * field 1, the scheduler's own clock): the ticks above count in 10 ms steps, too coarse for a
 * process that uses 0.1 % of a core (6 ticks a minute). A thread that exits in the window takes
 * its time with it (the workloads here start none).
 */
const cpuNs = (pid: number) => {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns;
  } catch {
    return Number.NaN;
  }
};

/**
 * What a user runs: the `vitals` CLI's `run` command (host CLI, process plugin for the lock,
 * startup), transpiled from the tree and started through the package's own `bin/vitals.js`, so the
 * supervisor runs with the V8 flags the launcher sets (small young generation, no TurboFan or
 * Sparkplug, `--optimize-for-size`) as a user's does. Returns the launcher script.
 */
function buildOurs(dir: string): string {
  buildPackages(dir, ['core', 'process', 'startup', 'host']);
  cpSync(join(root, 'packages/startup/agent'), join(dir, 'startup/agent'), { recursive: true });
  // Port 0: never collides with a service on this machine.
  writeFileSync(
    join(dir, 'vitals.config.json'),
    JSON.stringify({ plugins: ['process', 'startup'], http: { port: 0 } }),
  );
  // bin/vitals.js loads ../dist/cli.js: here the transpiled sources are that dist.
  cpSync(join(root, 'packages/host/bin'), join(dir, 'host/bin'), { recursive: true });
  symlinkSync('src', join(dir, 'host/dist'));
  return join(dir, 'host/bin/vitals.js');
}

const WORKLOADS: Record<string, string> = {
  idle: 'setInterval(() => {}, 1000);\n',
  churn: `const inflight = new Set();
setInterval(() => {
  for (let i = 0; i < 10; i++) {
    const req = { i, body: JSON.stringify({ i, t: Date.now() }), data: new Array(256).fill(i) };
    inflight.add(req);
    setTimeout(() => inflight.delete(req), 100 + Math.random() * 800);
  }
}, 10);
`,
  grow: `const kept = [];
setInterval(() => kept.push(new Array(10922).fill(kept.length)), 1000);
setInterval(() => { for (let i = 0; i < 200; i++) JSON.stringify({ i, t: Date.now() }); }, 10);
`,
};

/** The first child pid of `pid` (from /proc/<pid>/task/<pid>/children), waiting up to 30 s. */
async function firstChild(pid: number): Promise<number> {
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      const word = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
      if (word) return Number(word);
    } catch {
      // not there yet
    }
    if (Date.now() > end) throw new Error(`process ${pid} started no child within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  if (!existsSync('/proc/self/stat'))
    throw new Error('this benchmark reads /proc: run it on Linux');
  const work = mkdtempSync(join(tmpdir(), 'vitals-bench-sup-'));
  const pm2Home = join(work, 'pm2-home');
  const pm2Dir = join(work, 'pm2');
  let pm2Bin = '';
  const started: ReturnType<typeof spawn>[] = [];
  try {
    console.log(`installing pm2@7 into ${pm2Dir} (bench only)…`);
    execFileSync(
      'npm',
      ['install', '--prefix', pm2Dir, '--no-audit', '--no-fund', '--silent', 'pm2@7'],
      { stdio: 'inherit' },
    );
    pm2Bin = join(pm2Dir, 'node_modules/.bin/pm2');
    const pm2Version = JSON.parse(
      readFileSync(join(pm2Dir, 'node_modules/pm2/package.json'), 'utf8'),
    ).version as string;
    const ourDir = join(work, 'ours');
    const script = buildOurs(ourDir);
    const env = { ...process.env, NODE_PATH: join(root, 'node_modules'), NODE_OPTIONS: '' };
    const pm2Env = { ...process.env, PM2_HOME: pm2Home, NODE_OPTIONS: '' };

    const pids: Record<string, number> = {};
    const supervisors: Record<string, number> = {};
    for (const [name, code] of Object.entries(WORKLOADS)) {
      const file = join(work, `${name}.js`);
      writeFileSync(file, code);
      const ours = spawn(
        process.execPath,
        [script, 'run', '--name', name, '--max-memory', '512M', '--lock-dir', work, '--', file],
        { env, cwd: ourDir, stdio: 'ignore' }, // where vitals.config.json is
      );
      started.push(ours);
      supervisors[`vitals run (${name})`] = ours.pid ?? 0;
      const bare = spawn(process.execPath, [file], { env, stdio: 'ignore' });
      started.push(bare);
      pids[`${name}|bare node`] = bare.pid ?? 0;
      execFileSync(
        pm2Bin,
        ['start', file, '--name', name, '--no-autorestart', '--max-memory-restart', '512M'],
        { env: pm2Env, stdio: 'ignore' },
      );
      pids[`${name}|PM2 7 (wrapper)`] = Number(
        execFileSync(pm2Bin, ['pid', name], { env: pm2Env }).toString().trim(),
      );
      pids[`${name}|vitals run (agent)`] = await firstChild(ours.pid ?? 0);
    }
    supervisors['PM2 God daemon (3 apps)'] = Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 3000)); // all settle (agent hello, first ticks)

    const all = { ...pids, ...supervisors };
    const rss: Record<string, number[]> = Object.fromEntries(Object.keys(all).map((k) => [k, []]));
    const cpu0 = Object.fromEntries(Object.entries(all).map(([k, pid]) => [k, cpuTicks(pid)]));
    const ns0 = Object.fromEntries(Object.entries(all).map(([k, pid]) => [k, cpuNs(pid)]));
    const t0 = process.hrtime.bigint();
    for (let s = 0; s < SECONDS; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      for (const [k, pid] of Object.entries(all)) rss[k].push(rssMiB(pid));
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const hz = clockTicksPerSecond();
    const cpuPct = (k: string) => ((cpuTicks(all[k]) - cpu0[k]) / hz / wall) * 100;
    const onCpuUs = (k: string) => (cpuNs(all[k]) - ns0[k]) / 1000 / wall;
    const rows: string[][] = [
      ['process', 'RSS median', 'RSS max', 'CPU (% of a core)', 'on a CPU (µs/s, schedstat)'],
    ];
    const row = (label: string, k: string) =>
      rows.push([
        label,
        `${quantile(rss[k], 0.5).toFixed(1)} MiB`,
        `${Math.max(...rss[k]).toFixed(1)} MiB`,
        `${cpuPct(k).toFixed(2)} %`,
        `${onCpuUs(k).toFixed(0)}`,
      ]);
    for (const name of Object.keys(WORKLOADS))
      for (const how of ['bare node', 'vitals run (agent)', 'PM2 7 (wrapper)'])
        row(`${name} child: ${how}`, `${name}|${how}`);
    for (const k of Object.keys(supervisors)) row(`supervisor: ${k}`, k);
    console.log(
      `\nsame run, ${SECONDS} s, sampled every second from /proc (node ${process.version}, pm2 ${pm2Version}, load ${readFileSync('/proc/loadavg', 'utf8').trim()})`,
    );
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  } finally {
    for (const proc of started) {
      if (proc.exitCode !== null || proc.signalCode !== null) continue;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    if (pm2Bin) {
      try {
        execFileSync(pm2Bin, ['kill'], {
          env: { ...process.env, PM2_HOME: pm2Home },
          stdio: 'ignore',
        });
      } catch {
        // Already gone.
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
