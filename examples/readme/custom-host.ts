import { createHost } from '@vitals/core';
import { monitorPlugin } from '@vitals/monitor';
import { prometheusPlugin } from '@vitals/prometheus';

async function main(): Promise<void> {
  const host = createHost({
    plugins: [monitorPlugin(), prometheusPlugin()],
    config: { monitor: { intervalMs: 1000 }, http: { port: 9477 } },
  });
  host.alerts.alerts$.subscribe((a) => console.log(a.state, a.message));
  await host.start(); // the monitor's first tick runs now, then every second
  const metrics = await fetch('http://127.0.0.1:9477/metrics'); // what Prometheus scrapes
  console.log((await metrics.text()).split('\n').length, 'lines of metrics');
  await host.stop(); // on shutdown
}

void main();
