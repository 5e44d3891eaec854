import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, validateConfig, assertValid, CORE_CONFIG_DEFAULTS } from './config.loader';
import { schemas, z } from './schemas';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string) => {
  fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
};

const monitorSection = {
  name: 'monitor',
  schema: z.strictObject({
    intervalMs: schemas.positiveInt().default(1000),
    window: schemas.duration('10m'),
    maxMemory: schemas.bytes().optional(),
    mode: z.enum(['fast', 'full']).default('full'),
  }),
};

function errorsOf(values: Record<string, unknown>, env: Record<string, string> = {}) {
  write('vitals.config.json', JSON.stringify(values));
  const loaded = loadConfig({ cwd: dir, env });
  return validateConfig(loaded, [monitorSection]).problems.map((p) => p.message);
}

describe('loadConfig', () => {
  it('finds vitals.config.json in cwd and applies defaults', () => {
    write('vitals.config.json', '{"monitor": {"intervalMs": 500}}');
    const loaded = loadConfig({ cwd: dir });
    expect(loaded.file).toBe(path.join(dir, 'vitals.config.json'));
    const { config, sections, problems } = validateConfig(loaded, [monitorSection]);
    expect(problems).toEqual([]);
    expect(sections.get('monitor')).toEqual({ intervalMs: 500, window: 600_000, mode: 'full' });
    expect(config.http).toEqual(CORE_CONFIG_DEFAULTS.http);
    expect(config.http.host).toBe('127.0.0.1');
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('loads a .js config exporting an object', () => {
    const file = write('custom.config.js', 'module.exports = { http: { port: 0 } };');
    const loaded = loadConfig({ file, cwd: dir });
    expect(validateConfig(loaded, []).config.http.port).toBe(0);
  });

  it('applies VITALS_* overrides with __ between path segments', () => {
    write('vitals.config.json', '{"monitor": {"intervalMs": 500}}');
    const loaded = loadConfig({
      cwd: dir,
      env: {
        VITALS_MONITOR__INTERVAL_MS: '250',
        VITALS_HTTP__HOST: '0.0.0.0',
        VITALS_PLUGINS: 'monitor,memory',
        HOME: '/root',
      },
    });
    expect(loaded.values).toMatchObject({
      monitor: { intervalMs: 250 },
      http: { host: '0.0.0.0' },
      plugins: ['monitor', 'memory'],
    });
    expect(loaded.envPaths['monitor.intervalMs']).toBe('VITALS_MONITOR__INTERVAL_MS');
  });

  it('reads VITALS_LOG_FORMAT and the agent variables as what they are, not config keys', () => {
    const loaded = loadConfig({
      cwd: dir,
      env: {
        VITALS_CONFIG: '',
        VITALS_LOG_FORMAT: 'json',
        VITALS_AGENT_TOKEN: 'abc',
        VITALS_AGENT_INTERVAL_MS: '1000',
        VITALS_AGENT__MODE: '"fast"',
        VITALS_NO_SUCH_SETTING: '1',
      },
    });
    // A section called `agent` (two underscores) is still config; an unknown name still warns.
    expect(loaded.values).toEqual({ agent: { mode: 'fast' }, noSuchSetting: 1 });
    expect(validateConfig(loaded, []).problems.map((p) => [p.severity, p.message])).toEqual([
      [
        'warning',
        'VITALS_AGENT__MODE: agent matches no installed plugin and no core setting; it is ignored (check the spelling or install the plugin)',
      ],
      [
        'warning',
        'VITALS_NO_SUCH_SETTING: noSuchSetting matches no installed plugin and no core setting; it is ignored (check the spelling or install the plugin)',
      ],
    ]);
  });

  it('names the environment variable when an override is invalid', () => {
    const loaded = loadConfig({ cwd: dir, env: { VITALS_MONITOR__INTERVAL_MS: 'fast' } });
    expect(validateConfig(loaded, [monitorSection]).problems.map((p) => p.message)).toEqual([
      'VITALS_MONITOR__INTERVAL_MS: monitor.intervalMs must be a positive integer (got "fast")',
    ]);
  });

  it('gives one line for a missing file, broken JSON and a non-object file', () => {
    expect(() => loadConfig({ cwd: dir, file: 'nope.json' })).toThrow(/^nope\.json: no such file/);
    write('bad.json', '{"monitor": ');
    expect(() => loadConfig({ cwd: dir, file: 'bad.json' })).toThrow(
      /^bad\.json: invalid JSON \(.*\); fix the syntax/,
    );
    write('list.json', '[1]');
    expect(() => loadConfig({ cwd: dir, file: 'list.json' })).toThrow(
      'list.json: must hold an object at the top level',
    );
    write('x.yaml', 'a: 1');
    expect(() => loadConfig({ cwd: dir, file: 'x.yaml' })).toThrow(
      'x.yaml: unsupported config file type; use .json, .js or .cjs',
    );
  });
});

describe('validateConfig error lines', () => {
  it.each([
    [
      { monitor: { intervalMs: 'fast' } },
      'vitals.config.json: monitor.intervalMs must be a positive integer (got "fast")',
    ],
    [
      { monitor: { intervalMs: -5 } },
      'vitals.config.json: monitor.intervalMs must be a positive integer (got -5)',
    ],
    [
      { monitor: { intervalMs: 1.5 } },
      'vitals.config.json: monitor.intervalMs must be a positive integer (got 1.5)',
    ],
    [
      { monitor: { window: 'soon' } },
      'vitals.config.json: monitor.window must be a duration such as "30s", "10m" or a number of milliseconds (got "soon")',
    ],
    [
      { monitor: { maxMemory: 'lots' } },
      'vitals.config.json: monitor.maxMemory must be a size such as "512M", "2G" or a number of bytes (got "lots")',
    ],
    [
      { monitor: { mode: 'turbo' } },
      'vitals.config.json: monitor.mode must be one of "fast", "full" (got "turbo")',
    ],
    [
      { monitor: { intervl: 5 } },
      'vitals.config.json: monitor has unknown key "intervl"; remove it or check the spelling',
    ],
    [{ monitor: 5 }, 'vitals.config.json: monitor must be an object (got 5)'],
    [
      { http: { port: 70000 } },
      'vitals.config.json: http.port must be a port number between 0 and 65535 (got 70000)',
    ],
    [
      { http: { token: 'short' } },
      'vitals.config.json: http.token must be at least 16 visible characters without spaces (use a long random string, e.g. `openssl rand -hex 24`) (got 5 characters)',
    ],
    [
      { thresholds: { cpuRatio: 90 } },
      'vitals.config.json: thresholds.cpuRatio must be a ratio between 0 and 1 (e.g. 0.8 for 80 %) (got 90)',
    ],
    [
      { log: { level: 'loud' } },
      'vitals.config.json: log.level must be one of "trace", "debug", "info", "warn", "error", "fatal" (got "loud")',
    ],
    [
      { plugins: 'monitor' },
      'vitals.config.json: plugins must be a list of plugin package names (got "monitor")',
    ],
    [
      { monitr: {} },
      'vitals.config.json: monitr matches no installed plugin and no core setting; it is ignored (check the spelling or install the plugin)',
    ],
  ])('%j gives one line naming the path', (values, line) => {
    const lines = errorsOf(values);
    expect(lines).toEqual([line]);
    expect(line.includes('\n')).toBe(false);
  });

  it('collects every error and assertValid throws them one per line', () => {
    write(
      'vitals.config.json',
      JSON.stringify({ monitor: { intervalMs: 0 }, http: { port: 'x' } }),
    );
    const result = validateConfig(loadConfig({ cwd: dir }), [monitorSection]);
    expect(() => assertValid(result)).toThrow(
      'vitals.config.json: http.port must be a port number between 0 and 65535 (got "x")\n' +
        'vitals.config.json: monitor.intervalMs must be a positive integer (got 0)',
    );
  });

  it('treats an unknown top-level key as a warning, not an error', () => {
    write('vitals.config.json', JSON.stringify({ monitr: {} }));
    const result = validateConfig(loadConfig({ cwd: dir }), [monitorSection]);
    expect(result.problems[0].severity).toBe('warning');
    expect(() => assertValid(result)).not.toThrow();
  });
});
