#!/usr/bin/env node
// Scaffolds a Vitals package: `node tools/generators/new-package.js <name> [--type plugin|core|host]`.
// It writes package.json (exports map, @vitals/core as a peer), project.json (tags for module
// boundaries, tsc build to packages/<name>/dist), tsconfigs, jest and eslint configs, a README and
// a minimal plugin factory, then adds the path alias to tsconfig.base.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [name, ...rest] = process.argv.slice(2);
const type = rest.includes('--type') ? rest[rest.indexOf('--type') + 1] : 'plugin';
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error(
    'usage: node tools/generators/new-package.js <kebab-name> [--type plugin|core|host]',
  );
  process.exit(64);
}
const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'packages', name);
if (fs.existsSync(path.join(dir, 'package.json'))) {
  console.error(`packages/${name} already exists; pick another name`);
  process.exit(1);
}
const camel = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const pascal = camel[0].toUpperCase() + camel.slice(1);
const version = require(path.join(root, 'package.json')).version;

const write = (file, content) => {
  const target = path.join(dir, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (!fs.existsSync(target)) fs.writeFileSync(target, content);
};
const json = (value) => JSON.stringify(value, null, 2) + '\n';

const peers =
  type === 'core'
    ? {}
    : {
        '@vitals/core': version,
        'reflect-metadata': '^0.2.2',
        rxjs: '^7.8.0',
        tsyringe: '^4.10.0',
      };
write(
  'package.json',
  json({
    name: `@vitals/${name}`,
    version,
    description: `Vitals ${name}`,
    license: 'MIT',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist', 'README.md'],
    ...(Object.keys(peers).length ? { peerDependencies: peers } : {}),
  }),
);
write(
  'project.json',
  json({
    name,
    $schema: '../../node_modules/nx/schemas/project-schema.json',
    sourceRoot: `packages/${name}/src`,
    projectType: 'library',
    tags: [`type:${type}`],
    targets: {
      build: {
        executor: 'nx:run-commands',
        options: { command: `tsc -p packages/${name}/tsconfig.lib.json` },
      },
    },
  }),
);
write(
  'tsconfig.json',
  json({
    extends: '../../tsconfig.base.json',
    include: ['src/**/*.ts'],
    compilerOptions: { types: ['node', 'jest'] },
  }),
);
// The build resolves @vitals/* through node_modules (the workspace links), so a package compiles
// against its dependencies' built .d.ts instead of pulling their sources into its own dist.
write(
  'tsconfig.lib.json',
  json({
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', paths: {}, types: ['node'] },
    include: ['src/**/*.ts'],
    exclude: ['src/**/*.spec.ts', 'src/**/*.test-util.ts'],
  }),
);
write(
  'jest.config.js',
  `module.exports = {\n  displayName: '${name}',\n  preset: '../../jest.preset.js',\n};\n`,
);
write(
  'eslint.config.mjs',
  `import baseConfig from '../../eslint.config.mjs';\n\nexport default [...baseConfig];\n`,
);
if (type === 'plugin') {
  write(
    `src/${name}.plugin.ts`,
    `import type { Plugin } from '@vitals/core';

/** Options of the ${name} plugin. */
export interface ${pascal}Options {}

/**
 * The ${name} plugin.
 * @example createHost({ plugins: [${camel}Plugin()] })
 */
export function ${camel}Plugin(options: ${pascal}Options = {}): Plugin<${pascal}Options> {
  return {
    name: '${name}',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
`,
  );
  write(
    'src/index.ts',
    `export { ${camel}Plugin } from './${name}.plugin';\nexport type { ${pascal}Options } from './${name}.plugin';\n`,
  );
}
write(
  'README.md',
  `# @vitals/${name}\n\nWhat it is for.\n\n## Install\n\n\`\`\`sh\nnpm install @vitals/core @vitals/${name}\n\`\`\`\n\n## Example\n\n## API\n\n## Config\n`,
);

const tsconfigPath = path.join(root, 'tsconfig.base.json');
const tsconfig = JSON.parse(fs.readFileSync(tsconfigPath, 'utf8'));
tsconfig.compilerOptions.paths[`@vitals/${name}`] = [`./packages/${name}/src/index.ts`];
tsconfig.compilerOptions.paths = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).sort(([a], [b]) => a.localeCompare(b)),
);
fs.writeFileSync(tsconfigPath, json(tsconfig));
console.log(`created packages/${name} (type:${type}); run npm install to link it`);
