import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OutputLog, fixture } from './supervisor.test-util';

// The real `vitals` binary, as a user runs it. It loads the built packages (Nx builds before it
// tests); a missing build fails here with the command to run, never skips.
const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'packages', 'host', 'bin', 'vitals.js');
const BUILT = [
  'core/dist/index.js',
  'process/dist/index.js',
  'startup/dist/index.js',
  'host/dist/cli.js',
];

interface Run {
  readonly proc: ChildProcess;
  readonly out: OutputLog;
  readonly err: OutputLog;
  readonly exited: Promise<number | null>;
}

/** A port free right now (the supervisor's HTTP server takes it through VITALS_HTTP__PORT). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

function getJson(
  port: number,
  path: string,
): Promise<{ status: number; body: { status?: string } }> {
  return new Promise((done, fail) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, body: JSON.parse(text) as { status?: string } }),
      );
    }).on('error', fail);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('vitals run (the real binary)', () => {
  let dir: string;
  const runs: Run[] = [];
  const childPids: number[] = [];

  beforeAll(() => {
    const missing = BUILT.filter((f) => !existsSync(join(ROOT, 'packages', f)));
    if (missing.length > 0)
      throw new Error(
        `run.e2e needs the built packages (missing ${missing.join(', ')}); ` +
          'run `npx nx run-many -t build -p core process startup host` first',
      );
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-run-e2e-'));
    // Port 0: the supervisor's HTTP server never collides with another run on this machine.
    writeFileSync(
      join(dir, 'vitals.config.json'),
      JSON.stringify({ plugins: ['process', 'startup'], http: { port: 0 } }),
    );
  });

  afterEach(async () => {
    for (const pid of childPids.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL'); // the supervised child leads its own process group
      } catch {
        // Already gone.
      }
    }
    for (const run of runs.splice(0)) {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGKILL');
      await run.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function vitalsRun(args: string[], env: Record<string, string> = {}): Run {
    const proc = spawn(process.execPath, [BIN, 'run', '--lock-dir', join(dir, 'locks'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = new OutputLog();
    const err = new OutputLog();
    proc.stdout?.pipe(out);
    proc.stderr?.pipe(err);
    const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
    const run = { proc, out, err, exited };
    runs.push(run);
    return run;
  }

  /** Waits until the supervisor reported its child's pid and the child trapped its signals. */
  async function started(run: Run): Promise<number> {
    await run.out.waitFor('ready');
    await run.err.waitFor(' started (pid'); // one write of "vitals run: NAME started (pid N)"
    const pid = Number(/ started \(pid (\d+)\)\n/.exec(run.err.text)?.[1]);
    expect(pid).toBeGreaterThan(0);
    childPids.push(pid);
    return pid;
  }

  it('on SIGTERM stops a child that traps SIGTERM slowly, within --kill-timeout, and exits with its code', async () => {
    const run = vitalsRun([
      '--name',
      'e2e-term',
      '--kill-timeout',
      '20s',
      '--',
      'node',
      fixture('trap-signals'),
      '300',
    ]);
    const childPid = await started(run);
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(43);
    expect(run.out.text).toContain('got SIGTERM');
    expect(run.out.text).toBe('ready ' + childPid + '\ngot SIGTERM\n'); // the child's, unchanged
    expect(run.err.text).toContain('vitals run: e2e-term exited with code 43');
    expect(run.err.text).toContain('vitals run: SIGTERM: stopping e2e-term');
    expect(run.err.text).not.toContain('SIGKILL');
    expect(alive(childPid)).toBe(false);
  });

  it('takes one signal delivered twice at once (terminal and npm) as one stop, not a kill', async () => {
    const run = vitalsRun(['--name', 'e2e-twice', '--', 'node', fixture('trap-signals'), '300']);
    await started(run);
    run.proc.kill('SIGTERM');
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(43);
    expect(run.err.text).not.toContain('again: killing');
  });

  it('passes SIGINT on as SIGINT (not SIGTERM)', async () => {
    const run = vitalsRun(['--name', 'e2e-int', '--', 'node', fixture('trap-signals'), '50']);
    await started(run);
    run.proc.kill('SIGINT');
    expect(await run.exited).toBe(42);
    expect(run.out.text).toContain('got SIGINT');
    expect(run.out.text).not.toContain('got SIGTERM');
  });

  it('kills the child group with SIGKILL when the child ignores SIGTERM past --kill-timeout', async () => {
    const run = vitalsRun([
      '--name',
      'e2e-kill',
      '--kill-timeout',
      '300',
      '--',
      'node',
      fixture('slow-term'),
      'never',
    ]);
    const childPid = await started(run);
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(137);
    expect(run.out.text).toContain('got SIGTERM');
    expect(run.err.text).toContain('did not exit within 300 ms of SIGTERM: SIGKILL');
    expect(alive(childPid)).toBe(false);
  });

  it('stops what the child started too: no grandchild outlives the supervisor', async () => {
    const script = `node ${fixture('trap-signals')} 50; echo after`;
    const run = vitalsRun(['--name', 'e2e-sh', '--', 'sh', '-c', script]);
    await started(run);
    const grandchild = Number(/ready (\d+)/.exec(run.out.text)?.[1]);
    expect(alive(grandchild)).toBe(true);
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(143); // sh itself dies of the SIGTERM
    expect(run.out.text).toContain('got SIGTERM');
    expect(alive(grandchild)).toBe(false);
  });

  it('answers /health/ready 200 while the child runs and 503 as soon as the stop begins', async () => {
    const port = await freePort();
    const run = vitalsRun(['--name', 'e2e-ready', '--', 'node', fixture('trap-signals'), '2000'], {
      VITALS_HTTP__PORT: String(port),
    });
    await started(run);
    // Ready once the agent said hello (it may come just after the child's first line).
    let ready = await getJson(port, '/health/ready');
    while (ready.status !== 200) ready = await getJson(port, '/health/ready');
    expect(ready.body.status).toBe('ready');
    run.proc.kill('SIGTERM');
    await run.out.waitFor('got SIGTERM'); // the child is in its 2 s clean-up: still running
    const stopping = await getJson(port, '/health/ready');
    expect(stopping).toMatchObject({ status: 503, body: { status: 'stopping' } });
    expect((await getJson(port, '/health/live')).status).toBe(200);
    expect(await run.exited).toBe(43);
  });

  it('refuses a second run of the same service in one line naming the pid, and leaves the first running', async () => {
    const first = vitalsRun(['--name', 'e2e-lock', '--', 'node', fixture('trap-signals'), '50']);
    await started(first);
    const second = vitalsRun(['--name', 'e2e-lock', '--', 'node', fixture('trap-signals'), '50']);
    expect(await second.exited).toBe(1);
    const lines = second.err.text.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^vitals: .*"e2e-lock".* held by pid ${first.proc.pid}\\b`),
    );
    expect(second.out.text).not.toContain('ready');
    expect(first.proc.exitCode).toBeNull();
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(43);
  });

  it('rejects a bad flag value in one line, without a stack or a child', async () => {
    const run = vitalsRun(['--max-memory', 'lots', '--', 'node', fixture('trap-signals')]);
    expect(await run.exited).toBe(64);
    expect(run.err.text).toBe(
      'vitals: --max-memory "lots": must be a size such as "512M", "2G" or a number of bytes\n',
    );
    expect(run.out.text).not.toContain('ready');
  });
});
