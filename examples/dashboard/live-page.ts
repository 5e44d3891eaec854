import { createHost } from '@vitals/core';
import { dashboardPlugin } from '@vitals/dashboard';
import { memoryPlugin } from '@vitals/memory';
import { monitorPlugin } from '@vitals/monitor';

async function main(): Promise<void> {
  const host = createHost({
    plugins: [monitorPlugin(), memoryPlugin(), dashboardPlugin()],
    config: { http: { port: 9477 } }, // loopback by default
  });
  await host.start(); // open http://127.0.0.1:9477/dashboard/
  const page = await fetch('http://127.0.0.1:9477/dashboard/');
  // What the page draws on load: core's History, here the RSS the monitor's first tick collected.
  const history = await fetch(
    'http://127.0.0.1:9477/api/history?series=process_resident_memory_bytes',
  );
  const { series } = (await history.json()) as { series: { points: unknown[] }[] };
  console.log(`page ${page.status}; RSS history: ${series[0]?.points.length ?? 0} point(s)`);
  await host.stop(); // on shutdown
}

void main();
