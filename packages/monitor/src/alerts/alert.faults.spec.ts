import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '@vitals/core';
import type { AlertEvent } from '@vitals/core';
import { AlertDispatcher } from './alert.dispatcher';
import { postWebhook, runCommand } from './alert.notifiers';

const event: AlertEvent = {
  ruleId: 'cpu',
  state: 'firing',
  severity: 'warning',
  metric: 'vitals_cpu',
  labels: {},
  value: 1,
  threshold: 0.9,
  at: 1,
  since: 0,
  message: 'CPU high',
};

/** Pids of live processes whose command line holds `tag`. */
function withTag(tag: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmd.includes(tag) && state !== 'Z') pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

describe('alert notifier faults (issue 11)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    server = undefined;
  });

  it('kills the whole process group of a command at its time-out: no helper survives', async () => {
    const tag = `vitals-alert-helper-${process.pid}-${Date.now()}`;
    // A shell that starts a helper (which hangs) and waits for it.
    const script = `sleep 1000 # ${tag}\n`;
    await expect(
      runCommand(
        { path: '/bin/sh', args: ['-c', `sh -c '${script}' & wait`, tag], timeoutMs: 500 },
        event,
      ),
    ).rejects.toThrow(/killed after 500 ms/);
    let left = withTag(tag);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = withTag(tag);
    }
    expect(left).toEqual([]);
  });

  it('reports the time-out even when a helper left the group (setsid) and holds stderr open', async () => {
    const tag = `vitals-alert-setsid-${process.pid}-${Date.now()}`;
    try {
      await expect(
        runCommand(
          {
            path: '/bin/sh',
            args: ['-c', `setsid sh -c 'sleep 1000 # ${tag}' & sleep 1000`, tag],
            timeoutMs: 500,
          },
          event,
        ),
      ).rejects.toThrow(/killed after 500 ms/);
    } finally {
      // Out of its group's reach by design; this test ends its session (setsid made it the
      // leader of a group of its own, with its sleep).
      for (const pid of withTag(tag)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          process.kill(pid, 'SIGKILL');
        }
      }
    }
  }, 15_000);

  it('counts and logs a command that hangs, and never throws', async () => {
    const logger = createMemoryLogger();
    const dispatcher = new AlertDispatcher(logger, {
      command: { path: '/bin/sh', args: ['-c', 'sleep 1000'], timeoutMs: 300 },
    });
    expect(() => dispatcher.dispatch(event)).not.toThrow();
    await dispatcher.idle();
    expect(dispatcher.collect()).toContainEqual(
      expect.objectContaining({ labels: { kind: 'command' }, value: 1 }),
    );
    expect(JSON.stringify(logger.entries)).toContain('killed after 300 ms');
  });

  it('does not hand the HTTP token to the command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitals-alert-env-'));
    try {
      const out = join(dir, 'env');
      await runCommand(
        {
          path: '/bin/sh',
          args: ['-c', `env > ${out}`],
          env: { PATH: '/usr/bin:/bin', VITALS_HTTP__TOKEN: 'x'.repeat(20), PAGER_KEY: 'keep' },
        },
        event,
      );
      const env = readFileSync(out, 'utf8');
      expect(env).not.toContain('VITALS_HTTP__TOKEN');
      expect(env).toContain('PAGER_KEY=keep');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads at most 64 KiB of a webhook answer, however large', async () => {
    let sent = 0;
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(1024 * 1024, 97);
      const more = (): void => {
        // 1 GiB if read whole; stops when the client goes away.
        while (sent < 1024 ** 3 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('close', () => undefined);
      more();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    await postWebhook({ url }, event);
    // The client cancelled: the server could only push what the socket buffers took.
    await new Promise((r) => setTimeout(r, 200));
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('logs and counts a webhook target that is down, never throws', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const logger = createMemoryLogger();
    const dispatcher = new AlertDispatcher(logger, {
      webhook: { url: `http://127.0.0.1:${port}/` },
    });
    dispatcher.dispatch(event);
    dispatcher.dispatch(event);
    await dispatcher.idle();
    expect(dispatcher.collect()).toContainEqual(
      expect.objectContaining({ labels: { kind: 'webhook' }, value: 2 }),
    );
    expect(JSON.stringify(logger.entries)).toMatch(/alert webhook failed/);
  });
});
