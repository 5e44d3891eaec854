import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHost, loadConfig } from '@vitals/core';
import { dashboardPlugin } from '@vitals/dashboard';
import { diagnosticsPlugin } from '@vitals/diagnostics';
import { memoryPlugin } from '@vitals/memory';
import { monitorPlugin } from '@vitals/monitor';
import { processPlugin } from '@vitals/process';
import { prometheusPlugin } from '@vitals/prometheus';
import { startupPlugin } from '@vitals/startup';

describe('vitals.demo.config.json (npm start)', () => {
  it('is valid for every plugin it names and keeps the dashboard on 9477', () => {
    const loaded = loadConfig({
      file: path.resolve(__dirname, '../vitals.demo.config.json'),
      cwd: process.cwd(),
      env: {},
    });
    const factories: Record<string, () => { name: string }> = {
      monitor: monitorPlugin,
      memory: memoryPlugin,
      diagnostics: diagnosticsPlugin,
      process: processPlugin,
      prometheus: prometheusPlugin,
      dashboard: dashboardPlugin,
      startup: startupPlugin,
    };
    const names = loaded.values['plugins'] as string[];
    expect(names.sort()).toEqual(Object.keys(factories).sort());
    // Registering validates each section against its plugin's schema (throws on a bad key).
    const host = createHost({
      plugins: names.map((n) => factories[n]() as never),
      config: loaded,
    });
    // The URL `npm start` prints first is this port (package.json "start").
    expect(host.config.http.port).toBe(9477);
    const root = fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8');
    const start = (JSON.parse(root) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toMatch(
      /^echo 'Vitals dashboard: http:\/\/127\.0\.0\.1:9477\/dashboard .*' && vitals run /,
    );
    expect(start).toContain('--config packages/demo/vitals.demo.config.json --snapshot-on-leak');
  });
});
