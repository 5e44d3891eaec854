import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_USAGE } from './cli';
import { runCli } from './cli.test-util';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-cli-in-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[], env: Record<string, string> = {}) => runCli(argv, { cwd: dir, env });

const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

describe('vitals CLI bad input (issue 11)', () => {
  it('takes -c FILE before the command, as --help shows it', async () => {
    write('my.json', JSON.stringify({ plugins: ['@vitals/process'] }));
    const { code, out, err } = await run(['-c', 'my.json', 'ps', '--filter', 'no-such-process-x']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('PID');
  });

  it.each([
    [['ps', '--sort', 'bogus']],
    [['ps', '--bogus-flag']],
    [['ps', '--sort']],
    [['kill-duplicates', '--keep', 'sometimes']],
    [['nosuchcommand']],
  ])('%j is a usage error: one line on stderr, exit 64', async (argv) => {
    write('vitals.config.json', JSON.stringify({ plugins: ['@vitals/process'] }));
    const { code, err } = await run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('config check refuses what start refuses: a public http.host without a token', async () => {
    write('vitals.config.json', JSON.stringify({ plugins: [], http: { host: '0.0.0.0' } }));
    const { code, out } = await run(['config', 'check']);
    expect(code).toBe(1);
    expect(out).toContain('http.host "0.0.0.0" is reachable from other machines');
  });

  it('config check refuses an override of an alert rule that does not exist', async () => {
    write(
      'vitals.config.json',
      JSON.stringify({
        plugins: ['@vitals/monitor'],
        monitor: { alerts: { rules: { 'no-such-rule': { threshold: 1 } } } },
      }),
    );
    const { code, out } = await run(['config', 'check']);
    expect(code).toBe(1);
    expect(out).toMatch(/no-such-rule/);
  });

  it.each([
    [{ http: { port: -1 } }, /http\.port/],
    [{ http: { token: ' '.repeat(20) } }, /http\.token/],
    [{ startTimeoutMs: 0 }, /startTimeoutMs must be at least 100ms/],
    [{ http: { maxConnections: 0 } }, /http\.maxConnections/],
    [{ process: { graceMs: '25d' } }, /process\.graceMs/],
    [{ process: { duplicates: { refreshMs: 0 } } }, /process\.duplicates\.refreshMs/],
    [{ process: { nope: 1 } }, /unknown key "nope"/],
  ])('config check refuses %j in one line', async (config, line) => {
    write('vitals.config.json', JSON.stringify({ plugins: ['@vitals/process'], ...config }));
    const { code, out } = await run(['config', 'check']);
    expect(code).toBe(1);
    expect(out).toMatch(line);
    expect(out.trim().split('\n')).toHaveLength(1);
  });
});
