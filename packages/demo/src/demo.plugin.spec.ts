import { CLI_COMMAND, createHost, type CliCommand } from '@vitals/core';
import { demoPlugin } from './demo.plugin';

describe('demoPlugin', () => {
  it('contributes the vitals demo command to a host', async () => {
    const host = createHost({ plugins: [demoPlugin()], config: {} });
    await host.start();
    try {
      expect(host.plugins).toContain('demo');
      const names = host.resolveAll<CliCommand>(CLI_COMMAND).map((c) => c.name);
      expect(names).toEqual(['demo']);
    } finally {
      await host.stop();
    }
  });
});
