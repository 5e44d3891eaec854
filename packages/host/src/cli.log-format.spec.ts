import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_USAGE } from './cli';
import { runCli } from './cli.test-util';

// `vitals config check` is how a deploy script learns, before a restart, whether `vitals start`
// will accept the configuration and the VITALS_* environment (core's validation refuses at check
// time what the HTTP server would refuse at start, "so config check agrees"). An unknown
// VITALS_LOG_FORMAT is refused by every command with exit 64 since 8df6467, but config check
// said "ok" and exited 0.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-log-format-'));
  fs.writeFileSync(path.join(dir, 'vitals.config.json'), JSON.stringify({ plugins: ['monitor'] }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[], format: string) =>
  runCli(argv, { cwd: dir, env: { PATH: process.env['PATH'], VITALS_LOG_FORMAT: format } });

describe('VITALS_LOG_FORMAT and vitals config check', () => {
  it('start refuses an unknown format (exit 64)', async () => {
    const r = await run(['start'], 'xml');
    expect(r.code).toBe(EXIT_USAGE);
  });

  it('config check reports it on stdout, one line, and exits 1', async () => {
    const r = await run(['config', 'check'], 'xml');
    expect(r.out.trim().split('\n')).toEqual([
      'VITALS_LOG_FORMAT "xml" is not a log format; set json, pretty or auto, or unset it',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
  });

  it.each(['json', 'pretty', 'auto', ''])('config check accepts %j', async (format) => {
    const r = await run(['config', 'check'], format);
    expect(r.out).toMatch(/: ok \(plugins: monitor\)\n$/);
    expect(r.code).toBe(0);
  });
});
