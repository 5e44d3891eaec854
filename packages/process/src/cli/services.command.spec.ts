import { systemClock } from '@vitals/core';
import { FakeSystemctl } from '../__fixtures__/fake-systemctl.test-util';
import { fakeCli, processConfig } from '../__fixtures__/cli-context.test-util';
import { createServicesCommand } from './services.command';

describe('services command', () => {
  let fake: FakeSystemctl;
  beforeEach(() => (fake = new FakeSystemctl()));
  afterEach(() => fake.remove());
  const command = () =>
    createServicesCommand({
      config: processConfig({ systemd: { units: ['bot.service'] } }),
      clock: systemClock,
      systemdRunDir: fake.runDir,
    });

  it('shows configured units and the failed ones', async () => {
    const { ctx, output } = fakeCli({}, { env: fake.env('json') });

    expect(await command().run(ctx)).toBe(0);

    expect(output()).toMatch(/bot\.service\s+loaded\s+active\s+running\s+4242\s+3\s+Trading bot/);
    expect(output()).toContain('1 failed unit(s):');
  });

  it('only prints what it would run without --yes, and runs it with --yes', async () => {
    const dry = fakeCli({ restart: 'bot.service', user: true }, { env: fake.env() });
    await command().run(dry.ctx);
    expect(dry.output()).toContain('would run: systemctl --user restart bot.service');
    expect(fake.calls()).toEqual([]);

    const real = fakeCli({ 'reset-failed': 'bot.service', yes: true }, { env: fake.env() });
    expect(await command().run(real.ctx)).toBe(0);
    expect(fake.calls()).toEqual(['--no-pager --plain reset-failed -- bot.service']);
    expect(real.output()).toContain('done: systemctl reset-failed bot.service');
  });

  it('does not promise a restart where systemd is not running', async () => {
    const command = createServicesCommand({
      config: processConfig(),
      clock: systemClock,
      systemdRunDir: `${fake.runDir}-absent`,
    });
    const { ctx, output } = fakeCli({ restart: 'bot.service' }, { env: fake.env() });
    expect(await command.run(ctx)).toBe(1);
    expect(output().trim().split('\n')).toEqual([
      `systemd is not running here (${fake.runDir}-absent is absent)`,
    ]);
    expect(fake.calls()).toEqual([]);
  });

  it('says in one line that systemd is not running', async () => {
    const { ctx, output } = fakeCli({ failed: true }, { env: fake.env('nosystemd') });

    expect(await command().run(ctx)).toBe(0);

    expect(output().trim().split('\n')).toEqual([
      "systemd is not running here: System has not been booted with systemd as init system (PID 1). Can't operate.",
    ]);
    const json = fakeCli({ json: true }, { env: fake.env('nosystemd') });
    await command().run(json.ctx);
    expect(JSON.parse(json.output())).toMatchObject({ systemd: false });
  });
});
