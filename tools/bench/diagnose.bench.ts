/**
 * Diagnose benchmark: `npm run bench:diagnose [-- --runs N] [-- --print [--pid N]]`.
 *
 * Wall time of one complete `vitals diagnose` report (one collectOnce over every registered
 * collector, every check, the report rendered), median and p90 over `--runs` (default 30) after a
 * warm-up, for two hosts: diagnostics alone (direct /proc reads, a 50 ms event-loop sample) and
 * diagnostics with @vitals/monitor and @vitals/memory (when they load). Peer, measured in the same
 * run and interleaved: the equivalent reads with systeminformation (mem, fsSize, currentLoad) and
 * pidusage for the process — figures only, no checks. Budget: median < 200 ms.
 * `--print` prints one human report of this machine (or of `--pid N`) instead.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { register } from 'tsconfig-paths';

// run.js's tsconfig-paths resolves @vitals/* to each package's dist; measure the sources instead.
const root = join(__dirname, '../..');
register({ baseUrl: root, paths: { '@vitals/*': ['packages/*/src/index.ts'] } });

const core = require('@vitals/core') as typeof import('@vitals/core');
const diag = require('@vitals/diagnostics') as typeof import('@vitals/diagnostics');
const si = require('systeminformation') as typeof import('systeminformation');
const pidusage = require('pidusage') as typeof import('pidusage');

const argv = process.argv.slice(2);
const flag = (name: string) => argv.indexOf(`--${name}`);
const RUNS = flag('runs') >= 0 ? Number(argv[flag('runs') + 1]) : 30;

/** Plugins of other packages, when they load (they are optional for diagnostics). */
function optionalPlugins(): { names: string[]; plugins: import('@vitals/core').Plugin[] } {
  const names: string[] = [];
  const plugins: import('@vitals/core').Plugin[] = [];
  for (const [pkg, factory] of [
    ['@vitals/monitor', 'monitorPlugin'],
    ['@vitals/memory', 'memoryPlugin'],
  ]) {
    try {
      plugins.push(require(pkg)[factory]());
      names.push(pkg);
    } catch (error) {
      console.log(`(${pkg} not loaded: ${core.describeError(error)})`);
    }
  }
  return { names, plugins };
}

async function report(host: import('@vitals/core').HostHandle, pid?: number): Promise<string> {
  const r = await diag.runDiagnostics(host, { env: process.env, pid });
  return diag.formatReport(r);
}

const quantile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9) };
};

async function main(): Promise<void> {
  if (flag('print') >= 0) {
    const pid = flag('pid') >= 0 ? Number(argv[flag('pid') + 1]) : undefined;
    const host = core.createHost({
      plugins: [diag.diagnosticsPlugin(), ...optionalPlugins().plugins],
    });
    process.stdout.write(await report(host, pid));
    await host.stop();
    return;
  }
  const extra = optionalPlugins();
  const alone = core.createHost({ plugins: [diag.diagnosticsPlugin()] });
  const rich = core.createHost({ plugins: [diag.diagnosticsPlugin(), ...extra.plugins] });
  const impls: [string, () => Promise<unknown>][] = [
    ['vitals diagnose (diagnostics alone)', () => report(alone)],
    [`vitals diagnose (+ ${extra.names.join(', ') || 'nothing'})`, () => report(rich)],
    [
      'peer: si mem+fsSize+currentLoad + pidusage',
      () => Promise.all([si.mem(), si.fsSize(), si.currentLoad(), pidusage(process.pid)]),
    ],
  ];
  const times = new Map<string, number[]>(impls.map(([n]) => [n, []]));
  const timesOf = (name: string): number[] => times.get(name) ?? [];
  for (let i = 0; i < RUNS + 3; i++) {
    for (const [name, run] of impls) {
      const t0 = performance.now();
      await run();
      if (i >= 3) timesOf(name).push(performance.now() - t0);
    }
  }
  await Promise.all([alone.stop(), rich.stop()]);
  console.log(`diagnose bench: ${RUNS} runs each, interleaved, node ${process.version}`);
  const peer = fmt(timesOf(impls[2][0])).p50;
  for (const [name] of impls) {
    const { p50, p90 } = fmt(timesOf(name));
    console.log(
      `  ${name.padEnd(48)} median ${p50.toFixed(1).padStart(7)} ms  p90 ${p90.toFixed(1).padStart(7)} ms  ${(p50 / peer).toFixed(2)}× peer`,
    );
  }
  const worst = Math.max(fmt(timesOf(impls[0][0])).p50, fmt(timesOf(impls[1][0])).p50);
  console.log(
    `  budget: median < 200 ms → ${worst < 200 ? 'met' : 'MISSED'} (${worst.toFixed(1)} ms)`,
  );
  pidusage.clear();
}

main().catch((error) => {
  console.error(core.describeError(error));
  process.exit(1);
});
