import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_USAGE } from './cli';
import { runCli } from './cli.test-util';

// `vitals -c "$CONFIG" start` with $CONFIG empty (a typo in a unit file, an unset variable) ran
// on ./vitals.config.json or the defaults without a word: a service started as root with the
// wrong settings. An empty -c/--config is bad input, like a missing one.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-config-flag-'));
  fs.writeFileSync(path.join(dir, 'vitals.config.json'), JSON.stringify({ plugins: ['process'] }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[]) => runCli(argv, { cwd: dir, env: { PATH: process.env['PATH'] } });

describe('an empty -c/--config', () => {
  it.each([
    [['-c', '', 'ps']],
    [['--config', '', 'ps']],
    [['--config=', 'ps']],
    [['ps', '-c', '']],
    [['config', 'check', '-c', '']],
  ])('%j exits 64 with one line', async (argv) => {
    const r = await run(argv);
    expect(r.err).toBe('vitals: -c/--config needs a file name (got "")\n');
    expect(r.code).toBe(EXIT_USAGE);
  });

  it('a named file still works', async () => {
    const r = await run(['-c', 'vitals.config.json', 'ps', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
