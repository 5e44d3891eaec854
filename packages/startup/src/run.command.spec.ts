import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
  readCgroupLimits,
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
    refused: (options: CliContext['options'], rest: string[], message: RegExp) => Promise<void>;
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
    /** Runs `vitals run` and expects exit 64 with one line matching `message`. */
    const refused = async (
      options: CliContext['options'],
      rest: string[],
      message: RegExp,
    ): Promise<void> => {
      const before = text.length;
      expect(await command.run(context(options, rest))).toBe(64);
      const said = text.slice(before);
      expect(said).toMatch(message);
      expect(said.trim().split('\n')).toHaveLength(1);
    };
    return { command, context, out: () => text, refused };
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

  it('refuses bad flag values and a missing command in one line each, with exit 64', async () => {
    const { refused } = setup([]);
    const cases: [CliContext['options'], string[], RegExp][] = [
      [{ 'max-memory': 'lots' }, ['node'], /^vitals: --max-memory "lots": must be a size/m],
      // A bare number on the command line is a slip, not 100 bytes.
      [
        { 'max-memory': '100' },
        ['node'],
        /--max-memory "100": a size needs a unit; use 512M or 1G/,
      ],
      [{ 'max-memory': '1K' }, ['node'], /--max-memory "1K": must be between 16 MiB and 1 TiB/],
      // 25 days overflows a Node timer (2^31 ms): refused, never a SIGKILL 29 ms after SIGTERM.
      [{ 'kill-timeout': '25d' }, ['node'], /--kill-timeout "25d": must be a duration between/],
      [{ 'kill-timeout': '0' }, ['node'], /--kill-timeout "0": must be a duration between/],
      [{ 'hang-timeout': '-5s' }, ['node'], /--hang-timeout "-5s": must be a duration/],
      [{ 'memory-scope': 'all' }, ['node'], /--memory-scope "all"/],
      [{ 'log-max-size': '10' }, ['node'], /--log-max-size "10": a size needs a unit/],
      [{}, [], /vitals run needs a command/],
    ];
    for (const [options, rest, message] of cases) await refused(options, rest, message);
  });

  it("refuses a log file in a folder others can write or behind another user's link, with exit 64 (root)", async () => {
    const { refused } = setup([]);
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const target = join(dir, 'etc');
    mkdirSync(target);
    const link = join(dir, 'logs');
    symlinkSync(target, link);
    lchownSync(link, 65534, 65534);
    const cases: [CliContext['options'], RegExp][] = [
      [
        { 'log-file': join(open, 'app.log') },
        /^vitals: --log-file: .*open is in a folder other users can write \(.*open\); log to a folder only you or root can write$/m,
      ],
      [
        { 'error-file': join(link, 'err.log') },
        /^vitals: --error-file: .*logs goes through a link owned by uid 65534 \(.*logs\)/m,
      ],
    ];
    for (const [options, message] of cases) await refused(options, [fixture('print-env')], message);
    // Nothing was written through the link: its target holds no log.
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(open)).toEqual([]);
  });

  it("creates no folder through another user's link, and opens no FIFO or file another user planted in a sticky folder (root)", async () => {
    const { refused } = setup([]);
    const target = join(dir, 'etc2');
    mkdirSync(target);
    const link = join(dir, 'trap');
    symlinkSync(target, link);
    lchownSync(link, 65534, 65534);
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    mkdirSync(join(shared, 'app.log.1'));
    // Root's folder in a sticky one: what is at a name there was put by root (or left over).
    const sticky = join(shared, 'root');
    mkdirSync(sticky);
    const fifo = join(sticky, 'fifo.log');
    execFileSync('mkfifo', [fifo]);
    const planted = join(sticky, 'planted.log');
    writeFileSync(planted, '');
    chownSync(planted, 65534, 65534);
    const cases: [CliContext['options'], RegExp][] = [
      [
        { 'log-file': join(link, 'new', 'sub', 'app.log') },
        /goes through a link owned by uid 65534/,
      ],
      // Sticky is not enough for the log's own folder: another user's app.log.1 folder there made
      // every rotation fail and every line after the first rotation dropped.
      [
        { 'log-file': join(shared, 'app.log') },
        /shared is a folder every user can write \(sticky or not\): another user could plant app\.log\.1 and break rotation; log to/,
      ],
      // Before: open(2) of a FIFO with no reader blocked the supervisor for good.
      [{ 'log-file': fifo }, /^vitals: --log-file: cannot open .*fifo\.log \(ENXIO\)/m],
      [
        { 'log-file': planted },
        /^vitals: --log-file: .*planted\.log belongs to uid 65534; log to/m,
      ],
    ];
    for (const [options, message] of cases) await refused(options, [fixture('print-env')], message);
    // mkdir -p ran only after the check: nothing was created through the link.
    expect(readdirSync(target)).toEqual([]);
    expect(readFileSync(planted, 'utf8')).toBe('');
  });

  it('accepts "off" for the hang timeout and durations with units', async () => {
    const { command, context, out } = setup([]);
    const code = await command.run(
      context(
        {
          'hang-timeout': 'off',
          'kill-timeout': '2s',
          restart: 'never',
          'log-file': join(dir, 'a.log'),
        },
        [fixture('print-env')],
      ),
    );
    expect(code).toBe(7);
    expect(out()).toContain('hang detection off');
  });

  it("keeps the HTTP token and every VITALS_* variable out of the child's environment", async () => {
    host = createHost({
      plugins: [startupPlugin()],
      config: { http: { port: 0, token: 'a-long-secret-token-0123456789' } },
    });
    const command = host.resolveAll<CliCommand>(CLI_COMMAND).find((c) => c.name === 'run')!;
    const log = join(dir, 'env.log');
    const code = await command.run({
      options: { restart: 'never', 'log-file': log },
      positionals: [],
      rest: ['sh', '-c', 'env'],
      host,
      config: host.config,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {
        PATH: process.env.PATH,
        VITALS_HTTP__TOKEN: 'a-long-secret-token-0123456789',
        API_TOKEN_COPY: 'a-long-secret-token-0123456789',
        VITALS_HTTP__PORT: '9477',
        KEEP_ME: 'yes',
      },
      cwd: dir,
      stopSignal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const env = readFileSync(log, 'utf8');
    expect(env).toContain('KEEP_ME=yes');
    expect(env).not.toContain('a-long-secret-token');
    expect(env).not.toMatch(/^VITALS_/m);
  });

  it("leaves V8's heap limit alone without a real memory limit, and sets it from --max-memory", async () => {
    const { command, context, out } = setup([fakes([[V8_TUNER, tuner]])]);
    const cgroup = readCgroupLimits().memoryLimitBytes;
    const log = join(dir, 'none.log');
    expect(
      await command.run(context({ restart: 'never', 'log-file': log }, [fixture('print-env')])),
    ).toBe(7);
    if (cgroup === undefined) {
      expect(out()).toContain(
        "heap limit left at V8's default: no container memory limit and no --max-memory",
      );
      expect(out()).toContain('V8 profile container (no memory limit): --max-semi-space-size=8');
      expect(readFileSync(log, 'utf8')).not.toContain('--max-old-space-size=200');
    } else {
      expect(out()).toContain('from the container memory limit');
    }
    const again = setup([fakes([[V8_TUNER, tuner]])]);
    const sized = join(dir, 'sized.log');
    expect(
      await again.command.run(
        again.context({ restart: 'never', 'max-memory': '256M', 'log-file': sized }, [
          fixture('print-env'),
        ]),
      ),
    ).toBe(7);
    expect(again.out()).toMatch(
      /V8 profile container \(memory limit [\d.]+ MiB from (--max-memory|the container memory limit)\)/,
    );
  });

  it('keeps supervising when the log file cannot be written (a full disk): lines dropped, counted, one warning', async () => {
    const { command, context, out } = setup([]);
    const code = await command.run(
      context({ restart: 'never', 'log-file': '/dev/full' }, [
        'sh',
        '-c',
        'for i in 1 2 3 4 5; do echo line $i; done; exit 4',
      ]),
    );
    expect(code).toBe(4);
    const warnings = out()
      .split('\n')
      .filter((l) => l.includes('cannot write /dev/full'));
    expect(warnings).toEqual([expect.stringContaining('ENOSPC')]);
    expect(out()).toMatch(/([1-9]\d*) line\(s\) of output could not be written to \/dev\/full/);
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
