/// <reference lib="dom" />
// (the callbacks given to page.evaluate run in the browser)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostHandle } from '@vitals/core';
import { TestSupervisor, dashboardHost, feed, launchChromium } from './dashboard.test-util';

// Debian's chromium driven by playwright-core (never a downloaded browser). The page and its
// assets come from the package's dist (Nx builds before it tests).
const SCREENSHOTS = join(__dirname, '..', 'screenshots');
const TOKEN = 'correct-horse-battery';
const WAIT = { timeout: 20_000 };

describe('dashboard in a real browser', () => {
  let browser: Browser;
  let host: HostHandle | undefined;
  let stopFeed: (() => void) | undefined;
  const supervisor = new TestSupervisor('worker');
  const cspErrors: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    stopFeed?.();
    supervisor.stop();
    await host?.stop();
    await browser?.close();
  });

  async function startHost(port: number): Promise<number> {
    host = dashboardHost({ port, token: TOKEN }, supervisor);
    await host.start();
    stopFeed = feed(host, supervisor, 250);
    return host.httpAddress()!.port;
  }

  function watch(page: Page): void {
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }

  const points = (page: Page, chart: string) =>
    page.$eval(`#chart-${chart}`, (e) => ({
      n: Number(e.getAttribute('data-points')),
      last: Number(e.getAttribute('data-last')),
    }));

  it('asks for the token, refuses a wrong one, draws, lists alerts and services, and survives a host restart', async () => {
    supervisor.start();
    const port = await startHost(0);
    const base = `http://127.0.0.1:${port}`;

    // A wrong token is refused by the API itself, header or query.
    const wrong = { Authorization: 'Bearer not-the-token' };
    expect((await fetch(`${base}/api/snapshot`, { headers: wrong })).status).toBe(401);
    expect((await fetch(`${base}/events`, { headers: wrong })).status).toBe(401);
    expect((await fetch(`${base}/api/history?series=x&token=nope`)).status).toBe(401);

    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
    });
    const page = await context.newPage();
    watch(page);
    const response = await page.goto(`${base}/dashboard/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['x-frame-options']).toBe('DENY');

    // The page asks for the token once; a wrong one is refused and nothing is shown.
    await page.waitForSelector('#login:not([hidden])', WAIT);
    await page.fill('#token', 'wrong-token');
    await page.click('#login-form button');
    await page.waitForFunction(
      () => document.querySelector('#login-message')?.textContent?.includes('refused'),
      undefined,
      WAIT,
    );
    expect(await page.isHidden('#main')).toBe(true);
    await page.fill('#token', TOKEN);
    await page.click('#login-form button');
    await page.waitForSelector('#main:not([hidden])', WAIT);
    await page.waitForSelector('#status[data-state="live"]', WAIT);
    expect(await page.evaluate(() => sessionStorage.getItem('vitals.token'))).toBe(TOKEN);

    // A chart receives new points within a few ticks.
    await page.waitForFunction(
      () => Number(document.querySelector('#chart-memory')?.getAttribute('data-points')) > 0,
      undefined,
      WAIT,
    );
    const before = await points(page, 'memory');
    await page.waitForFunction(
      (n) => Number(document.querySelector('#chart-memory')?.getAttribute('data-points')) >= n + 3,
      before.n,
      WAIT,
    );
    expect((await points(page, 'memory')).last).toBeGreaterThan(before.last);

    // An alert fired by the test appears, its outside text shown as text, not markup.
    const hostile = '<img src=x onerror=window.__owned=1>';
    host!.alerts.addRule({
      id: 'queue-depth',
      metric: 'test_queue_depth',
      op: '>',
      threshold: 10,
      severity: 'critical',
      summary: 'Queue depth above 10',
    });
    host!.stream.publish({
      source: 'test',
      at: Date.now(),
      samples: [{ name: 'test_queue_depth', value: 42, labels: { queue: hostile } }],
    });
    const alert = await page.waitForSelector(
      '#alerts-now li[data-rule="queue-depth"][data-state="firing"]',
      WAIT,
    );
    expect(await alert.textContent()).toContain('Queue depth above 10');
    expect(await alert.textContent()).toContain(hostile);
    const row = await page.waitForSelector('#alert-history tr[data-rule="queue-depth"]', WAIT);
    expect(await row.textContent()).toContain('42');
    expect(
      await page.evaluate(() => (window as unknown as { __owned?: number }).__owned),
    ).toBeUndefined();
    expect(await page.$$('#alerts-now img')).toHaveLength(0);

    // The supervised child's card shows its restart after the test kills it.
    await page.waitForSelector(
      '.card[data-service="worker"][data-state="up"][data-restarts="0"]',
      WAIT,
    );
    const firstPid = supervisor.pid!;
    process.kill(firstPid, 'SIGKILL');
    await page.waitForSelector('.card[data-service="worker"][data-restarts="1"]', WAIT);
    await page.waitForSelector('.card[data-service="worker"][data-state="up"]', WAIT);
    expect(supervisor.pid).not.toBe(firstPid);
    expect(await page.textContent('.card[data-service="worker"] .restarts')).toBe('1');

    // Its leak verdict, rate and time to the limit, and the leak alert's message (which carries
    // the heap snapshot diff in the memory plugin's alerts).
    const diff = 'snapshot diff: Order +12000 objects (+3.1 MB), Array +400 (+1.2 MB)';
    host!.alerts.addRule({
      id: 'memory-leak',
      metric: 'vitals_memory_leak_rate_bytes_per_second',
      op: '>',
      threshold: 0,
      severity: 'warning',
      summary: `Heap leak; ${diff}`,
    });
    const leak = { service: 'worker', kind: 'heap' };
    host!.stream.publish({
      source: 'test-memory',
      at: Date.now(),
      samples: [
        { name: 'vitals_memory_leak_confidence_ratio', value: 0.95, labels: leak },
        { name: 'vitals_memory_leak_time_to_limit_seconds', value: 7200, labels: leak },
        { name: 'vitals_memory_leak_rate_bytes_per_second', value: 2048, labels: leak },
      ],
    });
    const message = await page.waitForSelector('.card[data-service="worker"] .leak-message', WAIT);
    expect(await message.textContent()).toContain(diff);
    const verdict = await page.textContent('.card[data-service="worker"] .leak');
    expect(verdict).toContain('leaking 120 KiB/min');
    expect(verdict).toContain('limit in 2.0 h');

    await page.waitForTimeout(1500); // a few more points for the pictures
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-1280-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-1280-light.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    // At phone width nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-390-light.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    // The host restarts on the same port: the page reconnects by itself and moves again.
    stopFeed?.();
    await host!.stop();
    await page.waitForSelector('#status[data-state="reconnecting"]', WAIT);
    const stalled = await points(page, 'memory');
    await startHost(port);
    await page.waitForSelector('#status[data-state="live"]', WAIT);
    await page.waitForFunction(
      (last) => Number(document.querySelector('#chart-memory')?.getAttribute('data-last')) > last,
      stalled.last,
      WAIT,
    );

    expect(cspErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 90_000);
});
