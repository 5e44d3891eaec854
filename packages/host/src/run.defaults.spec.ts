import type { LoadedConfig } from '@vitals/core';
import { supervisorDefaults } from './run.defaults';

const loaded = (values: Record<string, unknown>): LoadedConfig => ({ values, envPaths: {} });

describe('supervisorDefaults', () => {
  it('turns the monitor’s own-process collectors off under vitals run', () => {
    const out = supervisorDefaults('run', loaded({ http: { port: 0 } }), ['monitor', 'startup']);
    expect(out.values).toEqual({ http: { port: 0 }, monitor: { process: false, runtime: false } });
  });

  it('keeps what the config sets, and the process collector when it watches another pid', () => {
    expect(
      supervisorDefaults('run', loaded({ monitor: { process: true, intervalMs: 500 } }), [
        'monitor',
      ]).values,
    ).toEqual({ monitor: { process: true, runtime: false, intervalMs: 500 } });
    expect(
      supervisorDefaults('run', loaded({ monitor: { pid: 42, runtime: true } }), ['monitor'])
        .values,
    ).toEqual({ monitor: { pid: 42, runtime: true } });
  });

  it('changes nothing for other commands, without the monitor, or for a malformed section', () => {
    const l = loaded({ monitor: {} });
    expect(supervisorDefaults('start', l, ['monitor'])).toBe(l);
    expect(supervisorDefaults('run', l, ['startup'])).toBe(l);
    const bad = loaded({ monitor: 'yes' });
    expect(supervisorDefaults('run', bad, ['monitor'])).toBe(bad);
  });
});
