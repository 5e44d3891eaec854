import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { HEALTH_CHECK, createHost, type HealthCheck, type Plugin } from '@vitals/core';
import { diagnosticsPlugin, formatReport, runDiagnostics } from '@vitals/diagnostics';

const dataDir = tmpdir(); // your service's data folder, e.g. /var/lib/app

const dataDirCheck: HealthCheck = {
  name: 'data-dir',
  area: 'disk',
  run: () => {
    accessSync(dataDir, constants.W_OK); // a throw becomes "check data-dir failed: …"
    return [{ check: 'data-dir', severity: 'ok', message: `${dataDir} is writable` }];
  },
};

export const myPlugin: Plugin = {
  name: 'my',
  register: (container) => container.register(HEALTH_CHECK, { useValue: dataDirCheck }),
};

async function main(): Promise<void> {
  const host = createHost({ env: process.env, plugins: [diagnosticsPlugin(), myPlugin] });
  const report = await runDiagnostics(host, { env: process.env });
  process.stdout.write(formatReport(report)); // includes "data-dir … is writable"
}

void main();
