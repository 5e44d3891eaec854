import { ManualClock, createHost } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runCheck, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { nodeEnvCheck } from './node-env.check';
import { nodeOptionsCheck, parseNodeOptions } from './node-options.check';
import { nodeVersionCheck } from './node-version.check';
import { requiredEnvCheck } from './required-env.check';

const at = (date: string) => new ManualClock(Date.parse(`${date}T12:00:00Z`));

describe('nodeVersionCheck', () => {
  let host: HostHandle;
  afterEach(() => host.stop());

  it.each([
    ['v20.20.2', '2026-11-24', 'warning'], // EOL 2026-04-30
    ['v20.20.2', '2026-01-10', 'info'], // 110 days before EOL
    ['v20.11.0', '2024-06-01', 'ok'],
    ['v22.3.0', '2026-11-24', 'info'], // EOL 2027-04-30, 157 days away
    ['v24.3.0', '2026-11-24', 'ok'],
    ['v25.1.0', '2025-12-01', 'info'], // odd line
    ['v10.24.1', '2026-11-24', 'warning'], // older than the table
    ['v30.0.0', '2026-11-24', 'info'], // newer than the table
  ])('grades %s on %s as %s, judged on the host clock', async (nodeVersion, date, severity) => {
    host = createHost({ clock: at(date) });
    const [f] = await runCheck(nodeVersionCheck, host, { overrides: { nodeVersion } });
    expect(f).toMatchObject({ check: 'node-version', area: 'environment', severity });
  });

  it('flags this machine’s Node on a date past its line’s end of life', async () => {
    host = createHost({ clock: at('2030-01-01') });
    const [f] = await runCheck(nodeVersionCheck, host);
    expect(f.severity).toBe('warning');
    expect(f.message).toContain(process.version);
  });
});

describe('nodeEnvCheck', () => {
  let host: HostHandle;
  beforeEach(() => (host = testHost()));
  afterEach(() => host.stop());

  it.each([
    [{ NODE_ENV: 'production' }, 'ok'],
    [{}, 'info'],
    [{ NODE_ENV: 'development' }, 'info'],
    [{ NODE_ENV: 'prod' }, 'warning'],
  ])('grades %j as %s', async (env, severity) => {
    const [f] = await runCheck(nodeEnvCheck, host, { overrides: { env } });
    expect(f.severity).toBe(severity);
  });
});

describe('requiredEnvCheck', () => {
  let host: HostHandle;
  afterEach(() => host.stop());

  it.each([
    [{ DB_URL: 'x', API_KEY: 'y' }, 'ok'],
    [{ DB_URL: 'x', API_KEY: '' }, 'warning'],
    [{ DB_URL: 'x' }, 'critical'],
  ])('grades %j against requiredEnv [DB_URL, API_KEY] as %s', async (env, severity) => {
    host = testHost({ requiredEnv: ['DB_URL', 'API_KEY'] });
    const [f] = await runCheck(requiredEnvCheck, host, { overrides: { env } });
    expect(f.severity).toBe(severity);
    if (severity === 'critical')
      expect(f.message).toBe('missing required environment variable: API_KEY');
  });

  it('warns, naming the variables and the fix, when no environment was given to it', async () => {
    host = testHost({ requiredEnv: ['DB_URL'] });
    const [f] = await runCheck(requiredEnvCheck, host);
    expect(f).toMatchObject({
      severity: 'warning',
      message:
        'cannot check required variables DB_URL: the environment was not passed to diagnostics',
    });
    expect(f.recommendation).toContain('diagnosticsPlugin({ env: process.env })');
  });
});

describe('parseNodeOptions', () => {
  it('splits like Node: double quotes keep spaces, values after a flag are skipped, _ becomes -', () => {
    expect(
      parseNodeOptions(
        ' --max_old_space_size=512  -r "./my hook.js" --title="a b" --enable-source-maps',
      ),
    ).toEqual([
      { raw: '--max_old_space_size=512', name: '--max-old-space-size', value: '512' },
      { raw: '-r', name: '-r' },
      { raw: '--title=a b', name: '--title', value: 'a b' },
      { raw: '--enable-source-maps', name: '--enable-source-maps' },
    ]);
  });
});

describe('nodeOptionsCheck', () => {
  let host: HostHandle;
  let proc: FakeProc;
  beforeEach(() => {
    host = testHost();
    proc = createFakeProc({ cgroupMemoryMax: 1024 ** 3 });
  });
  afterEach(async () => {
    proc.remove();
    await host.stop();
  });

  const run = async (NODE_OPTIONS: string, NODE_ENV = 'production') =>
    runCheck(nodeOptionsCheck, host, { proc, overrides: { env: { NODE_OPTIONS, NODE_ENV } } });

  it('is ok when empty or sensible', async () => {
    expect((await run('')).map((f) => f.severity)).toEqual(['ok']);
    expect(
      (await run('--max-old-space-size=512 --enable-source-maps')).every(
        (f) => f.severity === 'ok',
      ),
    ).toBe(true);
  });

  it('warns for a heap limit above 80 % of the container limit, critical above it', async () => {
    expect((await run('--max-old-space-size=900'))[0]).toMatchObject({
      severity: 'warning',
      data: { maxOldSpaceMb: 900 },
    });
    const [crit] = await run('--max-old-space-size=2048');
    expect(crit.severity).toBe('critical');
    expect(crit.recommendation).toContain('--max-old-space-size=768');
  });

  it('is critical for a flag Node refuses in NODE_OPTIONS', async () => {
    const findings = await run('--no-such-flag --max-old-space-size=256');
    expect(findings[0]).toMatchObject({ severity: 'critical', data: { flag: '--no-such-flag' } });
  });

  it('warns for conflicting values and for a debugger in production', async () => {
    const findings = await run('--max-old-space-size=256 --max_old_space_size=300 --inspect');
    expect(findings.map((f) => f.severity).sort()).toEqual(['ok', 'warning', 'warning']);
    expect(findings.some((f) => f.message.includes('2 times'))).toBe(true);
    expect(findings.some((f) => f.message.includes('debugger port'))).toBe(true);
  });
});
