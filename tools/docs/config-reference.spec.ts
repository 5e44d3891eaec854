import * as fs from 'node:fs';

const reference = require('./config-reference.js') as { render(): string; OUTPUT: string };

describe('docs/configuration.md', () => {
  it('is what tools/docs/config-reference.js generates from the schemas today', () => {
    // On failure: node tools/docs/config-reference.js (after npm run build), then commit the file.
    expect(fs.readFileSync(reference.OUTPUT, 'utf8')).toBe(reference.render());
  });

  it('lists every section with its defaults', () => {
    const text = reference.render();
    for (const key of [
      'http.port',
      'monitor.intervalMs',
      'memory.leak.windowMs',
      'startup.maxRestarts',
      'dashboard.path',
    ])
      expect(text).toContain(`| \`${key}\` |`);
    expect(text).toContain('| `http.port` | integer | `9477` |');
  });

  it("describes each key by its own comment, not another section's key of the same name", () => {
    const text = reference.render();
    const row = (key: string) =>
      text.split('\n').find((line) => line.startsWith(`| \`${key}\` |`)) ?? '';
    // The webhook's url and timeout have no comment of their own: the Alertmanager's and the
    // command's (same key names, another object) must not stand in for them.
    expect(row('monitor.alerts.webhook.url')).not.toContain('alertmanager');
    expect(row('monitor.alerts.webhook.timeoutMs')).not.toContain('SIGKILL');
    expect(row('monitor.alerts.alertmanager.timeoutMs')).not.toContain('SIGKILL');
    expect(row('monitor.alerts.command.timeoutMs')).toContain('SIGKILL');
    // Defaults under an optional object come from the comment's @default.
    expect(row('monitor.alerts.webhook.timeoutMs')).toContain('| `5000` |');
    expect(row('monitor.alerts.command.timeoutMs')).toContain('| `10000` |');
    expect(row('monitor.alerts.alertmanager.url')).toContain('alertmanager:9093');
    expect(row('process.systemd.user')).toContain('systemctl --user');
    expect(row('process.permissions.user')).toContain('/etc/passwd');
    // Keys documented in another file of the section (the leak detector's options) still are.
    expect(row('memory.leak.windowMs')).toContain('forgotten');
  });
});
