/**
 * Bench helper: the workspace sources as plain JavaScript, so a benchmark's child processes run the
 * code in the tree (not a stale `dist`, and without ts-node's compiler in their heap).
 */
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Transpiles the .ts files (no specs) of `from` into `to` with swc, as the jest preset does. */
export function transpile(from: string, to: string): void {
  const swc = require('@swc/core') as typeof import('@swc/core');
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const out = join(to, name);
    if (statSync(src).isDirectory()) transpile(src, out);
    else if (name.endsWith('.ts') && !/\.(spec|test-util)\.ts$/.test(name)) {
      mkdirSync(dirname(out), { recursive: true });
      const { code } = swc.transformFileSync(src, {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      });
      writeFileSync(out.replace(/\.ts$/, '.js'), code);
    } else if (name.endsWith('.js')) cpSync(src, out);
  }
}

/**
 * Transpiles `packages/<pkg>/src` of each package into `<dir>/<pkg>/src` and links
 * `<dir>/node_modules/@vitals/<pkg>` to it; third-party modules come from the workspace's
 * node_modules (give the child `NODE_PATH=<root>/node_modules`). Returns `<dir>/node_modules`.
 */
export function buildPackages(dir: string, packages: readonly string[]): string {
  for (const pkg of packages) {
    transpile(join(root, 'packages', pkg, 'src'), join(dir, pkg, 'src'));
    cpSync(join(root, 'packages', pkg, 'package.json'), join(dir, pkg, 'package.json'));
    mkdirSync(join(dir, 'node_modules/@vitals', pkg), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules/@vitals', pkg, 'index.js'),
      `module.exports = require('../../../${pkg}/src/index.js');\n`,
    );
  }
  return join(dir, 'node_modules');
}

/** The workspace's node_modules (for NODE_PATH). */
export const WORKSPACE_MODULES = join(root, 'node_modules');
