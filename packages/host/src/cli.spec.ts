import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_USAGE } from './cli';
import { runCli } from './cli.test-util';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[], env: Record<string, string> = {}) => runCli(argv, { cwd: dir, env });

// A third-party plugin written as plain JS, loaded by path: it contributes a CLI command.
const PLUGIN = `
const { CLI_COMMAND } = require('@vitals/core');
exports.greeterPlugin = () => ({
  name: 'greeter',
  register(container, config) {
    container.register(CLI_COMMAND, { useValue: {
      name: 'greet', summary: 'Say hello', options: { name: { type: 'string', description: 'Who' } },
      run(ctx) { ctx.stdout.write('hello ' + (ctx.options.name || config.who || 'world') + '\\n'); return 3; },
    } });
  },
});
`;

function withPlugin(config: Record<string, unknown> = {}) {
  fs.writeFileSync(path.join(dir, 'greeter.js'), PLUGIN);
  fs.writeFileSync(
    path.join(dir, 'vitals.config.json'),
    JSON.stringify({ plugins: ['./greeter.js'], ...config }),
  );
}

describe('vitals CLI', () => {
  it('lists commands that plugins contribute in --help, without host changes', async () => {
    withPlugin();
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}greet +Say hello$/m);
    expect(out).toMatch(/^ {2}start +/m);
    expect(out).toContain('Plugins loaded: greeter');
  });

  it('runs a plugin command with its options and config section, returning its exit code', async () => {
    withPlugin({ greeter: { who: 'config' } });
    expect((await run(['greet'])).out).toBe('hello config\n');
    const { code, out } = await run(['greet', '--name', 'ops']);
    expect(out).toBe('hello ops\n');
    expect(code).toBe(3);
  });

  it('prints the version', async () => {
    const { code, out } = await run(['--version']);
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command and an unknown option with one line each', async () => {
    withPlugin();
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toBe(
      'vitals: unknown command "frobnicate"; run vitals --help to see the commands\n',
    );
    const badOption = await run(['greet', '--loud']);
    expect(badOption.code).toBe(EXIT_USAGE);
    expect(badOption.err.trim().split('\n')).toHaveLength(1);
    expect(badOption.err).toContain("Unknown option '--loud'");
  });

  it('config check prints each problem on one line and exits 1; a clean file exits 0', async () => {
    fs.writeFileSync(
      path.join(dir, 'bad.json'),
      JSON.stringify({ plugins: [], http: { port: 'x' }, historry: {} }),
    );
    const bad = await run(['config', 'check', 'bad.json']);
    expect(bad.code).toBe(1);
    expect(bad.out.trim().split('\n')).toEqual([
      'bad.json: http.port must be a port number between 0 and 65535 (got "x")',
      'warning: bad.json: historry matches no installed plugin and no core setting; it is ignored (check the spelling or install the plugin)',
    ]);
    fs.writeFileSync(
      path.join(dir, 'good.json'),
      JSON.stringify({ plugins: [], http: { port: 0 } }),
    );
    const good = await run(['config', 'check', 'good.json']);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/good\.json: ok/);
  });

  it('refuses to build a host from an invalid config with one line per problem, exit 64, no stack', async () => {
    fs.writeFileSync(
      path.join(dir, 'vitals.config.json'),
      JSON.stringify({ plugins: [], stopTimeoutMs: 'never' }),
    );
    const { code, err } = await run(['start']);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toBe(
      'vitals: vitals.config.json: stopTimeoutMs must be a duration such as "30s", "10m" or a number of milliseconds (got "never")\n',
    );
  });

  it('names a listed plugin that is not installed', async () => {
    fs.writeFileSync(
      path.join(dir, 'vitals.config.json'),
      JSON.stringify({ plugins: ['@acme/not-there'] }),
    );
    const { code, err } = await run(['--help']);
    expect(code).toBe(1);
    expect(err).toContain('plugin "@acme/not-there" is not installed');
    expect(err).toContain('npm install @acme/not-there');
  });
});
