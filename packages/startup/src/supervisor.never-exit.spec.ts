import { ManualClock, createMemoryLogger } from '@vitals/core';
import { Supervisor } from './supervisor';
import { EventLog, OutputLog, killAll } from './supervisor.test-util';

// `--restart never` with a memory ceiling: the supervisor stops the child (SIGTERM, grace,
// SIGKILL) and exits with the child's code. A service that handles SIGTERM gracefully exits 0,
// and `vitals run` then exited 0 after stopping it for its memory: under systemd's
// Restart=on-failure (docs/systemd/vitals-bot.service) a clean exit is not restarted, so the
// service stayed down with no failure recorded. A stop the supervisor chose is never a success.

/** Holds 200 MB on SIGUSR2 (printing `rss`), and exits 0 on SIGTERM as a graceful service does. */
const GRACEFUL = [
  'const keep = [];',
  "process.on('SIGTERM', () => process.exit(0));",
  "process.on('SIGUSR2', () => { keep.push(Buffer.alloc(200 * 1024 * 1024, 1)); console.log('rss ' + process.memoryUsage().rss); });",
  'setInterval(() => {}, 1000);',
  "console.log('ready');",
].join('\n');

describe('Supervisor under --restart never', () => {
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await killAll(supervisor);
    supervisor = undefined;
  });

  it('exits non-zero when it stopped a graceful child for its memory (the child exits 0)', async () => {
    const clock = new ManualClock(0);
    const out = new OutputLog();
    supervisor = new Supervisor(
      {
        command: process.execPath,
        args: ['-e', GRACEFUL],
        env: { PATH: process.env.PATH },
        agent: false,
        stdout: out,
        maxMemoryBytes: 150 * 1024 * 1024,
        maxMemoryForMs: 3000,
        memoryCheckIntervalMs: 1000,
        restart: 'never',
      },
      { clock, logger: createMemoryLogger() },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    await out.waitFor('ready');
    const pid = supervisor.pid!;
    process.kill(pid, 'SIGUSR2');
    await out.waitForCount('rss ', 1);
    for (let i = 0; i < 4; i++) clock.advance(1000);
    const code = await supervisor.done;
    expect(log.of('exit')).toEqual([expect.objectContaining({ pid, code: 0, signal: null })]);
    expect(log.of('spawn')).toHaveLength(1);
    expect(code).toBe(1);
    // What run's closing line says, instead of "exited with code 1" for a child that exited 0.
    expect(supervisor.stoppedReason).toBe('memory');
  });

  it('still exits 0 when the child ends on its own with 0', async () => {
    supervisor = new Supervisor({
      command: process.execPath,
      args: ['-e', 'process.exit(0)'],
      env: { PATH: process.env.PATH },
      agent: false,
      restart: 'never',
      stdout: new OutputLog(),
    });
    expect(await supervisor.run()).toBe(0);
    expect(supervisor.stoppedReason).toBeUndefined();
  });
});
