import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alive,
  e2eFixture,
  eventually,
  killGroup,
  spawnVitals,
  status,
  VITALS_BIN,
} from './vitals-binary.test-util';
import type { Spawned } from './vitals-binary.test-util';

// Faults of issue 11 that need the real binary and real processes: a connection flood past the
// fd limit, SIGTERM while the host starts, the child killed with SIGKILL, the port taken, a lock
// folder the user cannot write, and a watched pid that vanishes. Each asserts the fault really
// happened (EMFILE logged, the plugin was mid-start, the child's pid changed), then what issue 11
// asks: the supervisor and its child live on, or it stops cleanly in one line with no orphan and
// no lock left behind.

const SERVICE = e2eFixture('service.fixture.js');

/** Opens `n` connections from a process of its own and holds them `holdMs`; resolves when closed. */
function flood(port: number, n: number, holdMs: number): Promise<{ opened: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [e2eFixture('flood.fixture.js'), String(port), String(n), String(holdMs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('exit', () => {
      try {
        resolve(JSON.parse(out) as { opened: number });
      } catch {
        reject(new Error(`flood printed ${JSON.stringify(out)}`));
      }
    });
  });
}

const pids = (file: string): number[] =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map(Number) : [];

describe('the vitals binary under faults (issue 11)', () => {
  let dir: string;
  const running: Spawned[] = [];
  const groups: number[] = [];
  let blocker: Server | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-faults-'));
    chmodSync(dir, 0o755);
  });
  afterEach(async () => {
    for (const pid of pids(join(dir, 'pids'))) groups.push(pid);
    for (const pid of groups.splice(0)) killGroup(pid);
    for (const p of running.splice(0)) await p.kill();
    if (blocker) await new Promise((r) => blocker!.close(r));
    blocker = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (value: object) =>
    writeFileSync(join(dir, 'vitals.config.json'), JSON.stringify(value));
  const vitals = (args: string[], env: Record<string, string> = {}, command?: string[]) => {
    const p = spawnVitals(args, {
      cwd: dir,
      env: { PID_FILE: join(dir, 'pids'), ...env },
      command,
    });
    running.push(p);
    return p;
  };
  const run = (
    name: string,
    extra: string[] = [],
    env: Record<string, string> = {},
    command?: string[],
  ) =>
    vitals(
      ['run', '--lock-dir', join(dir, 'locks'), '--name', name, ...extra, '--', 'node', SERVICE],
      env,
      command,
    );
  /** The port `vitals run` or `vitals start` said it serves on. */
  const servedPort = async (p: Spawned) =>
    Number((await p.waitFor(/http:\/\/127\.0\.0\.1:(\d+)/))[1]);
  const locks = () => (existsSync(join(dir, 'locks')) ? readdirSync(join(dir, 'locks')) : []);

  it.each([
    ['run', ['process', 'startup', 'monitor', 'prometheus']],
    ['start', ['monitor', 'prometheus', 'process']],
  ])(
    'vitals %s with 64 fds lives through a flood of 300 connections (EMFILE) and answers again after',
    async (command, plugins) => {
      // `monitor.process`: under `run` the supervisor measures itself only when asked; here its
      // own fd count is the figure that must come back after the flood.
      config({ plugins, http: { port: 0 }, monitor: { process: true } });
      const prlimit = ['prlimit', '--nofile=64:64', process.execPath, VITALS_BIN];
      const p = command === 'run' ? run('flood', [], {}, prlimit) : vitals(['start'], {}, prlimit);
      const port = await servedPort(p);
      if (command === 'run') await p.waitFor(/ready \d+/);
      expect(await status(port, '/metrics')).toBe(200);

      // Held 4 s: every collector tick, the supervisor's memory check and the HTTP accept loop
      // run out of descriptors several times over.
      await flood(port, 300, 4000);
      expect(p.out() + p.err()).toMatch(/EMFILE/);
      expect(p.proc.exitCode).toBeNull();
      const child = pids(join(dir, 'pids'))[0];
      if (command === 'run') expect(alive(child)).toBe(true);

      // Answers again, and the collectors publish again (a fresh fd count).
      if (command === 'run')
        expect(await eventually(async () => (await status(port, '/health/live')) === 200)).toBe(
          true,
        );
      expect(await eventually(async () => (await status(port, '/metrics')) === 200)).toBe(true);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^process_open_fds(\{[^}]*\})? \d+$/m);
      expect(p.err()).not.toMatch(/\n\s+at /); // no stack trace

      p.proc.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      if (command === 'run') expect(alive(child)).toBe(false);
      expect(locks()).toEqual([]);
    },
    90_000,
  );

  it('refuses connections past http.maxConnections, logs the count, and serves after', async () => {
    config({ plugins: ['monitor', 'prometheus'], http: { port: 0, maxConnections: 20 } });
    const p = vitals(['start']);
    const port = await servedPort(p);
    const { opened } = await flood(port, 100, 2000);
    expect(opened).toBe(100); // the kernel accepted them all: the server closed 80
    await p.waitFor(
      /http connection refused: http\.maxConnections reached; \d+ connection\(s\) dropped/,
    );
    expect(await eventually(async () => (await status(port, '/metrics')) === 200)).toBe(true);
    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 60_000);

  it('vitals run: SIGTERM while a plugin is still starting stops cleanly: no child, lock released', async () => {
    const log = join(dir, 'plugin.log');
    config({
      plugins: ['process', 'startup', e2eFixture('slow-start.plugin.js')],
      http: { port: 0 },
    });
    const p = run('early', [], { SLOW_PLUGIN_LOG: log });
    expect(await eventually(() => existsSync(log), 30_000)).toBe(true);
    expect(locks().length).toBeGreaterThan(0); // the lock is held before plugins start
    p.proc.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/^starting \d+\nstarted\nstopped\n$/);
    expect(pids(join(dir, 'pids'))).toEqual([]); // the child never started
    expect(p.out()).not.toMatch(/ready/);
    expect(locks()).toEqual([]);
    expect(p.err()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it.each([0, 50, 300])(
    'vitals run: SIGTERM %i ms after the child spawned stops it: no orphan, lock released',
    async (delayMs) => {
      config({ plugins: ['process', 'startup'], http: { port: 0 } });
      const p = run(`spawned-${delayMs}`);
      await p.waitFor(/started \(pid (\d+)\)/);
      const child = Number(/started \(pid (\d+)\)/.exec(p.err())![1]);
      groups.push(child);
      await new Promise((r) => setTimeout(r, delayMs));
      p.proc.kill('SIGTERM');
      const { code } = await p.exited;
      // The child traps SIGTERM and exits 0; one killed before it installed its handler dies of
      // the signal (143). Either way it is gone and so is the lock.
      expect([0, 143]).toContain(code);
      expect(await eventually(() => !alive(child), 5000)).toBe(true);
      expect(locks()).toEqual([]);
    },
    60_000,
  );

  it('vitals start: SIGTERM while a plugin is starting stops every plugin and exits 0', async () => {
    const log = join(dir, 'plugin.log');
    config({ plugins: ['monitor', e2eFixture('slow-start.plugin.js')], http: { port: 0 } });
    const p = vitals(['start'], { SLOW_PLUGIN_LOG: log });
    expect(await eventually(() => existsSync(log), 30_000)).toBe(true);
    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/stopped\n$/);
    expect(p.out()).toMatch(/"msg":"stopped"/);
  }, 60_000);

  it('vitals run restarts a child killed with SIGKILL and counts the restart', async () => {
    config({ plugins: ['process', 'startup', 'prometheus'], http: { port: 0 } });
    const p = run('killed');
    const port = await servedPort(p);
    await p.waitFor(/ready \d+/);
    const [first] = pids(join(dir, 'pids'));
    process.kill(first, 'SIGKILL');
    expect(await eventually(() => pids(join(dir, 'pids')).length === 2, 30_000)).toBe(true);
    const second = pids(join(dir, 'pids'))[1];
    expect(second).not.toBe(first);
    expect(alive(second)).toBe(true);
    expect(p.err()).toMatch(/child crashed: restarting after backoff/);
    const restarts = async () =>
      /^vitals_supervisor_restarts_total\{service="killed"\} (\d+)$/m.exec(
        await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
      )?.[1];
    expect(await eventually(async () => (await restarts()) === '1')).toBe(true);
    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(alive(second)).toBe(false);
    expect(locks()).toEqual([]);
  }, 60_000);

  it('vitals run outlives its own stdout and stderr being closed (EPIPE): restarts the child, stops cleanly', async () => {
    config({ plugins: ['process', 'startup', 'prometheus'], http: { port: 0 } });
    const p = run('epipe');
    const port = await servedPort(p);
    await p.waitFor(/ready \d+/);
    // Whoever read the supervisor's output is gone (a closed terminal, a log shipper that died).
    p.proc.stdout?.destroy();
    p.proc.stderr?.destroy();
    const [first] = pids(join(dir, 'pids'));
    // The supervisor has something to say now: the crash and the restart, on closed pipes.
    process.kill(first, 'SIGKILL');
    expect(await eventually(() => pids(join(dir, 'pids')).length === 2, 30_000)).toBe(true);
    expect(await eventually(() => alive(pids(join(dir, 'pids'))[1]))).toBe(true);
    expect(await eventually(async () => (await status(port, '/health/live')) === 200)).toBe(true);
    expect(p.proc.exitCode).toBeNull();
    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(pids(join(dir, 'pids')).filter(alive)).toEqual([]);
    expect(locks()).toEqual([]);
  }, 60_000);

  it("after kill -9 of the supervisor: a new run refuses with the live child's pid; --replace stops it and takes over", async () => {
    config({ plugins: ['process', 'startup'], http: { port: 0 } });
    const first = run('orphaned');
    await first.waitFor(/ready \d+/);
    const [child] = pids(join(dir, 'pids'));
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(alive(child)).toBe(true); // the child outlives its supervisor (its own group)

    const second = run('orphaned');
    expect((await second.exited).code).toBe(1);
    const lines = second.err().trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(
      new RegExp(
        `^vitals: the previous child of "orphaned" is still running as pid ${child} .*--replace`,
      ),
    );
    expect(pids(join(dir, 'pids'))).toEqual([child]); // no second copy started
    expect(alive(child)).toBe(true);

    const third = run('orphaned', ['--replace']);
    await eventually(() => pids(join(dir, 'pids')).length === 2, 30_000);
    const [, fresh] = pids(join(dir, 'pids'));
    expect(await eventually(() => !alive(child), 10_000)).toBe(true);
    expect(alive(fresh)).toBe(true);
    third.proc.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
    expect(locks()).toEqual([]);
  }, 60_000);

  it('with --exit-with-supervisor a Node child ends itself when its supervisor is killed', async () => {
    config({ plugins: ['process', 'startup'], http: { port: 0 } });
    const p = run('tethered', ['--exit-with-supervisor']);
    await p.waitFor(/ready \d+/);
    const [child] = pids(join(dir, 'pids'));
    p.proc.kill('SIGKILL');
    await p.exited;
    expect(await eventually(() => !alive(child), 15_000)).toBe(true);
  }, 60_000);

  const takePort = async (): Promise<number> => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', r));
    return (blocker.address() as { port: number }).port;
  };

  it('vitals start on a taken port: one line naming the port, exit 1', async () => {
    const port = await takePort();
    config({ plugins: ['monitor', 'prometheus'], http: { port } });
    const p = vitals(['start']);
    expect((await p.exited).code).toBe(1);
    const lines = p.err().trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^vitals: .*${port}.*in use`, 'i'))]);
  }, 60_000);

  it('vitals run on a taken port: one line, exit 1, no child, no lock left', async () => {
    const port = await takePort();
    config({ plugins: ['process', 'startup', 'prometheus'], http: { port } });
    const p = run('port');
    expect((await p.exited).code).toBe(1);
    expect(p.err()).toMatch(new RegExp(`^vitals: .*${port}.*in use.*$`, 'im'));
    expect(p.err()).not.toMatch(/\n\s+at /);
    expect(pids(join(dir, 'pids'))).toEqual([]);
    expect(locks()).toEqual([]);
  }, 60_000);

  it('vitals run as a user who cannot write the lock folder: one line, exit 1, no child', async () => {
    config({ plugins: ['process', 'startup'], http: { port: 0 } });
    mkdirSync(join(dir, 'locks'), { mode: 0o755 }); // root's: nobody may not write in it
    const asNobody = [
      'setpriv',
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      process.execPath,
      VITALS_BIN,
    ];
    const p = run('ro', [], {}, asNobody);
    expect((await p.exited).code).toBe(1);
    const lines = p.err().trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^vitals: .*lock.*EACCES/);
    expect(p.err()).not.toMatch(/\n\s+at /);
    expect(p.out()).not.toMatch(/ready/);
    expect(pids(join(dir, 'pids'))).toEqual([]);
  }, 60_000);

  it('vitals start watching a pid that vanishes keeps running and says so', async () => {
    const target = spawn(process.execPath, [SERVICE], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => target.stdout.once('data', r));
    config({ plugins: ['monitor', 'prometheus'], http: { port: 0 }, monitor: { pid: target.pid } });
    const p = vitals(['start']);
    const port = await servedPort(p);
    const rss = async () =>
      /^process_resident_memory_bytes\{pid="\d+"\} (\d+)/m.test(
        await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
      );
    expect(await eventually(rss)).toBe(true);
    target.kill('SIGKILL');
    await p.waitFor(new RegExp(`process ${target.pid} does not exist; check the pid`));
    expect(p.proc.exitCode).toBeNull();
    expect(await status(port, '/metrics')).toBe(200);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(
      new RegExp(
        `^vitals_collector_errors_total\\{collector="process\\.${target.pid}"\\} [1-9]`,
        'm',
      ),
    );
    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 60_000);
});
