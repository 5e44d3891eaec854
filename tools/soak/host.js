// The host under soak (started by soak.js): every first-party plugin at a 100 ms tick, 200
// application series, 50 alert rules that flap every tick, and a supervised child with the
// agent. It loads the built packages, as an installed host does. Prints {"port","pid"} once up.
'use strict';
require('reflect-metadata');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { COLLECTOR, createHost } = require('@vitals/core');
const plugin = (name) => require(`@vitals/${name}`)[`${name}Plugin`]();

const SERIES = 200;
const RULES = 50;
let tick = 0;
const appPlugin = {
  name: 'soak-app',
  register(container) {
    container.register(COLLECTOR, {
      useValue: {
        name: 'soak.app',
        descriptors: [
          {
            name: 'soak_app_value',
            help: 'app series',
            unit: '',
            type: 'gauge',
            labelNames: ['i'],
          },
          { name: 'soak_flap', help: 'flapping input', unit: '', type: 'gauge', labelNames: ['i'] },
        ],
        collect() {
          tick++;
          const samples = [];
          for (let i = 0; i < SERIES; i++)
            samples.push({
              name: 'soak_app_value',
              value: (tick * (i + 1)) % 1000,
              labels: { i: String(i) },
            });
          for (let i = 0; i < RULES; i++)
            samples.push({ name: 'soak_flap', value: (tick + i) % 2, labels: { i: String(i) } });
          return samples;
        },
      },
    });
  },
};

const rules = Array.from({ length: RULES }, (_, i) => ({
  id: `soak-flap-${i}`,
  metric: 'soak_flap',
  labels: { i: String(i) },
  op: '>',
  threshold: 0.5,
  clear: 0.5,
  for: 0,
  cooldown: 0,
  severity: 'warning',
}));

(async () => {
  const host = createHost({
    plugins: ['monitor', 'memory', 'process', 'diagnostics', 'prometheus', 'startup']
      .map(plugin)
      .concat(appPlugin),
    config: {
      http: { port: 0 },
      monitor: { intervalMs: 100, alerts: { extra: rules } },
      process: { lockDir: mkdtempSync(path.join(tmpdir(), 'vitals-soak-locks-')) },
    },
    env: { NODE_ENV: 'production' },
  });
  await host.start();
  const { Supervisor } = require('@vitals/startup');
  const supervisor = new Supervisor(
    {
      command: process.execPath,
      args: [path.join(__dirname, 'app.js')],
      env: { PATH: process.env.PATH },
      name: 'soak-app',
      restart: 'always',
      stdout: process.stderr,
      stderr: process.stderr,
    },
    { stream: host.stream },
  );
  await supervisor.start();
  // Vitals' own timers are unref'd (monitoring never keeps a process alive): the soak does.
  const keepAlive = setInterval(() => undefined, 60_000);
  process.stdout.write(`${JSON.stringify({ port: host.httpAddress().port, pid: process.pid })}\n`);
  const stop = async () => {
    clearInterval(keepAlive);
    await supervisor.stop();
    await host.stop('soak end');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
})().catch((error) => {
  process.stderr.write(`soak host failed: ${error && error.message}\n`);
  process.exit(1);
});
