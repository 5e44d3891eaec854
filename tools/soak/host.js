// The host under soak (started by soak.js with --expose-gc and an IPC channel): every
// first-party plugin (monitor, memory, process, diagnostics, prometheus, startup, dashboard) at
// a 100 ms tick, 200 application series, 50 alert rules that flap every tick, and a supervised
// Node child with the agent reporting every 100 ms. It loads the built packages, as an installed
// host does. Prints {"port","pid"} on stdout once up; its own event-loop delay and heap go to the
// parent over IPC (loop-probe.js).
//
//   node --expose-gc tools/soak/host.js [--history N] [--leak BYTES] [--leak-fds N]
//
// --history N      points kept per series (history.capacity). The soak sizes it so the ring
//                  buffers are full before its measuring window starts: filling them is growth
//                  by design, not a leak. @default 900 (the host's default)
// --window-ms MS   the memory plugin's time windows (leak detector window, GC-pressure window),
//                  which fill for that long: the soak sizes them, like --history, to be full
//                  before it measures. @default the plugin's defaults (10 min and 60 s)
// --leak BYTES     retain BYTES more on every tick (the soak's self-check: it must fail). @default 0
// --leak-fds N     open N more file descriptors every second and keep them (self-check). @default 0
'use strict';
require('reflect-metadata');
const { mkdtempSync, openSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { COLLECTOR, createHost } = require('@vitals/core');
const { startLoopProbe } = require('./loop-probe');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const HISTORY = arg('history', 900);
const WINDOW_MS = arg('window-ms', 0);
const LEAK_BYTES = arg('leak', 0);
const LEAK_FDS = arg('leak-fds', 0);
const plugin = (name) => require(`@vitals/${name}`)[`${name}Plugin`]();

const SERIES = 200;
const RULES = 50;
const leaked = [];
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
          // About LEAK_BYTES of JS heap: 8 bytes per element of a packed array (no pointer compression).
          if (LEAK_BYTES > 0) leaked.push(new Array(LEAK_BYTES >> 3).fill(tick));
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

// Every tick, each rule crosses its threshold one way or the other: 50 transitions per tick.
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
    plugins: ['monitor', 'memory', 'process', 'diagnostics', 'prometheus', 'startup', 'dashboard']
      .map(plugin)
      .concat(appPlugin),
    config: {
      http: { port: 0 },
      history: { capacity: HISTORY },
      monitor: { intervalMs: 100, alerts: { extra: rules } },
      // A full GC every 5 s (the memory plugin's own periodic GC): one post-GC baseline
      // (vitals_heap_after_gc_bytes) every 5 s, whatever V8 would have done on its own, so the
      // slope rests on enough points. A leak survives any GC, so this hides none.
      memory: {
        periodicGcMs: 5000,
        ...(WINDOW_MS > 0
          ? {
              gcPressureWindowMs: Math.min(60_000, WINDOW_MS),
              leak: {
                assessEveryMs: 100,
                windowMs: WINDOW_MS,
                minSpanMs: Math.min(150_000, Math.max(5000, WINDOW_MS / 2)),
                recentMinMs: Math.min(45_000, Math.max(1000, WINDOW_MS / 3)),
              },
            }
          : { leak: { assessEveryMs: 100 } }),
      },
      process: {
        lockDir: mkdtempSync(path.join(tmpdir(), 'vitals-soak-locks-')),
        duplicates: { refreshMs: 1000 },
      },
      dashboard: { intervalMs: 100 },
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
      agentIntervalMs: 100,
      memoryCheckIntervalMs: 100,
      stdout: process.stderr,
      stderr: process.stderr,
    },
    { stream: host.stream },
  );
  await supervisor.start();
  const stopProbe = startLoopProbe();
  // Vitals' own timers are unref'd (monitoring never keeps a process alive): the soak does.
  const keepAlive = setInterval(() => {
    for (let i = 0; i < LEAK_FDS; i++) openSync('/dev/null', 'r');
  }, 1000);
  process.stdout.write(`${JSON.stringify({ port: host.httpAddress().port, pid: process.pid })}\n`);
  const stop = async () => {
    clearInterval(keepAlive);
    stopProbe();
    await supervisor.stop();
    await host.stop('soak end');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
})().catch((error) => {
  process.stderr.write(`soak host failed: ${error && error.message}\n`);
  process.exit(1);
});
