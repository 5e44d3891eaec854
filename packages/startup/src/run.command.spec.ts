import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CLI_COMMAND,
  INSTANCE_LOCK,
  V8_TUNER,
  VitalsError,
  asInjectionToken,
  createHost,
} from '@vitals/core';
import type {
  CliCommand,
  CliContext,
  HostHandle,
  InstanceLockService,
  Plugin,
  V8Tuner,
} from '@vitals/core';
import { startupPlugin } from './startup.plugin';
import { fixture } from './supervisor.test-util';

function fakes(values: [symbol, unknown][]): Plugin {
  return {
    name: 'fakes',
    register(container) {
      for (const [token, value] of values)
        container.register(asInjectionToken(token), { useValue: value });
    },
  };
}

const tuner: V8Tuner = {
  recommendFlags: (profile, options) => ({
    profile,
    flags: ['--max-old-space-size=200', '--max-semi-space-size=8'],
    reasons: [`heap from limit ${options?.memoryLimitBytes}`],
  }),
};

describe('vitals run', () => {
  let host: HostHandle | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-run-'));
  });

  afterEach(async () => {
    await host?.stop('test end');
    host = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function setup(plugins: Plugin[]): {
    command: CliCommand;
    context: (options: CliContext['options'], rest: string[]) => CliContext;
    out: () => string;
  } {
    host = createHost({ plugins: [...plugins, startupPlugin()], config: { http: { port: 0 } } });
    const command = host.resolveAll<CliCommand>(CLI_COMMAND).find((c) => c.name === 'run')!;
    const stderr = new PassThrough(); // the supervisor's own lines; the child's stdout is its own
    let text = '';
    stderr.on('data', (c: Buffer) => (text += c.toString()));
    const context = (options: CliContext['options'], rest: string[]): CliContext => ({
      options,
      positionals: rest,
      rest,
      host: host!,
      config: host!.config,
      stdout: new PassThrough(),
      stderr,
      env: { PATH: process.env.PATH, NODE_OPTIONS: '--max-old-space-size=300 --no-warnings' },
      cwd: dir,
      stopSignal: new AbortController().signal,
    });
    return { command, context, out: () => text };
  }

  it("runs the child with the profile's flags under the user's own, logs to a file and exits with its code", async () => {
    const { command, context, out } = setup([fakes([[V8_TUNER, tuner]])]);
    const log = join(dir, 'app.log');
    const code = await command.run(
      context({ 'max-memory': '256M', restart: 'never', 'log-file': log }, [fixture('print-env')]),
    );
    expect(code).toBe(7);
    expect(out()).toContain('V8 profile container (memory limit');
    expect(out()).toContain('--max-old-space-size=200 --max-semi-space-size=8');
    expect(out()).toContain('no single-instance lock');
    expect(out()).toContain(
      'child NODE_OPTIONS (yours win): --max-semi-space-size=8 --max-old-space-size=300 --no-warnings',
    );
    const written = readFileSync(log, 'utf8');
    // Ours first, theirs after and winning; the agent removed itself from what its children see.
    expect(written).toContain(
      'NODE_OPTIONS=--max-semi-space-size=8 --max-old-space-size=300 --no-warnings\n',
    );
    // heap_size_limit is old space (300 MB, theirs, not our 200) plus the young generation.
    expect(written).toMatch(/heap-limit-mb=3[0-4]\d\n/);
    expect(written).toContain('to stderr');
    expect(host!.state).toBe('stopped');
  });

  it('refuses a second run of the same service and starts no child', async () => {
    const lock: InstanceLockService = {
      acquire: (name) => {
        throw new VitalsError('ERR_INSTANCE_LOCKED', `"${name}" is already running as pid 4711`);
      },
    };
    const { command, context } = setup([fakes([[INSTANCE_LOCK, lock]])]);
    const log = join(dir, 'never.log');
    await expect(
      command.run(context({ name: 'api', 'log-file': log }, [fixture('print-env')])),
    ).rejects.toMatchObject({
      code: 'ERR_INSTANCE_LOCKED',
      message: expect.stringContaining('pid 4711'),
    });
    expect(readFileSync(log, 'utf8')).toBe('');
  });

  it('rejects a bad flag value in one line naming the flag, and a missing command', async () => {
    const { command, context } = setup([]);
    await expect(command.run(context({ 'max-memory': 'lots' }, ['node']))).rejects.toMatchObject({
      code: 'ERR_USAGE',
      message: expect.stringMatching(/^--max-memory "lots": must be a size/),
    });
    await expect(command.run(context({}, []))).rejects.toMatchObject({ code: 'ERR_USAGE' });
  });

  it('says so when the memory plugin is not installed', async () => {
    const { command, context, out } = setup([]);
    const code = await command.run(
      context({ restart: 'never', 'log-file': join(dir, 'a.log') }, [fixture('print-env')]),
    );
    expect(code).toBe(7);
    expect(out()).toContain('V8 profile: skipped (@vitals/memory is not installed)');
  });
});
