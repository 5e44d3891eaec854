import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCpuMeter } from './cpu.meter';
import { createFakeProc } from './testing/fake-proc.test-util';
import type { FakeProc } from './testing/fake-proc.test-util';

describe('startCpuMeter', () => {
  let proc: FakeProc;
  let now = 0;
  const stat = (busy: number, idle: number) =>
    writeFileSync(join(proc.procRoot, 'stat'), `cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0\n`);
  beforeEach(() => {
    proc = createFakeProc();
    now = 0;
  });
  afterEach(() => proc.remove());

  it('gives the busy share of the ticks counted since it started, not since boot', () => {
    stat(9000, 1000); // 90 % busy since boot
    const cpu = startCpuMeter(proc.procRoot, () => now);
    stat(9025, 1075); // then 25 busy of 100 ticks
    now = 1000;
    expect(cpu()).toBe(0.25);
  });

  it('gives nothing for a window too short for 10 ms ticks, or with no tick counted', () => {
    stat(100, 100);
    const cpu = startCpuMeter(proc.procRoot, () => now);
    stat(150, 150);
    now = 100;
    expect(cpu()).toBeUndefined();
    const idle = startCpuMeter(proc.procRoot, () => now);
    now = 2000; // long enough, but /proc/stat did not move
    expect(idle()).toBeUndefined();
  });
});
