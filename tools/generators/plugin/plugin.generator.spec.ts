import { readJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { pluginGenerator, templateNames } from './plugin.generator';

// Prettier 3 loads by dynamic import, which jest's CommonJS sandbox refuses: format in real runs
// only (the e2e generator test checks the formatted output with prettier --check).
beforeAll(() => {
  process.env['NX_SKIP_FORMAT'] = 'true';
});
afterAll(() => {
  delete process.env['NX_SKIP_FORMAT'];
});

describe('pluginGenerator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write(
      'package.json',
      JSON.stringify({ name: 'ws', version: '1.2.3', devDependencies: { prettier: '3.10.1' } }),
    );
    // The workspace formats with prettier; the empty workspace comes configured for oxfmt.
    tree.delete('.oxfmtrc.json');
    tree.write('.prettierrc.json', JSON.stringify({ singleQuote: true, printWidth: 100 }));
    tree.write(
      'tsconfig.base.json',
      JSON.stringify({ compilerOptions: { paths: { '@vitals/core': ['x'] } } }),
    );
  });

  it('writes a plugin package wired into the workspace', async () => {
    await pluginGenerator(tree, { name: 'queue-depth' });
    const root = 'packages/queue-depth';
    for (const file of [
      'package.json',
      'project.json',
      'tsconfig.json',
      'tsconfig.lib.json',
      'jest.config.js',
      'eslint.config.mjs',
      'README.md',
      'src/index.ts',
      'src/queue-depth.plugin.ts',
      'src/queue-depth.options.ts',
      'src/queue-depth.collector.ts',
      'src/queue-depth.check.ts',
      'src/queue-depth.command.ts',
      'src/queue-depth.plugin.spec.ts',
    ]) {
      expect(tree.exists(`${root}/${file}`)).toBe(true);
    }
    const pkg = readJson(tree, `${root}/package.json`);
    expect(pkg).toMatchObject({
      name: '@vitals/queue-depth',
      version: '1.2.3',
      peerDependencies: { '@vitals/core': '^1.2.3', rxjs: '^7.8.0', tsyringe: '^4.10.0' },
    });
    const project = readProjectConfiguration(tree, 'queue-depth');
    expect(project.tags).toEqual(['type:plugin']);
    expect(Object.keys(project.targets ?? {})).toEqual(['build', 'typecheck']);
    expect(readJson(tree, 'tsconfig.base.json').compilerOptions.paths).toEqual({
      '@vitals/core': ['x'],
      '@vitals/queue-depth': ['./packages/queue-depth/src/index.ts'],
    });
    const plugin = tree.read(`${root}/src/queue-depth.plugin.ts`, 'utf8') ?? '';
    expect(plugin).toContain('export function queueDepthPlugin(');
    expect(plugin).toMatch(/COLLECTOR[^]*HEALTH_CHECK[^]*CLI_COMMAND/);
    expect(tree.read(`${root}/src/queue-depth.collector.ts`, 'utf8')).toContain(
      "uptime: 'vitals_queue_depth_uptime_seconds'",
    );
    expect(tree.read(`${root}/jest.config.js`, 'utf8')).toContain("preset: '../../jest.preset.js'");
  });

  it('refuses a name that is not kebab-case, and an existing package', async () => {
    await expect(pluginGenerator(tree, { name: 'Queue_Depth' })).rejects.toThrow(
      'plugin name "Queue_Depth" must be kebab-case, e.g. queue-depth',
    );
    await pluginGenerator(tree, { name: 'queue' });
    await expect(pluginGenerator(tree, { name: 'queue' })).rejects.toThrow(
      'packages/queue already holds a package; pick another name',
    );
  });

  it('derives every name the templates use', () => {
    expect(templateNames('queue-depth')).toEqual({
      name: 'queue-depth',
      camel: 'queueDepth',
      pascal: 'QueueDepth',
      snake: 'queue_depth',
      packageName: '@vitals/queue-depth',
    });
  });
});
