/**
 * Supervisor footprint benchmark: `npm run bench:supervisor [-- --seconds N]` (default 60).
 *
 * One idle Node child runs under `vitals run --max-memory 512M` (the real CLI: host, process plugin
 * for the lock, startup with its agent on, a 1 s memory check, the HTTP server) and,
 * in the same run and at the same time, another idle child under PM2's daemon ("God"). For N
 * seconds both supervisor processes are sampled once a second from /proc: RSS (median, max) and
 * CPU (utime + stime over the whole window, as % of one core). The children are sampled too, so
 * the agent's cost inside the child shows beside PM2's in-child wrapper.
 *
 * Fairness: our supervisor does not run under ts-node (whose compiler alone is ~100 MB): the core,
 * process, startup and host sources are transpiled with @swc/core into a temp dir first and run as
 * plain JS, as the built packages would.
 * PM2 is installed from npm into a temp dir for this run only (`npm install --prefix`), its daemon
 * gets a temp PM2_HOME, and `pm2 kill` stops it at the end. Linux only (reads /proc).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { clockTicksPerSecond, readProcStat, readProcStatus } from '@vitals/core';

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

/** Transpiles the .ts files (no specs) of `from` into `to` with swc, as the jest preset does. */
function transpile(from: string, to: string): void {
  const swc = require('@swc/core') as typeof import('@swc/core');
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const out = join(to, name);
    if (statSync(src).isDirectory()) transpile(src, out);
    else if (name.endsWith('.ts') && !/\.(spec|test-util)\.ts$/.test(name)) {
      mkdirSync(dirname(out), { recursive: true });
      const { code } = swc.transformFileSync(src, {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      });
      writeFileSync(out.replace(/\.ts$/, '.js'), code);
    } else if (name.endsWith('.js')) cpSync(src, out);
  }
}

/**
 * What a user runs: the `vitals` CLI's `run` command (host CLI, process plugin for the lock,
 * startup), transpiled from the tree. Returns the launcher script.
 */
function buildOurs(dir: string): string {
  for (const pkg of ['core', 'process', 'startup', 'host']) {
    transpile(join(root, 'packages', pkg, 'src'), join(dir, pkg, 'src'));
    cpSync(join(root, 'packages', pkg, 'package.json'), join(dir, pkg, 'package.json'));
    mkdirSync(join(dir, 'node_modules/@vitals', pkg), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules/@vitals', pkg, 'index.js'),
      `module.exports = require('../../../${pkg}/src/index.js');\n`,
    );
  }
  cpSync(join(root, 'packages/startup/agent'), join(dir, 'startup/agent'), { recursive: true });
  // Port 0: never collides with a service on this machine.
  writeFileSync(
    join(dir, 'vitals.config.json'),
    JSON.stringify({ plugins: ['process', 'startup'], http: { port: 0 } }),
  );
  const script = join(dir, 'vitals.js');
  writeFileSync(
    script,
    `'use strict';
require('./host/src/cli.js').main(process.argv.slice(2)).then((code) => process.exit(code));
`,
  );
  return script;
}

async function main(): Promise<void> {
  if (!existsSync('/proc/self/stat'))
    throw new Error('this benchmark reads /proc: run it on Linux');
  const work = mkdtempSync(join(tmpdir(), 'vitals-bench-sup-'));
  const idle = join(work, 'idle.js');
  writeFileSync(idle, 'setInterval(() => {}, 1000);\n');
  const pm2Home = join(work, 'pm2-home');
  const pm2Dir = join(work, 'pm2');
  let pm2Bin = '';
  let ours: ReturnType<typeof spawn> | undefined;
  try {
    console.log(
      `installing pm2@latest into ${relative(process.cwd(), pm2Dir) || pm2Dir} (bench only)…`,
    );
    execFileSync(
      'npm',
      ['install', '--prefix', pm2Dir, '--no-audit', '--no-fund', '--silent', 'pm2@latest'],
      { stdio: 'inherit' },
    );
    pm2Bin = join(pm2Dir, 'node_modules/.bin/pm2');
    const pm2Version = JSON.parse(
      readFileSync(join(pm2Dir, 'node_modules/pm2/package.json'), 'utf8'),
    ).version as string;
    const script = buildOurs(join(work, 'ours'));

    const env = { ...process.env, NODE_PATH: join(root, 'node_modules'), NODE_OPTIONS: '' };
    ours = spawn(
      process.execPath,
      [script, 'run', '--name', 'idle', '--max-memory', '512M', '--lock-dir', work, '--', idle],
      { env, cwd: dirname(script), stdio: 'ignore' },
    );
    const pm2Env = { ...process.env, PM2_HOME: pm2Home, NODE_OPTIONS: '' };
    execFileSync(pm2Bin, ['start', idle, '--name', 'idle', '--no-autorestart'], {
      env: pm2Env,
      stdio: 'ignore',
    });
    const god = Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8'));
    const pm2Child = Number(
      execFileSync(pm2Bin, ['pid', 'idle'], { env: pm2Env }).toString().trim(),
    );
    await new Promise((r) => setTimeout(r, 2000)); // both settle (agent hello, first ticks)
    const ourChild = Number(
      readFileSync(`/proc/${ours.pid}/task/${ours.pid}/children`, 'utf8').trim().split(/\s+/)[0],
    );

    const pids = { ours: ours.pid ?? 0, god, ourChild, pm2Child };
    const rss: Record<keyof typeof pids, number[]> = {
      ours: [],
      god: [],
      ourChild: [],
      pm2Child: [],
    };
    const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuTicks(pid)]));
    const started = process.hrtime.bigint();
    for (let s = 0; s < SECONDS; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      for (const [k, pid] of Object.entries(pids)) rss[k as keyof typeof pids].push(rssMiB(pid));
    }
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const hz = clockTicksPerSecond();
    const cpuPct = (k: keyof typeof pids) => ((cpuTicks(pids[k]) - cpu0[k]) / hz / wall) * 100;
    const line = (label: string, k: keyof typeof pids) =>
      `${label.padEnd(34)} RSS median ${quantile(rss[k], 0.5).toFixed(1)} MiB  max ${Math.max(...rss[k]).toFixed(1)} MiB  CPU ${cpuPct(k).toFixed(2)} % of a core`;
    console.log(
      `\none idle child, ${SECONDS} s, sampled every second, same run (node ${process.version}, pm2 ${pm2Version})`,
    );
    console.log(line('vitals run (CLI, host + agent)', 'ours'));
    console.log(line(`PM2 God daemon`, 'god'));
    console.log(line('  child under vitals (with agent)', 'ourChild'));
    console.log(line('  child under PM2', 'pm2Child'));
    const ratio = quantile(rss.god, 0.5) / quantile(rss.ours, 0.5);
    console.log(`ratio: PM2 daemon RSS / vitals supervisor RSS = ${ratio.toFixed(2)}x`);
  } finally {
    if (ours?.pid) {
      ours.kill('SIGTERM');
      await new Promise((r) => ours?.once('exit', r));
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
