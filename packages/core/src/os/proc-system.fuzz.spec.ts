import fc from 'fast-check';
import { createFakeTree } from './__fixtures__/fake-tree.test-util';
import type { FakeTree } from './__fixtures__/fake-tree.test-util';
import { FUZZ_RUNS, kernelText, nanPaths } from './__fixtures__/kernel-text.test-util';
import { bootTimeMs, readCpuTimes, readLoadavg, readMeminfo } from './proc-system';

describe('machine-wide /proc readers (fuzz)', () => {
  let tree: FakeTree;
  beforeAll(() => (tree = createFakeTree('vitals-fuzz-system-')));
  afterAll(() => tree.remove());

  it('never throw on garbage and never return NaN: meminfo, stat, loadavg, btime', () => {
    let run = 0;
    fc.assert(
      fc.property(kernelText, kernelText, kernelText, (meminfo, stat, loadavg) => {
        // A fresh root per run: bootTimeMs caches per root.
        const root = `${tree.root}/${run++}`;
        tree.write(`${run - 1}/meminfo`, meminfo);
        tree.write(`${run - 1}/stat`, stat);
        tree.write(`${run - 1}/loadavg`, loadavg);
        const mem = readMeminfo(root);
        expect(nanPaths(mem)).toEqual([]);
        for (const v of Object.values(mem)) expect(Number.isFinite(v)).toBe(true);
        expect(nanPaths(readCpuTimes(root))).toEqual([]);
        const load = readLoadavg(root);
        expect(load).toHaveLength(3);
        for (const v of load) expect(Number.isFinite(v) && v >= 0).toBe(true);
        expect(Number.isFinite(bootTimeMs(root))).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('falls back to os.loadavg() for a loadavg that is not three numbers', () => {
    tree.write('bad/loadavg', 'abc def ghi 1/2 3\n');
    for (const v of readLoadavg(`${tree.root}/bad`)) expect(Number.isFinite(v)).toBe(true);
  });
});
