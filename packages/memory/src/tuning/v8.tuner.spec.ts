import { isVitalsError } from '@vitals/core';
import type { V8Profile } from '@vitals/core';
import { createV8Tuner } from './v8.tuner';

const MB = 1024 * 1024;

describe('createV8Tuner', () => {
  it('container: old space from the cgroup limit with headroom', () => {
    const tuner = createV8Tuner({
      cgroupLimit: () => 2048 * MB,
      totalMemory: () => 64 * 1024 * MB,
    });
    const r = tuner.recommendFlags('container');
    expect(r.flags).toEqual(['--max-old-space-size=1536']);
    expect(r.reasons[0]).toMatch(/cgroup memory limit \(2048 MB\) minus 512 MB headroom/);
  });

  it('container without a cgroup limit falls back to the given total, small limits keep half', () => {
    const tuner = createV8Tuner({ cgroupLimit: () => undefined, totalMemory: () => 8192 * MB });
    expect(tuner.recommendFlags('container', { memoryLimitBytes: 200 * MB }).flags).toEqual([
      '--max-old-space-size=100',
    ]);
    expect(tuner.recommendFlags('container').flags).toEqual(['--max-old-space-size=6144']);
  });

  it('throughput: larger semi-space, plus old space only under a limit; low-memory: small both', () => {
    const free = createV8Tuner({ cgroupLimit: () => undefined, totalMemory: () => 8192 * MB });
    expect(free.recommendFlags('throughput').flags).toEqual(['--max-semi-space-size=64']);
    const boxed = createV8Tuner({ cgroupLimit: () => 1024 * MB });
    expect(boxed.recommendFlags('throughput').flags).toEqual([
      '--max-semi-space-size=64',
      '--max-old-space-size=768',
    ]);
    expect(boxed.recommendFlags('low-memory').flags).toEqual([
      '--max-semi-space-size=1',
      '--max-old-space-size=512',
    ]);
  });

  it('rejects an unknown profile in one line', () => {
    let error: unknown;
    try {
      createV8Tuner({ cgroupLimit: () => undefined }).recommendFlags('turbo' as V8Profile);
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
  });
});
