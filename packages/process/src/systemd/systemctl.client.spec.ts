import { isVitalsError } from '@vitals/core';
import { FakeSystemctl } from '../__fixtures__/fake-systemctl.test-util';
import { SystemctlClient } from './systemctl.client';

describe('SystemctlClient', () => {
  let fake: FakeSystemctl;
  beforeEach(() => (fake = new FakeSystemctl()));
  afterEach(() => fake.remove());

  it('lists failed units from the JSON output', async () => {
    const client = new SystemctlClient({ env: fake.env('json'), runDir: fake.runDir });

    expect(await client.failedUnits()).toEqual([
      {
        unit: 'bot.service',
        load: 'loaded',
        active: 'failed',
        sub: 'failed',
        description: 'Trading bot',
      },
    ]);
    expect(fake.calls()).toEqual(['--no-pager --plain list-units --failed --output=json']);
  });

  it('falls back to the plain column format where --output=json is unknown', async () => {
    const client = new SystemctlClient({ env: fake.env('plain'), runDir: fake.runDir, user: true });

    const units = await client.failedUnits();

    expect(units.map((u) => [u.unit, u.description])).toEqual([
      ['bot.service', 'Trading bot (paper)'],
      ['worker@2.service', 'Worker 2'],
    ]);
    expect(fake.calls()[1]).toBe('--no-pager --plain --user list-units --failed --no-legend');
  });

  it('reads a unit status, and runs reset-failed and restart with -- before the unit', async () => {
    const client = new SystemctlClient({ env: fake.env(), runDir: fake.runDir });

    expect(await client.status('bot.service')).toMatchObject({
      active: 'active',
      mainPid: 4242,
      restarts: 3,
    });
    expect((await client.status('missing.service')).load).toBe('not-found');
    await client.resetFailed('bot.service');
    await client.restart('bot.service');
    expect(fake.calls().slice(2)).toEqual([
      '--no-pager --plain reset-failed -- bot.service',
      '--no-pager --plain restart -- bot.service',
    ]);
  });

  it('says in one line that systemd is not running', async () => {
    const client = new SystemctlClient({ env: fake.env('nosystemd'), runDir: fake.runDir });

    await expect(client.failedUnits()).rejects.toThrow(
      /^systemd is not running here: System has not been booted/,
    );
    const absent = new SystemctlClient({ env: fake.env(), runDir: `${fake.runDir}-absent` });
    await expect(absent.failedUnits()).rejects.toMatchObject({ code: 'ERR_SYSTEMD_UNAVAILABLE' });
    const missing = new SystemctlClient({ env: { PATH: fake.dir }, runDir: fake.runDir });
    await expect(missing.failedUnits()).rejects.toThrow('systemctl not found on PATH');
  });

  it('rejects a unit name that looks like an option', async () => {
    const client = new SystemctlClient({ env: fake.env(), runDir: fake.runDir });

    const error = await client.restart('--force').catch((e: unknown) => e);
    expect(isVitalsError(error, 'ERR_INVALID_UNIT')).toBe(true);
    expect(fake.calls()).toEqual([]);
  });
});
