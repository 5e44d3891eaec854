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
});
