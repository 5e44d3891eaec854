import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '@vitals/core';
import type { AlertEvent } from '@vitals/core';
import { AlertDispatcher } from './alert.dispatcher';
import { runCommand } from './alert.notifiers';

const event = (state: AlertEvent['state']): AlertEvent => ({
  ruleId: 'memory-used',
  state,
  severity: 'warning',
  metric: 'vitals_system_memory_used_ratio',
  labels: {},
  value: 0.91,
  threshold: 0.8,
  at: 1,
  since: 0,
  message: 'Memory used above 80 %: 0.91 > 0.8',
});

describe('AlertDispatcher', () => {
  let server: Server | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-alerts-'));
  });

  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  }

  it('delivers only the configured transitions, and isolates a throwing or rejecting listener', async () => {
    const logger = createMemoryLogger();
    const d = new AlertDispatcher(logger);
    const got: string[] = [];
    d.onAlert(() => {
      throw new Error('sync boom');
    });
    d.onAlert(async () => {
      throw new Error('async boom');
    });
    const off = d.onAlert((e) => void got.push(e.state));
    d.dispatch(event('pending'));
    d.dispatch(event('firing'));
    off();
    d.dispatch(event('resolved'));
    await d.idle();
    expect(got).toEqual(['firing']);
    expect(d.failures).toBe(4);
    expect(d.collect()).toEqual([
      { name: 'vitals_alert_delivery_failures_total', value: 4, labels: { kind: 'listener' } },
      { name: 'vitals_alert_delivery_failures_total', value: 0, labels: { kind: 'webhook' } },
      { name: 'vitals_alert_delivery_failures_total', value: 0, labels: { kind: 'command' } },
    ]);
    expect(logger.entries.map((e) => e.data.err).sort()).toEqual([
      'async boom',
      'async boom',
      'sync boom',
      'sync boom',
    ]);
  });

  it('POSTs JSON to the webhook with its headers, and logs a non-2xx answer', async () => {
    const bodies: { auth?: string; type?: string; body: AlertEvent }[] = [];
    let status = 200;
    const url = await listen((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push({
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          body: JSON.parse(body),
        });
        res.statusCode = status;
        res.end();
      });
    });
    const logger = createMemoryLogger();
    const d = new AlertDispatcher(logger, {
      webhook: { url, headers: { authorization: 'Bearer t' } },
    });
    d.dispatch(event('firing'));
    await d.idle();
    status = 500;
    d.dispatch(event('resolved'));
    await d.idle();
    expect(bodies.map((b) => [b.auth, b.type, b.body.state])).toEqual([
      ['Bearer t', 'application/json', 'firing'],
      ['Bearer t', 'application/json', 'resolved'],
    ]);
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0].data.err).toMatch(/answered 500/);
  });

  it('gives up on a webhook that does not answer within its timeout', async () => {
    const url = await listen(() => undefined);
    const logger = createMemoryLogger();
    const d = new AlertDispatcher(logger, { webhook: { url, timeoutMs: 100 } });
    d.dispatch(event('firing'));
    await d.idle();
    expect(logger.entries[0].data.err).toMatch(/did not answer within 100 ms/);
  });

  it('runs the command without a shell, with the alert as JSON on stdin', async () => {
    const out = join(dir, 'stdin.json');
    await runCommand(
      {
        path: process.execPath,
        args: [
          '-e',
          `require('fs').writeFileSync(${JSON.stringify(out)}, require('fs').readFileSync(0))`,
          '$HOME;`id`',
        ],
      },
      event('firing'),
    );
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(event('firing'));
  });

  it('reports a command that fails, cannot start, or outlives its timeout', async () => {
    await expect(
      runCommand(
        { path: process.execPath, args: ['-e', 'console.error("no pager"); process.exit(3)'] },
        event('firing'),
      ),
    ).rejects.toThrow(/exited with 3: no pager/);
    await expect(runCommand({ path: join(dir, 'missing') }, event('firing'))).rejects.toThrow(
      /could not start/,
    );
    await expect(
      runCommand(
        { path: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)'], timeoutMs: 200 },
        event('firing'),
      ),
    ).rejects.toThrow(/killed after 200 ms/);
  });
});
