// A custom host from @vitals/core + monitor + prometheus only: GET /metrics, print it, stop.
require('reflect-metadata');
const { createHost } = require('@vitals/core');
const { monitorPlugin } = require('@vitals/monitor');
const { prometheusPlugin } = require('@vitals/prometheus');
const host = createHost({
  plugins: [monitorPlugin(), prometheusPlugin()],
  config: { http: { port: 0 } },
});
host.start().then(async () => {
  const { host: address, port } = host.httpAddress();
  process.stdout.write(await (await fetch(`http://${address}:${port}/metrics`)).text());
  await host.stop();
});
