import { createHost } from '@vitals/core';
import { dashboardPlugin } from './dashboard.plugin';

describe('dashboardPlugin', () => {
  it('starts and stops in a host', async () => {
    const host = createHost({ plugins: [dashboardPlugin()], config: {} });
    await host.start();
    expect(host.plugins).toContain('dashboard');
    await host.stop();
  });
});
