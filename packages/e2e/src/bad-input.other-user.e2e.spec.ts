import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VITALS_BIN, alive } from './vitals-binary.test-util';

// A pid of another user (issue 11), with the real binary: user nobody points every --pid command
// at a root process, and root at a process of nobody's. Each answers with what it may see or one
// line saying what it may not, never a stack; nothing is signalled that the caller may not
// signal. Needs root (as CI has) to run as nobody.

const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

function vitals(args: string[], cwd: string, asNobody: boolean) {
  const [cmd, ...pre] = asNobody ? [...AS_NOBODY, process.execPath] : [process.execPath];
  const r = spawnSync(cmd, [...pre, VITALS_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', HOME: cwd },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('--pid of another user', () => {
  let dir: string;
  let rootTarget: ChildProcess;
  let nobodyTarget: ChildProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-other-user-'));
    chmodSync(dir, 0o755);
    const start = (cmd: string[]) => {
      const p = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
      return new Promise<ChildProcess>((resolve) => p.stdout!.once('data', () => resolve(p)));
    };
    const script = 'console.log("up"); setInterval(() => {}, 1000)';
    rootTarget = await start([process.execPath, '-e', script]);
    nobodyTarget = await start([...AS_NOBODY, process.execPath, '-e', script]);
  });
  afterAll(() => {
    rootTarget.kill('SIGKILL');
    nobodyTarget.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

  it('diagnose --pid: nobody gets a report of what /proc shows everyone, never a crash', () => {
    const { code, out, err } = vitals(
      ['diagnose', '--pid', String(rootTarget.pid), '--json'],
      dir,
      true,
    );
    expect([0, 1, 2]).toContain(code);
    const report = JSON.parse(out) as { target: { pid: number }; findings: { check: string }[] };
    expect(report.target.pid).toBe(rootTarget.pid);
    expect(report.findings.length).toBeGreaterThan(0);
    noStack(err);
  });

  it('monitor --pid --once: nobody watches a root process with its pid label', () => {
    const { code, out, err } = vitals(
      ['monitor', '--once', '--pid', String(rootTarget.pid)],
      dir,
      true,
    );
    expect(code).toBe(0);
    expect(out).toContain(`process_resident_memory_bytes{pid=\\"${rootTarget.pid}\\"}`);
    noStack(err);
  });

  it('heap snapshot --pid: nobody is refused in one line and the root process is not signalled', () => {
    const { code, err } = vitals(['heap', 'snapshot', '--pid', String(rootTarget.pid)], dir, true);
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^vitals: /);
    expect(alive(rootTarget.pid!)).toBe(true);
  });

  it("root diagnoses and monitors nobody's process as its own, by pid", () => {
    const d = vitals(['diagnose', '--pid', String(nobodyTarget.pid), '--json'], dir, false);
    expect([0, 1, 2]).toContain(d.code);
    expect(JSON.parse(d.out)).toMatchObject({ target: { pid: nobodyTarget.pid, self: false } });
    const m = vitals(['monitor', '--once', '--pid', String(nobodyTarget.pid)], dir, false);
    expect(m.code).toBe(0);
    expect(m.out).toContain(`{pid=\\"${nobodyTarget.pid}\\"}`);
  });
});
