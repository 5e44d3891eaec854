import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_USAGE } from './cli';
import { runCli } from './cli.test-util';

// Bad input to every command of the vitals CLI (issue 11): wrong flags, missing values,
// out-of-range numbers (0, -1, 25d), a pid that does not exist, a non-numeric pid; and configs
// with wrong types, unknown keys, -1 and 0 in every plugin's section. Each is one line on stderr
// (stdout for config check) naming what was wrong, the documented exit code, and never a stack.
// `tools/count-cases.js` counts the rows of these tables.

const PLUGINS = ['monitor', 'memory', 'process', 'diagnostics', 'prometheus', 'startup'];
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-bad-input-'));
  fs.writeFileSync(path.join(dir, 'vitals.config.json'), JSON.stringify({ plugins: PLUGINS }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[], cwd = dir) =>
  runCli(argv, { cwd, env: { PATH: process.env['PATH'] } });

/** A pid no process has now (searched from the top of the pid range). */
function missingPid(): string {
  for (let pid = 4_194_000; pid > 1000; pid--) {
    if (!fs.existsSync(`/proc/${pid}`)) return String(pid);
  }
  throw new Error('no free pid');
}
const MISSING = missingPid();
const SELF = String(process.pid);
const RUN = (...flags: string[]) => ['run', ...flags, '--', 'node', '-e', '1'];

describe('vitals CLI: bad flags and values (issue 11)', () => {
  it.each<[string[], number, RegExp]>([
    // diagnose
    [['diagnose', '--pid', 'abc'], EXIT_USAGE, /--pid "abc" is not a pid/],
    [['diagnose', '--pid', '0'], EXIT_USAGE, /--pid "0" is not a pid/],
    [['diagnose', '--pid', '1.5'], EXIT_USAGE, /--pid "1\.5" is not a pid/],
    [['diagnose', '--pid', '-5'], EXIT_USAGE, /--pid/],
    [['diagnose', '--pid'], EXIT_USAGE, /--pid <value>' argument missing/],
    [['diagnose', '--pid', MISSING], 2, new RegExp(`no process with pid ${MISSING}`)],
    [['diagnose', '--watch', '0'], EXIT_USAGE, /--watch "0" is not a duration/],
    [
      ['diagnose', '--watch', '25d'],
      EXIT_USAGE,
      /--watch "25d" is out of range: must be at most 1h/,
    ],
    [['diagnose', '--watch', 'abc'], EXIT_USAGE, /--watch "abc"/],
    [['diagnose', '--bogus'], EXIT_USAGE, /Unknown option '--bogus'/],
    // monitor
    [['monitor', '--once', '--pid', 'abc'], EXIT_USAGE, /--pid takes a process id/],
    [['monitor', '--once', '--pid', '0'], EXIT_USAGE, /--pid takes a process id/],
    [['monitor', '--once', '--pid', MISSING], 1, new RegExp(`process ${MISSING} does not exist`)],
    [['monitor', '--once', '--interval', '0'], EXIT_USAGE, /--interval must be at least 100ms/],
    [['monitor', '--once', '--interval', '25d'], EXIT_USAGE, /--interval must be at most 1h/],
    [['monitor', '--once', '--interval', 'soon'], EXIT_USAGE, /--interval takes a duration/],
    [['monitor', '--interval', '-1'], EXIT_USAGE, /--interval/],
    [['monitor', '--interval'], EXIT_USAGE, /argument missing/],
    [['monitor', '--bogus'], EXIT_USAGE, /Unknown option '--bogus'/],
    // ps
    [['ps', '--sample', '0'], EXIT_USAGE, /--sample "0" is out of range: must be at least 50ms/],
    [['ps', '--sample', '25d'], EXIT_USAGE, /--sample "25d" is out of range/],
    [['ps', '--sample', 'abc'], EXIT_USAGE, /invalid --sample "abc"/],
    [['ps', '--sample', '-1'], EXIT_USAGE, /--sample/],
    [['ps', '--sort', 'bogus'], EXIT_USAGE, /sort/],
    [['ps', '--filter'], EXIT_USAGE, /argument missing/],
    [['ps', '--duplicates', '--keep', '0'], EXIT_USAGE, /--keep "0" is out of range/],
    [['ps', '--duplicates', '--keep', 'abc'], EXIT_USAGE, /invalid --keep "abc"/],
    [['ps', '--duplicates', '--grace', '0'], EXIT_USAGE, /--grace "0" is out of range/],
    [['ps', '--duplicates', '--grace', '25d'], EXIT_USAGE, /--grace "25d" is out of range/],
    // kill-duplicates
    [['kill-duplicates', '--keep', '99999999'], EXIT_USAGE, /--keep "99999999" is out of range/],
    [['kill-duplicates', '--keep', 'sometimes'], EXIT_USAGE, /--keep/],
    [['kill-duplicates', '--grace', 'abc'], EXIT_USAGE, /invalid --grace "abc"/],
    [['kill-duplicates', '--grace', '-1'], EXIT_USAGE, /--grace/],
    [['kill-duplicates', '--bogus'], EXIT_USAGE, /Unknown option '--bogus'/],
    // heap snapshot / heap diff
    [['heap', 'snapshot'], EXIT_USAGE, /heap snapshot needs --pid N/],
    [['heap', 'snapshot', '--pid', 'abc'], EXIT_USAGE, /heap snapshot needs --pid N/],
    [['heap', 'snapshot', '--pid', '-1'], EXIT_USAGE, /--pid/],
    [['heap', 'snapshot', '--pid', MISSING], 1, new RegExp(`no process ${MISSING} is running`)],
    [['heap', 'snapshot', '--pid', SELF, '--timeout', 'abc'], EXIT_USAGE, /invalid duration "abc"/],
    [
      ['heap', 'snapshot', '--pid', SELF, '--timeout', '0'],
      EXIT_USAGE,
      /--timeout "0" is out of range/,
    ],
    [
      ['heap', 'snapshot', '--pid', SELF, '--timeout', '25d'],
      EXIT_USAGE,
      /--timeout "25d" is out of range/,
    ],
    [['heap', 'diff'], EXIT_USAGE, /heap diff needs two files/],
    [['heap', 'diff', 'a'], EXIT_USAGE, /heap diff needs two files/],
    [['heap', 'diff', 'a', 'b', 'c'], EXIT_USAGE, /heap diff needs two files/],
    [['heap', 'diff', '--top', '0', 'a', 'b'], EXIT_USAGE, /--top must be a whole number > 0/],
    [['heap', 'diff', '--top', 'abc', 'a', 'b'], EXIT_USAGE, /--top must be a whole number > 0/],
    // services, perms, rules export
    [['services', '--bogus'], EXIT_USAGE, /Unknown option '--bogus'/],
    [['services', '--restart'], EXIT_USAGE, /argument missing/],
    [['services', '--reset-failed'], EXIT_USAGE, /argument missing/],
    [['perms', '--bogus'], EXIT_USAGE, /Unknown option '--bogus'/],
    [['rules', 'export', '--output'], EXIT_USAGE, /argument missing/],
    [['rules', 'export', '--group', ''], EXIT_USAGE, /--group takes 1-100/],
    [['rules', 'export', '--group', 'a b'], EXIT_USAGE, /--group takes 1-100/],
    [['rules', 'export', '--bogus'], EXIT_USAGE, /Unknown option '--bogus'/],
    // run (every value is refused before a child starts)
    [['run'], EXIT_USAGE, /run needs a command/],
    [['run', '--'], EXIT_USAGE, /run needs a command/],
    [RUN('--kill-timeout', '25d'), EXIT_USAGE, /--kill-timeout "25d"/],
    [RUN('--kill-timeout', '0'), EXIT_USAGE, /--kill-timeout "0"/],
    [RUN('--kill-timeout', '-1'), EXIT_USAGE, /--kill-timeout/],
    [RUN('--max-memory', '100'), EXIT_USAGE, /--max-memory "100": a size needs a unit/],
    [RUN('--max-memory', 'lots'), EXIT_USAGE, /--max-memory "lots"/],
    [RUN('--max-memory', '-1G'), EXIT_USAGE, /--max-memory/],
    [RUN('--max-restarts', '-1'), EXIT_USAGE, /--max-restarts/],
    [RUN('--max-restarts', 'abc'), EXIT_USAGE, /--max-restarts "abc"/],
    [RUN('--hang-timeout', '1ms'), EXIT_USAGE, /--hang-timeout "1ms"/],
    [RUN('--restart', 'sometimes'), EXIT_USAGE, /--restart "sometimes"/],
    [RUN('--name', '../x'), EXIT_USAGE, /--name "\.\.\/x": must be 1-100 letters/],
    [RUN('--name', ''), EXIT_USAGE, /--name/],
    [RUN('--bogus'), EXIT_USAGE, /Unknown option '--bogus'/],
    // start, config check, the command itself
    [['start', '--bogus'], EXIT_USAGE, /Unknown option '--bogus'/],
    [['--bogus'], EXIT_USAGE, /^vitals: unknown option "--bogus"; run vitals --help/],
    [['start', 'extra'], EXIT_USAGE, /Unexpected argument 'extra'/],
    [['config', 'check', '--bogus'], EXIT_USAGE, /config check: unknown option "--bogus"/],
    [['config', 'check', 'a.json', 'b.json'], EXIT_USAGE, /config check: takes at most one file/],
    [['nosuchcommand'], EXIT_USAGE, /unknown command "nosuchcommand"/],
  ])('%j: one line, exit %i', async (argv, code, line) => {
    const result = await run(argv);
    expect(result.code).toBe(code);
    const lines = result.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^vitals\b/);
    expect(lines[0]).toMatch(line);
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});

describe('vitals: a bad configuration is a usage error for every command', () => {
  it.each<[string[]]>([
    [['start']],
    [RUN()],
    [['diagnose']],
    [['monitor', '--once']],
    [['ps']],
    [['kill-duplicates']],
    [['services']],
    [['perms']],
    [['heap', 'snapshot']],
    [['rules', 'export']],
    [['--help']],
  ])('%j: one line naming the key, exit 64', async (argv) => {
    const sub = fs.mkdtempSync(path.join(dir, 'bad-config-'));
    fs.writeFileSync(
      path.join(sub, 'vitals.config.json'),
      JSON.stringify({ plugins: PLUGINS, monitor: { intervalMs: -5 } }),
    );
    const result = await run(argv, sub);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toMatch(
      /^vitals: vitals\.config\.json: monitor\.intervalMs must be a duration .*\(got -5\)\n$/,
    );
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an out-of-range variable',
      { VITALS_HTTP__PORT: '70000' },
      /^vitals: VITALS_HTTP__PORT: http\.port/,
    ],
    [
      'a missing VITALS_CONFIG file',
      { VITALS_CONFIG: 'gone.json' },
      /^vitals: gone\.json: no such file/,
    ],
    [
      'an unknown VITALS_LOG_FORMAT',
      { VITALS_LOG_FORMAT: 'xml' },
      /^vitals: VITALS_LOG_FORMAT "xml" is not a log format; set json, pretty or auto, or unset it$/,
    ],
  ])('%s: one line, exit 64', async (_, env, line) => {
    const result = await runCli(['ps'], { cwd: dir, env: { PATH: process.env['PATH'], ...env } });
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err.trim().split('\n')).toEqual([expect.stringMatching(line)]);
  });
});

describe('vitals config check: wrong types, unknown keys, -1 and 0 in every section (issue 11)', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [{ http: { port: 'eighty' } }, /http\.port/],
    [{ http: { port: -1 } }, /http\.port/],
    [{ http: { port: 70000 } }, /http\.port/],
    [{ http: { maxConnections: 0 } }, /http\.maxConnections/],
    [{ http: { nope: 1 } }, /http.*nope/],
    [{ stopTimeoutMs: 0 }, /stopTimeoutMs/],
    [{ history: { capacity: -1 } }, /history\.capacity/],
    [{ nope: true }, /nope/],
    [{ monitor: { intervalMs: 0 } }, /monitor\.intervalMs/],
    [{ monitor: { intervalMs: -1 } }, /monitor\.intervalMs/],
    [{ monitor: { intervalMs: '25d' } }, /monitor\.intervalMs/],
    [{ monitor: { intervalMs: 'fast' } }, /monitor\.intervalMs/],
    [{ monitor: { collectorTimeoutMs: 0 } }, /monitor\.collectorTimeoutMs/],
    [{ monitor: { pid: 0 } }, /monitor\.pid/],
    [{ monitor: { pid: 'abc' } }, /monitor\.pid/],
    [{ monitor: { nope: 1 } }, /monitor.*nope/],
    [{ memory: { periodicGcMs: 10 } }, /memory\.periodicGcMs/],
    [{ memory: { periodicGcMs: -1 } }, /memory\.periodicGcMs/],
    [{ memory: { heapLimitThreshold: 2 } }, /memory\.heapLimitThreshold/],
    [{ memory: { heapLimitThreshold: -1 } }, /memory\.heapLimitThreshold/],
    [{ memory: { leak: { windowMs: 0 } } }, /memory\.leak\.windowMs/],
    [{ memory: { allowGcFallback: 'yes' } }, /memory\.allowGcFallback/],
    [{ memory: { nope: 1 } }, /memory.*nope/],
    [{ process: { graceMs: 0 } }, /process\.graceMs/],
    [{ process: { graceMs: '25d' } }, /process\.graceMs/],
    [{ process: { duplicates: { refreshMs: -1 } } }, /process\.duplicates\.refreshMs/],
    [{ process: { lockDir: 42 } }, /process\.lockDir/],
    [{ process: { nope: 1 } }, /unknown key "nope"/],
    [{ diagnostics: { collectTimeoutMs: 0 } }, /diagnostics\.collectTimeoutMs/],
    [{ diagnostics: { collectTimeoutMs: -1 } }, /diagnostics\.collectTimeoutMs/],
    [{ diagnostics: { eventLoopSampleMs: 'x' } }, /diagnostics\.eventLoopSampleMs/],
    [{ diagnostics: { nope: 1 } }, /diagnostics.*nope/],
    [{ startup: { killTimeoutMs: 0 } }, /startup\.killTimeoutMs/],
    [{ startup: { killTimeoutMs: '25d' } }, /startup\.killTimeoutMs/],
    [{ startup: { maxRestarts: -1 } }, /startup\.maxRestarts/],
    [{ startup: { maxMemory: 100 } }, /startup\.maxMemory/],
    [{ startup: { restart: 'sometimes' } }, /startup\.restart/],
    [{ startup: { name: 'a/b' } }, /startup\.name/],
    [{ startup: { nope: 1 } }, /startup.*nope/],
    [{ prometheus: { nope: 1 } }, /prometheus.*nope/],
  ])('%j is refused in one line naming the key', async (section, line) => {
    const sub = fs.mkdtempSync(path.join(dir, 'cfg-'));
    fs.writeFileSync(
      path.join(sub, 'vitals.config.json'),
      JSON.stringify({ plugins: PLUGINS, ...section }),
    );
    const { code, out, err } = await run(['config', 'check'], sub);
    expect(code).toBe(1);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(out + err).not.toMatch(/\n\s+at /);
  });
});
