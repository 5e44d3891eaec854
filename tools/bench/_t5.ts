import { createHost } from '@vitals/core';
import { monitorPlugin } from '@vitals/monitor';
const variant = JSON.parse(process.argv[2]);
const secs = Number(process.argv[3] ?? 15);
(async () => {
  const host = createHost({ plugins: [monitorPlugin(variant)] });
  await host.start();
  await new Promise((r) => setTimeout(r, 3000));
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, secs * 1000));
  const u = process.cpuUsage(c0);
  console.log(
    process.argv[2],
    (((u.user + u.system) / 1000 / (Date.now() - t0)) * 100).toFixed(3),
    '%',
  );
  await host.stop();
})();
