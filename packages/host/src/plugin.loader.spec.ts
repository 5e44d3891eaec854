import { loadPlugins } from './plugin.loader';

const plugin = (name: string) => () => ({ name, register: () => undefined });

function requireFrom(modules: Record<string, unknown>, errors: Record<string, Error> = {}) {
  return (id: string) => {
    if (errors[id]) throw errors[id];
    if (id in modules) return modules[id];
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  };
}

describe('loadPlugins', () => {
  it('loads every installed first-party plugin and skips missing ones when none are listed', () => {
    const requireFn = requireFrom({
      '@vitals/monitor': { monitorPlugin: plugin('monitor') },
      '@vitals/process': { processPlugin: plugin('process') },
    });
    const loaded = loadPlugins(undefined, { cwd: '/', requireFn });
    expect(loaded.map((p) => [p.id, p.plugin.name])).toEqual([
      ['monitor', 'monitor'],
      ['process', 'process'],
    ]);
  });

  it('finds the factory as <name>Plugin, default or plugin; paths resolve against cwd', () => {
    const requireFn = requireFrom({
      '@acme/vitals-job-queue': { jobQueuePlugin: plugin('queue') },
      '/srv/app/plugins/x.js': { default: plugin('x') },
      '@vitals/monitor': { plugin: plugin('monitor') },
    });
    const loaded = loadPlugins(['@acme/vitals-job-queue', './plugins/x.js', 'monitor'], {
      cwd: '/srv/app',
      requireFn,
    });
    expect(loaded.map((p) => p.plugin.name)).toEqual(['queue', 'x', 'monitor']);
  });

  it('says a listed plugin is not installed, one not built, and one without a factory, in one line each', () => {
    expect(() => loadPlugins(['memory'], { cwd: '/', requireFn: requireFrom({}) })).toThrow(
      'plugin "memory" is not installed (no module @vitals/memory); run npm install @vitals/memory or remove it from "plugins"',
    );
    const unbuilt = Object.assign(
      new Error(
        'Cannot find module \'/w/node_modules/@vitals/memory/dist/index.js\'. Please verify that the package.json has a valid "main" entry',
      ),
      { code: 'MODULE_NOT_FOUND' },
    );
    expect(() =>
      loadPlugins(undefined, {
        cwd: '/',
        requireFn: requireFrom({}, { '@vitals/memory': unbuilt }),
      }),
    ).toThrow(
      'plugin "memory" is installed but not built (its dist is missing); run npm run build in the workspace',
    );
    expect(() =>
      loadPlugins(['monitor'], {
        cwd: '/',
        requireFn: requireFrom({ '@vitals/monitor': { x: 1 } }),
      }),
    ).toThrow(
      'module @vitals/monitor exports no plugin factory; export monitorPlugin(), default or plugin',
    );
  });
});
