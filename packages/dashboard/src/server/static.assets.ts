import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** One file of the page, held in memory. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** Files larger than this are not served (the whole page is about 100 KB). */
const MAX_FILE_BYTES = 4 << 20;

/**
 * Where the built page lives: `dist/public` beside the compiled plugin, or, when the plugin runs
 * from its TypeScript sources (tests), the package's `dist/public`. Undefined when not built.
 */
export function findAssetsDir(from: string = __dirname): string | undefined {
  // dist/server → dist/public; src/server → ../dist/public (src/public holds only the sources).
  for (const dir of [join(from, '..', 'public'), join(from, '..', '..', 'dist', 'public')]) {
    if (existsSync(join(dir, 'page', 'app.js'))) return dir;
  }
  return undefined;
}

/**
 * Reads every servable file under `dir` (by extension, no dotfiles, no symbolic links followed)
 * into memory once, keyed by its `/`-separated path relative to `dir`. Requests are answered from
 * this map only, so no request path ever reaches the filesystem.
 */
export function loadAssets(dir: string): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string, depth: number): void => {
    if (depth > 4) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(path, depth + 1);
        continue;
      }
      const type = TYPES[extname(entry.name)];
      if (!entry.isFile() || !type || statSync(path).size > MAX_FILE_BYTES) continue;
      const body = readFileSync(path);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      assets.set(relative(dir, path).split(sep).join('/'), { body, type, etag });
    }
  };
  walk(dir, 0);
  return assets;
}
