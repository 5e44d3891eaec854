import { PassThrough } from 'node:stream';
import { createHost, type CliContext } from '@vitals/core';
import { demoCommand, summarize } from './demo.command';
import { TOUR_STEPS, runTour } from './tour.runner';

function context(options: CliContext['options']) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const host = createHost({ plugins: [] });
  const ctx: CliContext = {
    options,
    positionals: [],
    rest: [],
    host,
    config: host.config,
    stdout,
    stderr,
    env: {},
    cwd: process.cwd(),
    stopSignal: new AbortController().signal,
  };
  return { ctx, out: () => out, err: () => err };
}

describe('vitals demo', () => {
  it('runs the six steps in the order of the tour', () => {
    expect(TOUR_STEPS.map((s) => s.id)).toEqual([
      'diagnose',
      'monitor',
      'leak',
      'snapshot',
      'duplicates',
      'supervise',
    ]);
  });

  it('ends a step at the tour deadline and reports it as failed', async () => {
    const lines: string[] = [];
    const stuck = {
      id: 'stuck',
      title: 'a step that never ends',
      timeoutMs: 60_000,
      run: () => new Promise<never>(() => undefined),
    };
    const outcomes = await runTour({
      paths: { cli: 'vitals', bot: 'bot.js' },
      steps: [stuck, stuck],
      env: {},
      write: (l) => lines.push(l),
      signal: new AbortController().signal,
      deadlineMs: 50,
    });
    expect(outcomes.map((o) => [o.ok, o.found[0]])).toEqual([
      [false, 'did not finish within 0 s'],
      [false, 'did not finish within 0 s'],
    ]);
    expect(lines).toContain('[1/2] a step that never ends');
  });

  it('refuses an unknown step with exit 64 and the list of steps, escaping what it echoes', async () => {
    const { ctx, err, out } = context({ steps: 'diagnose,bogus\x1b[2J' });
    expect(await demoCommand.run(ctx)).toBe(64);
    expect(err()).toBe(
      'vitals: demo: unknown step "bogus\\x1b[2J"; steps are diagnose, monitor, leak, snapshot, duplicates, supervise\n',
    );
    expect(out()).toBe('');
  });

  it('ends with 130 and the step it stopped in when interrupted, else 1 with the failed and unrun steps', () => {
    const o = (id: string, ok: boolean, seconds = 10) => ({ id, ok, seconds, found: [] });
    expect(
      summarize([o('diagnose', true), o('monitor', true), o('leak', false, 11)], 6, true),
    ).toEqual({
      line: 'Interrupted in step 3 (leak) after 31 s; every process the tour started was stopped.',
      code: 130,
    });
    expect(summarize([o('diagnose', true), o('leak', false)], 6, false)).toEqual({
      line: '1 of 6 steps failed: leak; 4 not run.',
      code: 1,
    });
    expect(summarize([o('diagnose', true), o('leak', true)], 2, false)).toEqual({
      line: 'All 2 steps worked (20 s).',
      code: 0,
    });
  });
});
