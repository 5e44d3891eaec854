import { createHost } from '@vitals/core';
import { demoPlugin } from './demo.plugin';

describe('demoPlugin', () => {
  it('starts and stops in a host', async () => {
    const host = createHost({ plugins: [demoPlugin()], config: {} });
    await host.start();
    expect(host.plugins).toContain('demo');
    await host.stop();
  });
});
