/// <reference lib="dom" />
// (the callbacks given to page.evaluate run in the browser)
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

// The real `vitals run` from the built packages with the dashboard in its host, a real child,
// Debian's chromium. The child is killed with SIGKILL; its card must show the restart.
const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'packages', 'host', 'bin', 'vitals.js');
const SCREENSHOTS = join(ROOT, 'packages', 'dashboard', 'screenshots');
const BUILT = ['core', 'process', 'startup', 'monitor', 'dashboard', 'host'].map((p) =>
  join(ROOT, 'packages', p, 'dist', 'index.js'),
);
const WAIT = { timeout: 30_000 };

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

describe('dashboard under the real vitals run', () => {
  let dir: string;
  let run: ChildProcess | undefined;
  let browser: Browser | undefined;
  let stderr = '';

  beforeAll(() => {
    const missing = BUILT.filter((f) => !existsSync(f));
    if (missing.length > 0)
      throw new Error(
        `needs the built packages (missing ${missing.join(', ')}); run \`npx nx run-many -t build\` first`,
      );
    dir = mkdtempSync(join(tmpdir(), 'vitals-dashboard-e2e-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (run && run.exitCode === null) {
      run.kill('SIGTERM');
      await new Promise((r) => run?.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the supervised child's card and its restart after the child is killed", async () => {
    const port = await freePort();
    writeFileSync(
      join(dir, 'vitals.config.json'),
      JSON.stringify({
        plugins: ['process', 'monitor', 'startup', 'dashboard'],
        http: { port },
        dashboard: { intervalMs: 500 },
        monitor: { intervalMs: 500 },
      }),
    );
    run = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--name',
        'web',
        '--lock-dir',
        join(dir, 'locks'),
        '--',
        'node',
        '-e',
        'setInterval(() => {}, 1000)',
      ],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    run.stderr?.setEncoding('utf8');
    run.stderr?.on('data', (chunk: string) => (stderr += chunk));
    const childPid = async (): Promise<number> => {
      for (let i = 0; i < 300; i++) {
        const pid = / started \(pid (\d+)\)/.exec(stderr)?.[1];
        if (pid) return Number(pid);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`vitals run did not start its child:\n${stderr}`);
    };
    const first = await childPid();

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${port}/dashboard/`);
    await page.waitForSelector('#status[data-state="live"]', WAIT);
    await page.waitForSelector(
      '.card[data-service="web"][data-state="up"][data-restarts="0"]',
      WAIT,
    );
    // The monitor's figures reach the charts.
    await page.waitForFunction(
      () => Number(document.querySelector('#chart-cpu')?.getAttribute('data-points')) > 1,
      undefined,
      WAIT,
    );

    process.kill(first, 'SIGKILL');
    await page.waitForSelector(
      '.card[data-service="web"][data-restarts="1"][data-state="up"]',
      WAIT,
    );
    expect(await page.textContent('.card[data-service="web"] .restarts')).toBe('1');
    expect(stderr).toContain('child crashed: restarting');
    // With the supervisor's SERVICE_REGISTRY the card names the new child's pid.
    const pidText = await page.textContent('.card[data-service="web"] .pid');
    expect(Number(pidText)).toBeGreaterThan(0);
    expect(Number(pidText)).not.toBe(first);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-vitals-run.png'), fullPage: true });
  }, 90_000);
});
