import { createHost } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { dashboardPlugin } from '../dashboard.plugin';

describe('dashboard routes', () => {
  let host: HostHandle;
  let base: string;

  beforeEach(async () => {
    host = createHost({
      plugins: [dashboardPlugin({ maxHistoryPoints: 5, maxHistorySeries: 3 })],
      config: { http: { port: 0 } },
    });
    await host.start();
    base = `http://127.0.0.1:${host.httpAddress()!.port}`;
  });

  afterEach(() => host.stop());

  const get = async (path: string) => {
    const res = await fetch(base + path, { redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };

  it('serves the page with its security headers, redirects to the slash, and nothing outside its files', async () => {
    const page = await get('/dashboard/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script type="module" src="page/app.js">');
    expect(page.text).not.toMatch(/<script>|<style>|style="/); // nothing inline for the CSP
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(
      (await get('/dashboard/vendor/uPlot.iife.min.js')).headers.get('content-type'),
    ).toContain('javascript');
    const redirect = await get('/dashboard');
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/dashboard/']);
    for (const path of [
      '/dashboard/..%2Fpackage.json',
      '/dashboard/../../package.json',
      '/dashboard/nope.js',
    ]) {
      expect((await get(path)).status).toBe(404);
    }
  });

  it('answers /api/snapshot with alerts, tables and the charted series', async () => {
    host.alerts.addRule({ id: 'hot', metric: 'temp', op: '>', threshold: 1 });
    host.alerts.addRule({ id: 'slow', metric: 'temp', op: '>', threshold: 1, for: '1h' });
    host.stream.publish({ source: 't', at: Date.now(), samples: [{ name: 'temp', value: 3 }] });
    const snap = (await get('/api/snapshot')).json();
    expect(snap.series).toContain('process_resident_memory_bytes');
    expect(snap.alerts.firing.map((a: { ruleId: string }) => a.ruleId)).toEqual(['hot']);
    expect(snap.alerts.pending.map((a: { ruleId: string }) => a.ruleId)).toEqual(['slow']);
    expect(snap.alerts.recent).toHaveLength(2);
    expect(snap.tables).toMatchObject({ services: [], profiles: [], duplicates: null });
  });

  it('answers /api/history from core History, filtered by labels and capped', async () => {
    for (let i = 0; i < 8; i++) {
      host.stream.publish({
        source: 't',
        at: 1000 * i,
        samples: [
          { name: 'm', value: i, labels: { service: 'a' } },
          { name: 'm', value: 10 + i, labels: { service: 'b' } },
        ],
      });
    }
    const one = (await get('/api/history?series=' + encodeURIComponent('m{service="b"}'))).json();
    expect(one.series).toHaveLength(1);
    expect(one.series[0].labels).toEqual({ service: 'b' });
    expect(one.series[0].points).toHaveLength(5); // thinned to maxHistoryPoints, newest kept
    expect(one.series[0].points.at(-1)).toEqual([7000, 17]);
    const since = (await get('/api/history?series=m&since=6000&points=2')).json();
    expect(since.series.map((s: { points: unknown[] }) => s.points.length)).toEqual([2, 2]);
    for (let i = 0; i < 4; i++)
      host.stream.publish({
        source: 't',
        at: 1,
        samples: [{ name: 'n', value: 1, labels: { i: String(i) } }],
      });
    const capped = (await get('/api/history?series=n')).json();
    expect([capped.series.length, capped.truncated]).toEqual([3, true]);
  });

  it('answers HEAD /events with headers only', async () => {
    const res = await fetch(`${base}/events`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
  });

  it.each([
    ['/api/history', 'at least one series'],
    ['/api/history?series=1bad', 'not a metric name'],
    ['/api/history?series=m&since=-5', 'since'],
    ['/api/history?series=m&points=0', 'points'],
    ['/api/history?series=m&points=6', 'points'],
    [`/api/history?${Array.from({ length: 65 }, () => 'series=m').join('&')}`, 'at most 64'],
  ])('refuses %s with 400 and a reason', async (path, reason) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.json().reason).toContain(reason);
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  });
});
