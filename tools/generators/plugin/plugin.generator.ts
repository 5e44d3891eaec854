import * as path from 'node:path';
import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  names,
  readJson,
  updateJson,
  type Tree,
} from '@nx/devkit';
import type { PluginGeneratorSchema } from './schema';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Names the templates use, derived from the kebab-case plugin name. */
export function templateNames(name: string, scope = '@vitals') {
  const n = names(name);
  return {
    name: n.fileName,
    /** `queueDepth` */
    camel: n.propertyName,
    /** `QueueDepth` */
    pascal: n.className,
    /** `queue_depth`: metric names */
    snake: n.fileName.replace(/-/g, '_'),
    packageName: `${scope}/${n.fileName}`,
  };
}

/**
 * `nx g @vitals/tools:plugin <name>`: a plugin package wired into the workspace — package.json
 * (peer dependencies on core, rxjs, tsyringe, reflect-metadata), project.json (tag type:plugin,
 * build and typecheck targets), tsconfigs, jest and eslint configs, a README, a plugin factory
 * with a config schema, a collector, a health check, a CLI command and a passing spec — and its
 * path alias in tsconfig.base.json. `nx test <name>` and `nx lint <name>` pass right after.
 * @throws Error when the name is not kebab-case or the folder already holds a package
 */
export async function pluginGenerator(
  tree: Tree,
  schema: PluginGeneratorSchema,
): Promise<() => void> {
  if (!NAME.test(schema.name ?? ''))
    throw new Error(`plugin name "${schema.name}" must be kebab-case, e.g. queue-depth`);
  const directory = schema.directory ?? 'packages';
  const t = templateNames(schema.name, schema.scope);
  const root = path.posix.join(directory, t.name);
  if (tree.exists(path.posix.join(root, 'package.json')))
    throw new Error(`${root} already holds a package; pick another name`);
  const version = tree.exists('package.json')
    ? (readJson<{ version?: string }>(tree, 'package.json').version ?? '0.1.0')
    : '0.1.0';
  const toRoot = path.posix.relative(root, '.') || '.';

  addProjectConfiguration(tree, t.name, {
    root,
    sourceRoot: `${root}/src`,
    projectType: 'library',
    tags: ['type:plugin'],
    targets: {
      build: {
        executor: 'nx:run-commands',
        options: { command: `tsc -p ${root}/tsconfig.lib.json` },
      },
      typecheck: {
        executor: 'nx:run-commands',
        options: { command: `tsc -p ${root}/tsconfig.json --noEmit` },
      },
    },
  });
  generateFiles(tree, path.join(__dirname, 'files'), root, {
    ...t,
    version,
    toRoot,
    tmpl: '',
  });
  if (tree.exists('tsconfig.base.json')) {
    updateJson(tree, 'tsconfig.base.json', (json) => {
      const paths: Record<string, string[]> = json.compilerOptions?.paths ?? {};
      paths[t.packageName] = [`./${root}/src/index.ts`];
      json.compilerOptions = {
        ...json.compilerOptions,
        paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
      };
      return json;
    });
  }
  await formatFiles(tree);
  return () => {
    console.log(
      `\n${t.packageName} created in ${root}. Next: npm install (links it into node_modules), then npx nx test ${t.name}.\n`,
    );
  };
}

export default pluginGenerator;
