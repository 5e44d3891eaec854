import { COLLECTOR, createHost, type Plugin } from '@vitals/core';

const queue: string[] = []; // your application's work queue

const queuePlugin: Plugin = {
  name: 'queue',
  register(container) {
    container.register(COLLECTOR, {
      useValue: {
        name: 'queue',
        descriptors: [
          { name: 'app_queue_depth', help: 'Jobs waiting', unit: 'count', type: 'gauge' },
        ],
        collect: () => [{ name: 'app_queue_depth', value: queue.length }],
      },
    });
  },
};

async function main(): Promise<void> {
  const host = createHost({ plugins: [queuePlugin] });
  await host.start();
  host.alerts.addRule({
    id: 'queue-deep',
    metric: 'app_queue_depth',
    op: '>',
    threshold: 1000,
    clear: 800,
    for: 0, // in production '30s': the value must stay over the line that long
    severity: 'warning',
  });
  host.alerts.alerts$.subscribe((event) => console.log(event.state, event.message));
  // Core alone never collects on a schedule: the monitor plugin's scheduler does (every
  // monitor.intervalMs). Without it, collect when you want a value: one run of every collector,
  // each with a deadline, published to the stream where the alert engine sees it.
  for (let i = 0; i < 1500; i++) queue.push(`job ${i}`);
  await host.collectOnce({ publish: true }); // → "firing queue-deep: …"
  await host.stop();
}

void main();
