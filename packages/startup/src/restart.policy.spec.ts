import { RestartPolicy } from './restart.policy';

describe('RestartPolicy', () => {
  it('doubles the delay on crashes in a row up to the maximum', () => {
    const policy = new RestartPolicy({
      maxRestarts: 100,
      backoffInitialMs: 100,
      backoffMaxMs: 1000,
    });
    const delays = Array.from({ length: 6 }, (_, i) => policy.onCrash(i * 10, 10)).map((d) =>
      d.restart ? d.delayMs : -1,
    );
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts again from the first delay after a long enough run', () => {
    const policy = new RestartPolicy({ backoffInitialMs: 100, backoffResetMs: 30_000 });
    policy.onCrash(0, 10);
    policy.onCrash(10, 10);
    expect(policy.onCrash(40_000, 30_000)).toMatchObject({ restart: true, delayMs: 100 });
  });

  it('gives up past the limit within the window, and allows again once the window moved on', () => {
    const policy = new RestartPolicy({ maxRestarts: 2, restartWindowMs: 1000 });
    expect(policy.onCrash(0, 1).restart).toBe(true);
    expect(policy.onCrash(100, 1).restart).toBe(true);
    expect(policy.onCrash(200, 1)).toEqual({ restart: false, restarts: 2, windowMs: 1000 });
    expect(policy.onCrash(1100, 1).restart).toBe(true);
  });

  it('counts memory restarts toward the limit', () => {
    const policy = new RestartPolicy({ maxRestarts: 1 });
    expect(policy.recordRestart(0)).toBe(true);
    expect(policy.recordRestart(1)).toBe(false);
    expect(policy.onCrash(2, 1).restart).toBe(false);
  });
});
