import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// `nx g @vitals/tools:plugin` for real, in a copy of the workspace's top level (the generator
// must not write into the checkout CI is testing), then the generated package's spec, lint and
// type check exactly as generated.
const ROOT = path.resolve(__dirname, '../../..');
const TOP = [
  'package.json',
  'nx.json',
  'tsconfig.base.json',
  'jest.preset.js',
  'eslint.config.mjs',
];
const TOOLS = ['package.json', 'project.json', 'generators.json', 'index.ts', 'tsconfig.json'];

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 150_000,
    env: {
      ...process.env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      CI: 'true',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    },
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('nx g @vitals/tools:plugin', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-gen-'));
    for (const f of [...TOP, '.prettierrc.json'])
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    fs.mkdirSync(path.join(dir, 'tools'));
    for (const f of TOOLS) fs.copyFileSync(path.join(ROOT, 'tools', f), path.join(dir, 'tools', f));
    fs.cpSync(path.join(ROOT, 'tools/generators'), path.join(dir, 'tools/generators'), {
      recursive: true,
    });
    fs.cpSync(path.join(ROOT, 'packages/core'), path.join(dir, 'packages/core'), {
      recursive: true,
      filter: (src) => !src.includes('node_modules'),
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a plugin whose spec, lint, type check and formatting pass without edits', () => {
    const nx = path.join(ROOT, 'node_modules/.bin/nx');
    const gen = run(nx, ['g', '@vitals/tools:plugin', 'queue-depth', '--no-interactive'], dir);
    expect(gen.out).toContain('CREATE packages/queue-depth/src/queue-depth.plugin.spec.ts');
    expect(gen.code).toBe(0);
    const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);
    const pkg = 'packages/queue-depth';
    const test = run(bin('jest'), ['-c', `${pkg}/jest.config.js`], dir);
    expect(test.out).toMatch(/Tests:\s+2 passed, 2 total/);
    expect(test.code).toBe(0);
    const lint = run(bin('eslint'), [pkg], dir);
    expect(lint.out.trim()).toBe('');
    expect(lint.code).toBe(0);
    const tsc = run(bin('tsc'), ['-p', `${pkg}/tsconfig.json`, '--noEmit'], dir);
    expect(tsc.out.trim()).toBe('');
    expect(tsc.code).toBe(0);
    const format = run(bin('prettier'), ['--check', pkg, 'tsconfig.base.json'], dir);
    expect(format.code).toBe(0);
  }, 300_000);
});
