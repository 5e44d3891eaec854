import { PassThrough } from 'node:stream';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CLI_COMMAND, DIAGNOSTICS, HEALTH_CHECK, createHost } from '@vitals/core';
import type { CliCommand, CliContext, HealthCheck, HostHandle, Plugin } from '@vitals/core';
import { EXIT_USAGE } from './diagnose.command';
import { diagnosticsPlugin } from './diagnostics.plugin';
import { exitCodeOf, REPORT_SCHEMA_VERSION } from './report.json';

/** Runs `vitals diagnose` with these options; returns exit code, stdout and stderr. */
async function diagnose(
  host: HostHandle,
  options: CliContext['options'],
  tty = false,
  env: CliContext['env'] = { NODE_ENV: 'production', NODE_OPTIONS: '' },
) {
  const command = host.resolveAll<CliCommand>(CLI_COMMAND).find((c) => c.name === 'diagnose')!;
  const stdout = Object.assign(new PassThrough(), { isTTY: tty });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await command.run({
    options,
    positionals: [],
    rest: [],
    host,
    config: host.config,
    stdout,
    stderr,
    env,
    cwd: process.cwd(),
    stopSignal: new AbortController().signal,
  });
  return { code, out, err };
}

const withFinding = (severity: 'ok' | 'warning' | 'critical'): Plugin => ({
  name: 'probe',
  register(container) {
    const check: HealthCheck = {
      name: 'probe',
      area: 'custom',
      run: () => [
        {
          check: 'probe',
          severity,
          message: `probe ${severity}`,
          recommendation: 'do the thing',
          data: { figure: '42 things' },
        },
      ],
    };
    container.register(HEALTH_CHECK, { useValue: check });
  },
});

describe('diagnose command', () => {
  let host: HostHandle;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await host.stop();
  });

  const make = (...plugins: Plugin[]) =>
    (host = createHost({
      plugins: [
        diagnosticsPlugin({ eventLoopSampleMs: 1, pidSampleMs: 200, sampleIntervalMs: 100 }),
        ...plugins,
      ],
    }));

  it('prints a report grouped by area, without colour off a TTY, and exits by the worst severity', async () => {
    make(withFinding('critical'));
    const { code, out } = await diagnose(host, {});
    expect(code).toBe(2);
    expect(out).not.toContain('\x1b[');
    expect(out).toMatch(/^Vitals diagnosis of pid \d+ \(this process\)/);
    const areas = out.split('\n').filter((l) => /^[A-Z]+$/.test(l));
    expect(areas.slice(0, 6)).toEqual([
      'MEMORY',
      'CPU',
      'DISK',
      'PROCESS',
      'RUNTIME',
      'ENVIRONMENT',
    ]);
    expect(areas).toContain('CUSTOM');
    expect(out).toMatch(/CRITICAL probe +probe critical\n +figure: 42 things\n +do: do the thing/);
  });

  it('escapes control characters of outside text in the human report, keeps them in JSON', async () => {
    const forged: Plugin = {
      name: 'forged',
      register(container) {
        const check: HealthCheck = {
          name: 'dup\x1b]0;x\x07',
          area: 'custom',
          run: () => [
            {
              check: 'dup',
              severity: 'warning',
              message: 'node bot.js\n  ok       fake     all good\x1b[2J',
              recommendation: 'kill \u202eevil',
            },
          ],
        };
        container.register(HEALTH_CHECK, { useValue: check });
      },
    };
    make(forged);
    const { out } = await diagnose(host, {});
    expect(out).toContain('node bot.js\\n  ok       fake     all good\\x1b[2J');
    expect(out).toContain('do: kill \\u202eevil');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
    const json = await diagnose(host, { json: true });
    const doc = JSON.parse(json.out);
    expect(doc.findings.find((f: { check: string }) => f.check === 'dup').message).toBe(
      'node bot.js\n  ok       fake     all good\x1b[2J',
    );
  });

  it('colours severities on a TTY', async () => {
    make(withFinding('warning'));
    const { out } = await diagnose(host, {}, true);
    expect(out).toContain('\x1b[33mWARNING');
    const plain = await diagnose(host, {}, true, { NO_COLOR: '1' });
    expect(plain.out).toContain('WARNING');
    expect(plain.out).not.toContain('\x1b[');
  });

  it('prints one JSON document with the documented schema', async () => {
    make(withFinding('warning'));
    const { code, out } = await diagnose(host, { json: true });
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual([
      'version',
      'at',
      'durationMs',
      'target',
      'windowMs',
      'samples',
      'severity',
      'exitCode',
      'summary',
      'findings',
      'collectorFailures',
    ]);
    expect(doc).toMatchObject({
      version: REPORT_SCHEMA_VERSION,
      exitCode: code,
      target: { pid: process.pid, self: true },
    });
    expect(doc.findings.find((f: { check: string }) => f.check === 'probe')).toEqual({
      check: 'probe',
      area: 'custom',
      severity: 'warning',
      message: 'probe warning',
      figure: '42 things',
      recommendation: 'do the thing',
      data: {},
    });
    expect(doc.summary.warning).toBeGreaterThanOrEqual(1);
  });

  it('diagnoses a real child with --pid', async () => {
    make();
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((r) => child!.once('spawn', r));
    const { out } = await diagnose(host, { pid: String(child.pid), json: true });
    const doc = JSON.parse(out);
    expect(doc.target).toMatchObject({ pid: child.pid, self: false });
    expect(doc.samples).toBeGreaterThanOrEqual(2);
    expect(doc.findings.map((f: { check: string }) => f.check)).toContain('threads');
  });

  it.each([
    [{ pid: '999999999' }, 2, /^vitals diagnose: no process with pid 999999999/],
    [{ pid: 'abc' }, EXIT_USAGE, /^vitals diagnose: --pid "abc" is not a pid/],
    [{ pid: '-3' }, EXIT_USAGE, /^vitals diagnose: --pid "-3" is not a pid/],
    [{ pid: '0x10' }, EXIT_USAGE, /^vitals diagnose: --pid "0x10" is not a pid/],
    [{ pid: '12\u001b[2J' }, EXIT_USAGE, /^vitals diagnose: --pid "12\\u001b\[2J" is not a pid/],
    [{ pid: '' }, EXIT_USAGE, /^vitals diagnose: --pid "" is not a pid/],
    [{ watch: 'soon' }, EXIT_USAGE, /^vitals diagnose: --watch "soon" is not a duration/],
    [{ watch: '0' }, EXIT_USAGE, /^vitals diagnose: --watch "0" is not a duration/],
  ])('answers %j with exit code %d and one line on stderr', async (options, exit, message) => {
    make();
    const { code, out, err } = await diagnose(host, options);
    expect(code).toBe(exit);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it("reports on another user's process with what /proc shows everyone, and says what it cannot read", async () => {
    // As root: a child running as nobody diagnoses this (root's) process through the built CLI
    // command. As another user already: this process diagnoses pid 1 (root's) in process.
    make();
    const asRoot = process.getuid?.() === 0;
    let result: { code: number; out: string; err: string };
    let target: number;
    if (asRoot) {
      target = process.pid;
      const script = `
        const { createHost, CLI_COMMAND } = require('@vitals/core');
        const { diagnosticsPlugin } = require('@vitals/diagnostics');
        const { PassThrough } = require('node:stream');
        (async () => {
          const host = createHost({ plugins: [diagnosticsPlugin({ pidSampleMs: 200, sampleIntervalMs: 100 })] });
          const cmd = host.resolveAll(CLI_COMMAND).find((c) => c.name === 'diagnose');
          let out = '', err = '';
          const stdout = new PassThrough(); stdout.on('data', (d) => (out += d));
          const stderr = new PassThrough(); stderr.on('data', (d) => (err += d));
          const code = await cmd.run({ options: { pid: process.argv[1], json: true }, positionals: [], rest: [],
            host, config: host.config, stdout, stderr, env: {}, cwd: process.cwd(), stopSignal: new AbortController().signal });
          await host.stop();
          process.stdout.write(JSON.stringify({ code, out, err }));
        })();`;
      const run = spawnSync(process.execPath, ['-e', script, String(target)], {
        uid: 65534,
        gid: 65534,
        cwd: join(__dirname, '../../..'),
        timeout: 30_000,
      });
      result = JSON.parse(run.stdout.toString());
    } else {
      target = 1;
      const run = await diagnose(host, { pid: '1', json: true });
      result = { ...run, code: run.code ?? 0 };
    }
    expect([0, 1, 2]).toContain(result.code);
    expect(result.err).toBe('');
    const doc = JSON.parse(result.out);
    expect(doc.target).toMatchObject({ pid: target, self: false });
    const find = (check: string) => doc.findings.find((f: { check: string }) => f.check === check);
    expect(find('fds')).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(
        new RegExp(`^pid ${target} .*: cannot read /proc/${target}/fd$`),
      ),
    });
    expect(find('environment')?.severity).toBe('info');
    expect(find('threads')?.data.threads).toBeGreaterThan(0);
  }, 40_000);

  it('maps severities to exit codes', () => {
    make();
    expect([
      exitCodeOf('ok'),
      exitCodeOf('info'),
      exitCodeOf('warning'),
      exitCodeOf('critical'),
    ]).toEqual([0, 0, 1, 2]);
  });

  it('provides a DiagnosticsService for startup', async () => {
    make(withFinding('ok'));
    const report = await host.container
      .resolve<{ run(): Promise<{ severity: string; findings: unknown[] }> }>(DIAGNOSTICS)
      .run();
    expect(report.findings.length).toBeGreaterThan(10);
    expect(['ok', 'info', 'warning', 'critical']).toContain(report.severity);
  });
});
