import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './real-binaries.test-util';

// The real `vitals run` (built CLI) supervising plain Node children with no Vitals code in them:
// the agent reports their post-GC baselines, the memory plugin runs one detector per service.
const BIN = resolve(__dirname, '../../host/bin/vitals.js');

/**
 * Retains 1 MB every 500 ms (a steady leak) beside short-lived churn. It never calls gc(): the
 * post-GC points come from V8's own major GCs and the agent's measurement GC.
 */
const LEAKY = `
const kept = [];
setInterval(() => {
  kept.push(new Array(128 * 1024).fill(kept.length));
  for (let i = 0; i < 50; i++) JSON.stringify({ i, t: Date.now(), a: new Array(100).fill(i) });
}, 500);
`;
/** Churn and a cache that fills to 40 MB in ~5 s, then evicts as it goes: no leak. */
const HEALTHY = `
const cache = new Map();
let key = 0;
setInterval(() => {
  for (let i = 0; i < 4; i++) {
    cache.set(key++, new Array(256 * 1024).fill(key));
    while (cache.size > 20) cache.delete(cache.keys().next().value);
  }
  for (let i = 0; i < 50; i++) JSON.stringify({ i, t: Date.now(), a: new Array(100).fill(i) });
}, 500);
`;

interface Run {
  proc: ChildProcess;
  text: () => string;
  exited: Promise<number | null>;
}

describe('vitals run finds a leak in a plain Node service (issue 10)', () => {
  let dir: string;
  const runs: Run[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-leak-e2e-'));
    writeFileSync(join(dir, 'leaky.js'), LEAKY);
    writeFileSync(join(dir, 'healthy.js'), HEALTHY);
    // Detector thresholds and the agent's measurement GC shortened for CI, by config (the
    // defaults are what bench:leaks shows).
    writeFileSync(
      join(dir, 'vitals.config.json'),
      JSON.stringify({
        plugins: ['memory', 'startup'],
        http: { port: 0 },
        startup: { measureGcAfterMs: '2s' },
        memory: {
          leak: {
            windowMs: '2m',
            minSpanMs: '20s',
            bucketMs: '1s',
            erosionMs: '3s',
            recentMinMs: '8s',
            assessEveryMs: '1s',
            confirmMs: '2s',
          },
        },
      }),
    );
  });
  afterAll(async () => {
    for (const run of runs) {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGTERM');
      await run.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function vitalsRun(name: string): Run {
    const proc = spawn(
      process.execPath,
      [BIN, 'run', '--name', name, '--lock-dir', join(dir, 'locks'), '--', 'node', `${name}.js`],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    proc.stdout?.on('data', (c: Buffer) => (text += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (text += c.toString()));
    const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
    const run = { proc, text: () => text, exited };
    runs.push(run);
    return run;
  }

  it('alerts on the leaking service by name, with rate, confidence and time to the heap limit; the churning cache is not flagged', async () => {
    const leaky = vitalsRun('leaky');
    const healthy = vitalsRun('healthy');
    const started = Date.now();
    const deadline = started + 75_000;
    while (Date.now() < deadline && !/alert firing: .*service=\\"leaky\\"/.test(leaky.text()))
      await new Promise((r) => setTimeout(r, 500));
    const line = leaky
      .text()
      .split('\n')
      .find((l) => /alert firing: /.test(l));
    expect(line).toBeDefined();
    expect(line).toMatch(/leak suspected in service \\"leaky\\": JS heap/);
    expect(line).toMatch(/MB\/h, confidence \d\.\d\d, over (\d+m)?\d+s; heap limit in ~/);
    expect(line).toMatch(/kind=\\"heap\\",service=\\"leaky\\"/);
    // The healthy service runs beside it for at least 45 s (twice the shortened minimum span).
    while (Date.now() < started + 45_000) await new Promise((r) => setTimeout(r, 500));
    expect(healthy.text()).toMatch(/healthy started \(pid \d+\)/);
    expect(healthy.text()).not.toMatch(/leak suspected|alert firing/);
  }, 90_000);
});

/**
 * Runs normally for 2 s (the agent says hello, /health/ready turns 200), then blocks its loop. Its
 * SIGTERM handler can never run while blocked, so only the SIGKILL at the kill timeout ends it.
 */
const HANGS = `
process.on('SIGTERM', () => process.exit(0));
process.stdout.write('serving\\n');
setTimeout(() => { for (;;) {} }, 2000);
`;

describe('vitals run restarts a hung service (issue 10)', () => {
  let dir: string;
  let proc: ChildProcess | undefined;
  afterAll(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((done) => proc?.once('exit', done));
      proc.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs the hang, answers 503 on /health/ready until the new child is up, and restarts it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-hang-e2e-'));
    const port = await freePort();
    writeFileSync(join(dir, 'hangs.js'), HANGS);
    writeFileSync(
      join(dir, 'vitals.config.json'),
      JSON.stringify({ plugins: ['startup'], http: { port } }),
    );
    // A blocked loop never runs its SIGTERM handler: the 5 s kill timeout keeps /health/ready at
    // 503 long enough to be seen by a poll on a loaded machine.
    proc = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--name',
        'stuck',
        '--hang-timeout',
        '3s',
        '--kill-timeout',
        '5s',
        '--lock-dir',
        join(dir, 'locks'),
        '--',
        'node',
        'hangs.js',
      ],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    proc.stdout?.on('data', (c: Buffer) => (text += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (text += c.toString()));
    const ready = async (): Promise<number | undefined> => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status;
      } catch {
        return undefined; // not listening yet
      }
    };
    const statuses: number[] = [];
    const until = async (done: () => boolean, ms: number): Promise<void> => {
      const end = Date.now() + ms;
      while (!done() && Date.now() < end) {
        const status = await ready();
        if (status !== undefined) statuses.push(status);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await until(() => statuses.includes(200), 30_000);
    expect(statuses).toContain(200);
    const first = Number(/stuck started \(pid (\d+)\)/.exec(text)?.[1]);
    expect(first).toBeGreaterThan(0);
    await until(() => /stuck \(pid \d+\) hung: no agent report for/.test(text), 40_000);
    expect(text).toMatch(new RegExp(`stuck \\(pid ${first}\\) hung: no agent report for \\d`));
    const afterHang = statuses.length;
    await until(() => statuses.slice(afterHang).includes(503), 10_000);
    expect(statuses.slice(afterHang)).toContain(503);
    // Restarted: the new child says hello (ready again), then hangs too, under another pid.
    const hungPids = () =>
      new Set([...text.matchAll(/stuck \(pid (\d+)\) hung: /g)].map((m) => Number(m[1])));
    await until(() => hungPids().size >= 2, 60_000);
    expect([...hungPids()]).toEqual([first, expect.any(Number)]);
    const fromFirst503 = statuses.indexOf(503, afterHang);
    expect(statuses.slice(fromFirst503)).toContain(200);
    expect(proc.exitCode).toBeNull();
  }, 120_000);
});
