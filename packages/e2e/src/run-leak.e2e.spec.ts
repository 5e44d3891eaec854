import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
    expect(line).toMatch(/MB\/h, confidence \d\.\d\d, over \d+s; heap limit in ~/);
    expect(line).toMatch(/kind=\\"heap\\",service=\\"leaky\\"/);
    // The healthy service runs beside it for at least 45 s (twice the shortened minimum span).
    while (Date.now() < started + 45_000) await new Promise((r) => setTimeout(r, 500));
    expect(healthy.text()).toMatch(/healthy started \(pid \d+\)/);
    expect(healthy.text()).not.toMatch(/leak suspected|alert firing/);
  }, 90_000);
});
