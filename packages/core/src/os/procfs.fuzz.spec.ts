import fc from 'fast-check';
import { createFakeTree } from './__fixtures__/fake-tree.test-util';
import type { FakeTree } from './__fixtures__/fake-tree.test-util';
import { FUZZ_RUNS, kernelText, nanPaths } from './__fixtures__/kernel-text.test-util';
import { readCmdline, readProcLimits, readProcStat, readProcStatus } from './procfs';

describe('procfs readers (fuzz)', () => {
  let tree: FakeTree;
  beforeAll(() => (tree = createFakeTree('vitals-fuzz-procfs-')));
  afterAll(() => tree.remove());

  it('never throw on garbage and never return NaN: stat, status, limits, cmdline', () => {
    fc.assert(
      fc.property(kernelText, kernelText, kernelText, kernelText, (stat, status, limits, cmd) => {
        tree.write('7/stat', stat);
        tree.write('7/status', status);
        tree.write('7/limits', limits);
        tree.write('7/cmdline', cmd);
        const parsed = readProcStat(7, tree.root);
        expect(nanPaths(parsed)).toEqual([]);
        if (parsed) expect(Number.isFinite(parsed.numThreads)).toBe(true);
        const st = readProcStatus(7, tree.root);
        expect(st).toBeDefined();
        for (const v of Object.values(st ?? {})) expect(typeof v).toBe('string');
        const lim = readProcLimits(7, tree.root);
        expect(nanPaths(lim)).toEqual([]);
        for (const l of Object.values(lim ?? {})) expect(l.soft >= 0 && l.hard >= 0).toBe(true);
        expect(Array.isArray(readCmdline(7, tree.root))).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('keeps a status key named __proto__ as data, not as the prototype', () => {
    tree.write('8/status', '__proto__:\tx\nName:\tnode\n');
    const status = readProcStatus(8, tree.root);
    expect(status?.Name).toBe('node');
    expect(Object.getPrototypeOf(status)).toBeNull();
  });

  it('rejects a stat whose numeric fields are not numbers (undefined, not NaN)', () => {
    tree.write('9/stat', `9 (node) S x 1 1 ${'y '.repeat(40)}`);
    expect(readProcStat(9, tree.root)).toBeUndefined();
  });
});
