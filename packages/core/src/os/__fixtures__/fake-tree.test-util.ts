import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away directory tree for the /proc and cgroup readers' specs. */
export interface FakeTree {
  root: string;
  /** Writes `content` at `relPath`, creating parent directories. */
  write(relPath: string, content: string): void;
  /** Creates an (empty) directory. */
  mkdir(relPath: string): void;
  remove(): void;
}

/** Makes a fresh tree under the OS temp dir; call `remove()` in `afterEach`. */
export function createFakeTree(prefix = 'vitals-os-'): FakeTree {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    write(relPath, content) {
      const file = join(root, relPath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
    mkdir(relPath) {
      mkdirSync(join(root, relPath), { recursive: true });
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
