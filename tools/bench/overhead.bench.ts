/**
 * What Vitals costs the machine, measured from outside the way a user would:
 *
 *   npm run bench:overhead [-- --seconds 60 --runs 3]
 *
 * In one run, all at once: `vitals start` (monitor + prometheus) and `vitals start` (every
 * plugin) from the built CLI, prom-client 15's `collectDefaultMetrics()` behind `node:http`, and
 * Debian's node_exporter when installed, each scraped once a second with Prometheus' headers; and
 * `vitals run` and PM2 7 each supervising the same idle child (`--max-memory 512M` and
 * `--max-memory-restart 512M`). Per process: CPU = utime + stime from `/proc/<pid>/stat` over the
 * whole window / wall time (% of one core), RSS = median of `/proc/<pid>/status` VmRSS read every
 * second, series = non-comment lines of the last scrape. Nothing is subtracted, no window is
 * dropped. Medians over `--runs` fresh runs; the ratios (computed within each run, then the
 * median) come last. PM2 is installed into a temp prefix (`npm install --prefix`), runs with its
 * own PM2_HOME, and is killed at the end; when npm refuses, PM2 is skipped with the reason.
 * Linux only. The CLI runs from each package's dist: `npm ci` (or `npm run build`) first.
 *
 * Two floor rows put the figures in scale: a bare `node:http` server answering each scrape with a
 * fixed body, and the same with `monitorEventLoopDelay({ resolution: 50 })` on. On a machine where
 * each wake-up of a process is dear (this VM: ~80 µs of CPU per timer wake), they are most of what
 * any Node exporter costs before it does any work.
 *
 * `--baseline DIR` also starts `vitals start` (monitor + prometheus) and `vitals run` (every
 * plugin; process + startup) from another built checkout in the same run, for before/after ratios
 * measured under the same load (on a shared machine absolute figures move with the load; ratios
 * within one run much less).
 * `--no-pm2` skips PM2.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WindowMeter, median } from './overhead/proc-meter';
import { Scraper } from './overhead/scraper';
import {
  installPm2,
  startFloor,
  startNodeExporter,
  startPm2,
  startPromClient,
  startVitalsHost,
  startVitalsRun,
} from './overhead/targets';
import type { Target } from './overhead/targets';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const MP = 'vitals start (monitor + prometheus)';
const RUN_ALL = 'vitals run (every plugin)';
const RUN_PS = 'vitals run (process + startup)';
const BASE = '[baseline]';
const WARMUP_MS = 5000;

function usage(message: string): never {
  console.error(`bench:overhead: ${message}`);
  console.error(
    'usage: npm run bench:overhead -- [--seconds 5..3600] [--runs 1..20] [--no-pm2] [--baseline DIR]',
  );
  process.exit(64);
}

interface Options {
  seconds: number;
  runs: number;
  pm2: boolean;
  /** Another checkout (built) whose Vitals hosts run beside ours in the same run. */
  baseline?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const out: Options = { seconds: 60, runs: 3, pm2: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-pm2') out.pm2 = false;
    else if (arg === '--baseline') {
      const dir = argv[++i];
      if (!dir || !existsSync(join(dir, 'packages/host/bin/vitals.js')))
        usage(`--baseline needs a built Vitals checkout (got ${dir ?? 'nothing'})`);
      out.baseline = dir;
    } else if (arg === '--seconds' || arg === '--runs') {
      const n = Number(argv[++i]);
      const [lo, hi] = arg === '--seconds' ? [5, 3600] : [1, 20];
      if (!Number.isInteger(n) || n < lo || n > hi)
        usage(`${arg} needs a whole number from ${lo} to ${hi} (got ${argv[i] ?? 'nothing'})`);
      out[arg === '--seconds' ? 'seconds' : 'runs'] = n;
    } else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  return out;
}

/** Newest mtime of the files under `dir` whose name ends with `ext` (0 when none). */
function newest(dir: string, ext: string): number {
  let max = 0;
  if (!existsSync(dir)) return 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) max = Math.max(max, newest(p, ext));
    else if (name.endsWith(ext) && !name.endsWith('.spec.ts')) max = Math.max(max, st.mtimeMs);
  }
  return max;
}

/** The built CLI; exits with a clear line when a package's dist is missing or older than its src. */
function builtCli(root: string, what = 'the CLI'): string {
  const bin = join(root, 'packages/host/bin/vitals.js');
  const stale: string[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = newest(join(root, 'packages', pkg, 'src'), '.ts');
    const dist = newest(join(root, 'packages', pkg, 'dist'), '.js');
    if (src > 0 && dist < src) stale.push(pkg);
  }
  if (!existsSync(join(root, 'packages/host/dist/cli.js')) || stale.includes('host')) {
    console.error(`bench:overhead: ${what} is not built; run \`npm run build\` in ${root}`);
    process.exit(1);
  }
  if (stale.length > 0)
    console.warn(`warning: dist older than src in ${stale.join(', ')}; run npm run build`);
  return bin;
}

type Row = { cpu: number[]; rss: number[]; series: number[] };

/** One run: start everything, warm up, measure `seconds`, stop everything. */
async function runOnce(
  seconds: number,
  root: string,
  vitalsBin: string,
  baselineBin: string | undefined,
  pm2: { bin: string; version: string } | undefined,
  rows: Map<string, Row>,
  ratios: Map<string, number[]>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vitals-bench-overhead-'));
  const idle = join(dir, 'idle.js');
  writeFileSync(idle, 'setInterval(() => {}, 1000);\n');
  const targets: Target[] = [];
  const scrapers = new Map<Target, Scraper>();
  let ticker: NodeJS.Timeout | undefined;
  try {
    const http = { port: 0 };
    const started = await Promise.allSettled([
      startVitalsHost(
        MP,
        vitalsBin,
        { plugins: ['monitor', 'prometheus'], http },
        dir,
        'start-mp.json',
      ),
      startVitalsHost('vitals start (every plugin)', vitalsBin, { http }, dir, 'start-all.json'),
      startPromClient(root, dir),
      startNodeExporter(NODE_EXPORTER),
      startFloor(dir, false),
      startFloor(dir, true),
      startVitalsRun(RUN_ALL, vitalsBin, { http }, dir, 'run-all.json', idle),
      startVitalsRun(
        RUN_PS,
        vitalsBin,
        { plugins: ['process', 'startup'], http },
        dir,
        'run-ps.json',
        idle,
      ),
      pm2 ? startPm2(pm2.bin, join(dir, 'pm2-home'), idle) : Promise.resolve(undefined),
      ...(baselineBin
        ? [
            startVitalsHost(
              `${MP} ${BASE}`,
              baselineBin,
              { plugins: ['monitor', 'prometheus'], http },
              dir,
              'base-mp.json',
            ),
            startVitalsRun(`${RUN_ALL} ${BASE}`, baselineBin, { http }, dir, 'base-run.json', idle),
            startVitalsRun(
              `${RUN_PS} ${BASE}`,
              baselineBin,
              { plugins: ['process', 'startup'], http },
              dir,
              'base-run-ps.json',
              idle,
            ),
          ]
        : []),
    ]);
    for (const s of started) if (s.status === 'fulfilled' && s.value) targets.push(s.value);
    const failed = started.filter((s) => s.status === 'rejected');
    if (failed.length > 0) throw (failed[0] as PromiseRejectedResult).reason;

    for (const t of targets) if (t.scrapeUrl) scrapers.set(t, new Scraper(t.scrapeUrl));
    const scrapeAll = () => {
      for (const s of scrapers.values()) void s.scrape();
    };
    scrapeAll();
    ticker = setInterval(scrapeAll, 1000);
    await new Promise((r) => setTimeout(r, WARMUP_MS));

    const meter = new WindowMeter();
    const pids = targets.flatMap((t) => (t.childPid ? [t.pid, t.childPid] : [t.pid]));
    meter.start(pids);
    for (const s of scrapers.values()) s.ok = s.failed = 0;
    for (let s = 0; s < seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      meter.sample();
    }
    const measured = meter.finish();

    const add = (label: string, cpu: number, rss: number, series = Number.NaN) => {
      const row = rows.get(label) ?? { cpu: [], rss: [], series: [] };
      row.cpu.push(cpu);
      row.rss.push(rss);
      row.series.push(series);
      rows.set(label, row);
    };
    const byLabel = new Map<string, { cpu: number; rss: number; series: number }>();
    for (const t of targets) {
      const own = measured.get(t.pid) ?? { cpuPct: Number.NaN, rssMiB: Number.NaN };
      const scraper = scrapers.get(t);
      if (scraper && scraper.failed > 0)
        console.warn(`  ${t.label}: ${scraper.failed} failed scrapes (${scraper.lastError})`);
      const series = scraper?.series ?? Number.NaN;
      const label = t.label === 'PM2 daemon (God)' && pm2 ? `PM2 ${pm2.version}` : t.label;
      if (t.childPid === undefined) {
        add(label, own.cpuPct, own.rssMiB, series);
        byLabel.set(label, { cpu: own.cpuPct, rss: own.rssMiB, series });
        continue;
      }
      const child = measured.get(t.childPid) ?? { cpuPct: Number.NaN, rssMiB: Number.NaN };
      add(`${label}: supervisor`, own.cpuPct, own.rssMiB);
      add(`${label}: idle child`, child.cpuPct, child.rssMiB);
      add(`${label}: together`, own.cpuPct + child.cpuPct, own.rssMiB + child.rssMiB);
      byLabel.set(label, { cpu: own.cpuPct + child.cpuPct, rss: own.rssMiB, series });
    }

    const ratio = (name: string, value: number) =>
      ratios.set(name, [...(ratios.get(name) ?? []), value]);
    const prom = byLabel.get('prom-client 15 collectDefaultMetrics() + node:http');
    const mp = byLabel.get('vitals start (monitor + prometheus)');
    const all = byLabel.get('vitals start (every plugin)');
    if (prom && mp && all) {
      ratio(
        'vitals start (monitor + prometheus) CPU / prom-client CPU   [target ≤ 0.5]',
        mp.cpu / prom.cpu,
      );
      ratio(
        'vitals start (monitor + prometheus) series / prom-client    [target ≥ 2]',
        mp.series / prom.series,
      );
      ratio(
        'vitals start (monitor + prometheus) RSS − prom-client, MiB  [target ≤ 5]',
        mp.rss - prom.rss,
      );
      ratio('vitals start (every plugin) CPU / prom-client CPU', all.cpu / prom.cpu);
    }
    const pm = pm2 ? byLabel.get(`PM2 ${pm2.version}`) : undefined;
    for (const which of ['every plugin', 'process + startup']) {
      const run = byLabel.get(`vitals run (${which})`);
      if (!run || !pm) continue;
      ratio(
        `vitals run (${which}) supervisor+child CPU / PM2 daemon+child  [target ≤ 1]`,
        run.cpu / pm.cpu,
      );
      ratio(
        `vitals run (${which}) supervisor RSS / PM2 daemon RSS        [target ≤ 1]`,
        run.rss / pm.rss,
      );
    }
    // Same run, same load: this tree against the baseline checkout.
    for (const label of [MP, RUN_ALL, RUN_PS]) {
      const now = byLabel.get(label);
      const base = byLabel.get(`${label} ${BASE}`);
      if (!now || !base) continue;
      ratio(`${label} CPU / same from --baseline`, now.cpu / base.cpu);
      ratio(`${label} RSS − same from --baseline, MiB`, now.rss - base.rss);
    }
  } finally {
    if (ticker) clearInterval(ticker);
    for (const s of scrapers.values()) s.close();
    await Promise.all(targets.map((t) => t.stop().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

async function main(): Promise<void> {
  if (!existsSync('/proc/self/stat')) {
    console.error('bench:overhead: reads /proc; run it on Linux');
    process.exit(1);
  }
  const args = parseArgs(process.argv.slice(2));
  const { seconds, runs, pm2: wantPm2 } = args;
  const root = join(__dirname, '..', '..');
  const vitalsBin = builtCli(root);
  const baselineBin = args.baseline ? builtCli(args.baseline, 'the baseline') : undefined;
  const pm2Prefix = mkdtempSync(join(tmpdir(), 'vitals-bench-pm2-'));
  let pm2: { bin: string; version: string } | undefined;
  try {
    if (wantPm2) {
      console.log('installing pm2@7 into a temp prefix (benchmark only)…');
      const got = installPm2(pm2Prefix);
      if ('reason' in got) console.log(`PM2 skipped: ${got.reason}`);
      else pm2 = got;
    } else console.log('PM2 skipped: --no-pm2');

    const rows = new Map<string, Row>();
    const ratios = new Map<string, number[]>();
    for (let r = 1; r <= runs; r++) {
      console.log(
        `run ${r}/${runs}: ${seconds} s after a ${WARMUP_MS / 1000} s warm-up, load average ${loadavg()[0].toFixed(2)}…`,
      );
      await runOnce(seconds, root, vitalsBin, baselineBin, pm2, rows, ratios);
    }

    const promVersion = (
      require(require.resolve('prom-client/package.json', { paths: [root] })) as { version: string }
    ).version;
    console.log(
      `\n## Overhead, ${runs} run(s) × ${seconds} s, everything at once, /metrics scraped every 1 s\n` +
        `node ${process.version}, prom-client ${promVersion}, ${pm2 ? `pm2 ${pm2.version}` : 'no PM2'}, ` +
        `${cpus().length} CPUs, load average now ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}\n` +
        `command: npm run bench:overhead -- --seconds ${seconds} --runs ${runs}` +
        `${wantPm2 ? '' : ' --no-pm2'}${args.baseline ? ` --baseline ${args.baseline}` : ''}\n`,
    );
    console.log(
      '| process | CPU, % of one core: median (each run) | RSS median, MiB | series exposed |',
    );
    console.log('| --- | --- | --- | --- |');
    for (const [label, row] of rows) {
      const each = row.cpu.map((c) => fmt(c, 2)).join(' / ');
      console.log(
        `| ${label} | ${fmt(median(row.cpu), 2)} (${each}) | ${fmt(median(row.rss), 1)} | ${fmt(median(row.series), 0)} |`,
      );
    }
    console.log('\nratios within each run, median (each run):');
    for (const [name, values] of ratios) {
      console.log(
        `  ${name}: ${fmt(median(values), 2)} (${values.map((v) => fmt(v, 2)).join(' / ')})`,
      );
    }
  } finally {
    rmSync(pm2Prefix, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:overhead failed: ${(error as Error)?.message ?? String(error)}`);
  process.exitCode = 1;
});
