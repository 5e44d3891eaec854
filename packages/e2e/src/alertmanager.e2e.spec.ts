import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type HostHandle } from '@vitals/core';
import { monitorPlugin } from '@vitals/monitor';
import {
  freePort,
  getJson,
  startProcess,
  waitFor,
  type RealProcess,
} from './real-binaries.test-util';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL: string;
  status: { state: string };
}

describe('the Alertmanager notifier against a real Alertmanager', () => {
  let dir: string;
  let am: RealProcess;
  let amUrl: string;
  let host: HostHandle | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-am-'));
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      "route: { receiver: 'null', group_wait: 1s, group_interval: 1s, repeat_interval: 1h }\nreceivers: [{ name: 'null' }]\n",
    );
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = startProcess('/usr/bin/prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ]);
    await waitFor(
      `alertmanager ready (${am.output()})`,
      async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined),
      30_000,
    );
  }, 40_000);

  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });
  afterAll(async () => {
    await am?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const hostWith = (url: string): HostHandle =>
    createHost({
      plugins: [
        monitorPlugin({
          system: false,
          process: false,
          runtime: false,
          intervalMs: 60_000,
          alerts: {
            defaults: false,
            extra: [
              {
                id: 'queue-deep',
                metric: 'app_queue_depth',
                op: '>',
                threshold: 10,
                clear: 8,
                severity: 'critical',
                summary: 'Queue deep',
              },
            ],
            alertmanager: {
              url,
              resendInterval: '1s',
              generatorURL: 'http://app-1:9477/api/alerts',
            },
          },
        }),
      ],
      env: { NODE_ENV: 'test' },
    });

  const publish = (h: HostHandle, value: number) =>
    h.stream.publish({
      source: 'test',
      at: Date.now(),
      samples: [{ name: 'app_queue_depth', value, labels: { queue: 'orders' } }],
    });

  const ours = async (): Promise<AmAlert | undefined> =>
    (await getJson<AmAlert[]>(`${amUrl}/api/v2/alerts`)).find(
      (a) => a.labels.alertname === 'queue-deep' && a.labels.queue === 'orders',
    );

  it('posts a firing alert, resends it while it fires, and posts it resolved', async () => {
    host = hostWith(amUrl);
    await host.start();
    publish(host, 25);
    const firing = await waitFor('the firing alert in Alertmanager', ours, 10_000);
    expect(firing.status.state).toBe('active');
    expect(firing.labels).toEqual({
      alertname: 'queue-deep',
      severity: 'critical',
      queue: 'orders',
    });
    expect(firing.annotations.summary).toBe('Queue deep');
    expect(firing.generatorURL).toBe('http://app-1:9477/api/alerts');
    // endsAt four resend intervals ahead, so Alertmanager resolves it if this host dies.
    expect(Date.parse(firing.endsAt) - Date.now()).toBeGreaterThan(1000);
    // Resent while firing: Alertmanager sees endsAt move on.
    const resent = await waitFor(
      'a resend',
      async () => {
        const a = await ours();
        return a && Date.parse(a.endsAt) > Date.parse(firing.endsAt) ? a : undefined;
      },
      10_000,
    );
    expect(resent.startsAt).toBe(firing.startsAt);
    // Between clear (8) and threshold (10): still firing.
    publish(host, 9);
    await new Promise((r) => setTimeout(r, 300));
    const still = (await ours())!;
    expect(still.status.state).toBe('active');
    // Below clear: resolved, well before the endsAt of the last resend would have expired it.
    const expiry = Date.parse(still.endsAt);
    publish(host, 3);
    const goneAt = await waitFor(
      'the resolved alert',
      async () => {
        const a = await ours();
        // Alertmanager's API lists only unresolved alerts.
        return a === undefined || Date.parse(a.endsAt) <= Date.now() ? Date.now() : undefined;
      },
      10_000,
    );
    expect(goneAt).toBeLessThan(expiry);
  }, 40_000);

  it('counts a post that fails, and the host keeps running', async () => {
    host = hostWith(`http://127.0.0.1:${await freePort()}`);
    await host.start();
    publish(host, 25);
    const failures = await waitFor(
      'a counted failure',
      async () => {
        const s = await host!.collectOnce();
        const v = s.value('vitals_alert_delivery_failures_total', { kind: 'alertmanager' });
        return v && v > 0 ? v : undefined;
      },
      10_000,
    );
    expect(failures).toBeGreaterThan(0);
    expect(host.state).toBe('running');
  }, 20_000);
});
