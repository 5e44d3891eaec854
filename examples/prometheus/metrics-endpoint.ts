import { createHost } from '@vitals/core';
import { monitorPlugin } from '@vitals/monitor';
import { prometheusPlugin } from '@vitals/prometheus';

async function main(): Promise<void> {
  const host = createHost({
    plugins: [monitorPlugin(), prometheusPlugin()],
    config: { http: { port: 9477 } },
  });
  await host.start();
  // curl http://127.0.0.1:9477/metrics
  const text = await (await fetch('http://127.0.0.1:9477/metrics')).text();
  console.log(text.split('\n').find((line) => line.startsWith('process_resident_memory_bytes')));
  await host.stop();
}

void main();
