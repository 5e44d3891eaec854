import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { OutputLog, fixture } from './supervisor.test-util';

describe('bootstrap in a real process', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('abandons a hanging shutdown hook at the deadline, names it, and the process still exits', async () => {
    const out = new OutputLog();
    child = spawn(process.execPath, [fixture('bootstrap-hang')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.pipe(out);
    const exited = new Promise<number | null>((resolve) =>
      child?.once('exit', (code) => resolve(code)),
    );
    await out.waitFor('main ran');
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(out.text).toContain(
      'error shutdown hook hang-forever abandoned at the shutdown deadline (300 ms)',
    );
    expect(out.text).toContain('info e2e stopped');
  });
});
