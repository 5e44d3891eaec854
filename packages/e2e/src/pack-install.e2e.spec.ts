import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

// "Install only what you need": each public package packs alone, its tarball names every package
// its built code requires, and two custom hosts run in an empty project outside the workspace
// with only the packages they need (plus the peers, from the npm cache: --prefer-offline).
const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(ROOT, 'examples/install');

interface PackageJson {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packages = fs
  .readdirSync(path.join(ROOT, 'packages'))
  .map((dir) => ({ dir: path.join(ROOT, 'packages', dir) }))
  .filter(({ dir }) => fs.existsSync(path.join(dir, 'package.json')))
  .map(({ dir }) => ({
    dir,
    json: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson,
  }))
  .filter((p) => !p.json.private);

let packDir: string;
const tarballs = new Map<string, { file: string; files: string[] }>();

function npm(args: string[], cwd: string) {
  return spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: 150_000,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
}

/** Bare package names `require`d by the built JS files of a package. */
function requiredPackages(dir: string): Set<string> {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js'))
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
          const id = m[1];
          if (id.startsWith('node:') || builtinModules.includes(id)) continue;
          found.add(id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);
        }
    }
  };
  walk(path.join(dir, 'dist'));
  return found;
}

beforeAll(() => {
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-pack-'));
  for (const p of packages) {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
      cwd: p.dir,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    tarballs.set(p.json.name, {
      file: path.join(packDir, info.filename),
      files: info.files.map((f) => f.path),
    });
  }
}, 120_000);
afterAll(() => fs.rmSync(packDir, { recursive: true, force: true }));

describe('npm pack of every public package', () => {
  it.each(packages.map((p) => [p.json.name, p] as const))(
    '%s: a tarball of built code that declares every package it requires',
    (name, p) => {
      const { files } = tarballs.get(name)!;
      expect(files).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(files.filter((f) => f.startsWith('src/') || f.includes('.spec.'))).toEqual([]);
      const declared = new Set([
        ...Object.keys(p.json.dependencies ?? {}),
        ...Object.keys(p.json.peerDependencies ?? {}),
      ]);
      const missing = [...requiredPackages(p.dir)].filter((id) => id !== name && !declared.has(id));
      expect(missing).toEqual([]);
      // Never into another package's sources or build folder: only its public entry.
      for (const id of requiredPackages(p.dir)) expect(id).not.toMatch(/\/(src|dist)\b/);
      const core = p.json.peerDependencies?.['@vitals/core'];
      if (name !== '@vitals/core' && name !== '@vitals/host')
        expect(core).toMatch(/^\^0\.\d+\.\d+$/);
    },
  );
});

describe('a custom host in an empty project outside the workspace', () => {
  let project: string;
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-install-'));
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'probe', version: '1.0.0', private: true }),
    );
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  function install(names: string[]) {
    const r = npm(
      [
        'install',
        '--prefer-offline',
        '--no-package-lock',
        ...names.map((n) => tarballs.get(n)!.file),
        'rxjs@^7.8.0',
        'tsyringe@^4.10.0',
        'reflect-metadata@^0.2.2',
      ],
      project,
    );
    expect(r.stderr).not.toMatch(/ERR!/);
    expect(r.status).toBe(0);
    const installed = fs.readdirSync(path.join(project, 'node_modules/@vitals')).sort();
    expect(installed).toEqual(names.map((n) => n.replace('@vitals/', '')).sort());
  }

  function runExample(file: string) {
    fs.copyFileSync(path.join(EXAMPLES, file), path.join(project, file));
    return spawnSync(process.execPath, [file], {
      cwd: project,
      encoding: 'utf8',
      timeout: 90_000,
      env: { PATH: process.env.PATH ?? '' },
    });
  }

  it('core + memory: a ten-line host detects a deliberate leak', () => {
    install(['@vitals/core', '@vitals/memory']);
    const r = runExample('leak-host.js');
    expect(r.stdout).toMatch(/^LEAK leak suspected in JS heap .*\+[\d.]+ MB\/h/m);
    expect(r.status).toBe(0);
  }, 240_000);

  it('core + monitor + prometheus: /metrics answers in the Prometheus text format', () => {
    install(['@vitals/core', '@vitals/monitor', '@vitals/prometheus']);
    const r = runExample('metrics-host.js');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# TYPE process_resident_memory_bytes gauge$/m);
    expect(r.stdout).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    expect(r.stdout).toMatch(/^node_memory_MemAvailable_bytes \d+/m);
  }, 240_000);
});
