import { DIAGNOSTICS, createHost } from '@vitals/core';
import { diagnosticsPlugin, formatReport, runDiagnostics } from '@vitals/diagnostics';

async function main(): Promise<void> {
  // env: what the environment checks read (NODE_ENV, NODE_OPTIONS, config.requiredEnv).
  const host = createHost({ env: process.env, plugins: [diagnosticsPlugin()] });
  const report = await runDiagnostics(host, { env: process.env });
  process.stdout.write(formatReport(report));
  // or, from any plugin (startup's pre-start checks do this):
  const same = await host.resolve(DIAGNOSTICS).run();
  console.log(`worst: ${same.severity}`);
}

void main();
