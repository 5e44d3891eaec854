import { join } from 'node:path';
import fc from 'fast-check';
import { createFakeTree } from './__fixtures__/fake-tree.test-util';
import type { FakeTree } from './__fixtures__/fake-tree.test-util';
import { FUZZ_RUNS, kernelText, nanPaths } from './__fixtures__/kernel-text.test-util';
import { readCgroupLimits } from './cgroup';

const FILES_V2 = [
  'memory.max',
  'memory.current',
  'memory.stat',
  'memory.swap.max',
  'cpu.max',
  'cpu.stat',
];
const FILES_V1_MEM = [
  'memory.limit_in_bytes',
  'memory.usage_in_bytes',
  'memory.stat',
  'memory.memsw.limit_in_bytes',
];
const FILES_V1_CPU = ['cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.stat'];

/** Every number of a CgroupLimits is a finite, non-negative figure (or absent). */
function expectSane(limits: ReturnType<typeof readCgroupLimits>): void {
  expect(nanPaths(limits)).toEqual([]);
  for (const [k, v] of Object.entries(limits)) {
    if (typeof v === 'number' && k !== 'version') expect(Number.isFinite(v) && v >= 0).toBe(true);
  }
}

describe('readCgroupLimits (fuzz)', () => {
  let tree: FakeTree;
  beforeAll(() => (tree = createFakeTree('vitals-fuzz-cgroup-')));
  afterAll(() => tree.remove());
  const read = () =>
    readCgroupLimits({
      cgroupRoot: join(tree.root, 'cg'),
      procRoot: join(tree.root, 'proc'),
      pid: 5,
    });

  it('never throws on a garbage /proc/<pid>/cgroup and stays inside the mount', () => {
    fc.assert(
      fc.property(kernelText, (text) => {
        tree.write('proc/5/cgroup', text);
        expectSane(read());
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('never throws on garbage v2 files and never returns NaN', () => {
    tree.write('proc/5/cgroup', '0::/svc\n');
    tree.write('cg/cgroup.controllers', 'cpu memory\n');
    fc.assert(
      fc.property(
        fc.array(kernelText, { minLength: FILES_V2.length, maxLength: FILES_V2.length }),
        (texts) => {
          FILES_V2.forEach((f, i) => tree.write(`cg/svc/${f}`, texts[i]));
          expectSane(read());
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('never throws on garbage v1 files and never returns NaN', () => {
    const v1 = createFakeTree('vitals-fuzz-cgroup-v1-');
    try {
      v1.write('proc/5/cgroup', '3:memory:/a\n2:cpu:/a\n');
      const files = [
        ...FILES_V1_MEM.map((f) => `cg/memory/a/${f}`),
        ...FILES_V1_CPU.map((f) => `cg/cpu/a/${f}`),
      ];
      fc.assert(
        fc.property(
          fc.array(kernelText, { minLength: files.length, maxLength: files.length }),
          (texts) => {
            files.forEach((f, i) => v1.write(f, texts[i]));
            const limits = readCgroupLimits({
              cgroupRoot: join(v1.root, 'cg'),
              procRoot: join(v1.root, 'proc'),
              pid: 5,
            });
            expect(limits.version).toBe(1);
            expectSane(limits);
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
    } finally {
      v1.remove();
    }
  });
});
