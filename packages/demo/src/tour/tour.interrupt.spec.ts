import * as os from 'node:os';
import { startNode } from './tour.process';
import { runTour } from './tour.runner';
import type { TourStep } from './tour.types';

// A stand-in for `vitals run`: starts its own child in a new session (as the supervisor does) and
// stops it on SIGTERM. Real processes and real signals.
const SUPERVISOR = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
process.on('SIGTERM', () => { child.on('exit', () => process.exit(0)); child.kill('SIGTERM'); });
console.log('child ' + child.pid); // only once it can stop it
setInterval(() => {}, 1000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runTour when a step is cut short', () => {
  let pids: number[] = [];

  afterEach(() => {
    for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    pids = [];
  });

  it.each([
    ['interrupted (Ctrl-C)', 'interrupted'],
    ['past its deadline', 'did not finish within 10 s'],
  ])(
    'stops every process the step started before it returns: %s',
    async (how, found) => {
      const controller = new AbortController();
      const step: TourStep = {
        id: 'hold',
        title: 'a step whose supervisor runs until stopped',
        // 10 s: the stand-in must start and print its child's pid first, on a loaded machine too.
        timeoutMs: how.startsWith('past') ? 10_000 : 60_000,
        async run() {
          const sup = startNode(['-e', SUPERVISOR], {
            cwd: os.tmpdir(),
            env: { PATH: process.env.PATH },
          });
          const [, child] = await sup.waitFor(/child (\d+)/, 20_000);
          pids = [sup.pid, Number(child)];
          if (how.startsWith('interrupted')) controller.abort();
          await sup.waitFor(/never printed/, 60_000);
          return { ok: true, found: [] };
        },
      };
      const outcomes = await runTour({
        paths: { cli: 'vitals', bot: 'bot.js' },
        steps: [step],
        env: {},
        write: () => undefined,
        signal: controller.signal,
      });
      expect(outcomes.map((o) => [o.ok, o.found])).toEqual([[false, [found]]]);
      expect(pids).toHaveLength(2);
      // Both gone when runTour returns: the CLI exits right after, and a detached process left
      // running then would run on (the leak step's bot leaks 60 MiB/min).
      expect(pids.filter(alive)).toEqual([]);
    },
    60_000,
  );
});
