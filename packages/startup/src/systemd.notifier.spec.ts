import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@vitals/core';
import { SystemdNotifier } from './systemd.notifier';

describe('SystemdNotifier', () => {
  let dir: string;
  let script: string;
  let out: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-notify-'));
    out = join(dir, 'sent.txt');
    script = join(dir, 'systemd-notify');
    // A stand-in for systemd-notify that records its arguments and the socket it was given.
    writeFileSync(script, `#!/bin/sh\necho "$NOTIFY_SOCKET $*" >> "${out}"\n`);
    chmodSync(script, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends READY=1 once through the command, with NOTIFY_SOCKET', async () => {
    const notifier = new SystemdNotifier({
      env: { NOTIFY_SOCKET: '/run/x.sock' },
      command: script,
    });
    await notifier.ready('api running');
    await notifier.ready();
    expect(readFileSync(out, 'utf8')).toBe('/run/x.sock READY=1 STATUS=api running\n');
  });

  it('pings the watchdog every half WATCHDOG_USEC only while healthy, and stops on STOPPING', async () => {
    const sent: string[][] = [];
    const clock = new ManualClock(0);
    const notifier = new SystemdNotifier({
      env: { NOTIFY_SOCKET: '/run/x.sock', WATCHDOG_USEC: '2000000' },
      exec: async (_cmd, args) => void sent.push([...args]),
      clock,
    });
    let healthy = true;
    notifier.startWatchdog(() => healthy);
    clock.advance(1000);
    healthy = false;
    clock.advance(1000);
    healthy = true;
    clock.advance(1000);
    await notifier.stopping();
    clock.advance(5000);
    expect(sent).toEqual([['WATCHDOG=1'], ['WATCHDOG=1'], ['STOPPING=1']]);
  });

  it('does nothing without NOTIFY_SOCKET, and ignores a watchdog meant for another pid', async () => {
    const exec = jest.fn(async () => undefined);
    await new SystemdNotifier({ env: {}, exec }).ready();
    const clock = new ManualClock(0);
    const other = new SystemdNotifier({
      env: { NOTIFY_SOCKET: 's', WATCHDOG_USEC: '1000', WATCHDOG_PID: '1' },
      exec,
      clock,
      pid: 2,
    });
    other.startWatchdog(() => true);
    clock.advance(10_000);
    expect(exec).not.toHaveBeenCalled();
  });
});
