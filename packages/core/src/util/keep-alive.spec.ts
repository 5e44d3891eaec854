import { keepingAlive } from './keep-alive';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('keepingAlive', () => {
  it('holds one ref’d timer while the work runs and releases it after, even when it throws', async () => {
    const before = timers();
    let during = -1;
    expect(
      await keepingAlive(async () => {
        during = timers();
        return 42;
      }),
    ).toBe(42);
    expect(during).toBe(before + 1);
    expect(timers()).toBe(before);
    await expect(
      keepingAlive(async () => {
        throw new Error('grace period failed');
      }),
    ).rejects.toThrow('grace period failed');
    expect(timers()).toBe(before);
  });
});
