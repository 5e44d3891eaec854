import fc from 'fast-check';
import { createFakeTree } from './__fixtures__/fake-tree.test-util';
import type { FakeTree } from './__fixtures__/fake-tree.test-util';
import { FUZZ_RUNS, kernelText } from './__fixtures__/kernel-text.test-util';
import { filesystemUsage, readMounts, realFilesystems } from './mounts';

describe('mount table readers (fuzz)', () => {
  let tree: FakeTree;
  beforeAll(() => (tree = createFakeTree('vitals-fuzz-mounts-')));
  afterAll(() => tree.remove());

  it('never throw on a garbage mount table; every mount has a mount point and a type', () => {
    fc.assert(
      fc.property(kernelText, (text) => {
        tree.write('3/mounts', text);
        const mounts = readMounts({ procRoot: tree.root, pid: 3 });
        for (const m of mounts) {
          expect(m.mountpoint.length).toBeGreaterThan(0);
          expect(m.fstype.length).toBeGreaterThan(0);
        }
        expect(realFilesystems(mounts).length).toBeLessThanOrEqual(mounts.length);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('gives undefined or finite figures for any statfs answer, never NaN', () => {
    const n = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, -1, 0));
    fc.assert(
      fc.property(fc.tuple(n, n, n, n, n, n), ([bsize, blocks, bfree, bavail, files, ffree]) => {
        const usage = filesystemUsage('/x', () => ({ bsize, blocks, bfree, bavail, files, ffree }));
        if (usage === undefined) return;
        for (const v of Object.values(usage)) expect(Number.isNaN(v)).toBe(false);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
