import * as fs from 'node:fs';
import * as path from 'node:path';
import { startNode, stopProcess } from './tour.process';
import type { TourStep } from './tour.types';

/**
 * The detector settings of the tour: a fast leak (60 MiB/min) is confirmed after 20 s of post-GC
 * baselines instead of the default 2 minutes. `npm start` keeps closer-to-default settings
 * (packages/demo/vitals.demo.config.json).
 */
export const FAST_LEAK_CONFIG = {
  plugins: ['monitor', 'memory', 'process', 'startup'],
  http: { port: 0 },
  log: { level: 'info' },
  memory: { leak: { windowMs: '2m', minSpanMs: '20s', minGrowthBytes: '4M' } },
  // A post-GC baseline at least every 5 s even when the bot runs no major GC by itself.
  startup: { measureGcAfterMs: '5s' },
};

/** The line `vitals run` prints when the leak alert fires: it names the service and the rate. */
export const LEAK_LINE = /^vitals run: alert firing memory\.leak\.\S+.*\d MB\/h.*$/m;

/** `vitals run` on a bot that leaks 60 MiB/min: the per-service leak alert with its rate. */
export const leakStep: TourStep = {
  id: 'leak',
  title: 'find a fast leak in a supervised bot (vitals run, memory plugin)',
  timeoutMs: 150_000,
  async run(ctx) {
    const config = path.join(ctx.dir, 'vitals.leak.json');
    fs.writeFileSync(config, JSON.stringify(FAST_LEAK_CONFIG, null, 2));
    const name = `demo-leak-${ctx.tag}`;
    const run = startNode(
      [
        ctx.paths.cli,
        'run',
        '--config',
        config,
        '--name',
        name,
        '--lock-dir',
        ctx.dir,
        '--',
        process.execPath,
        ctx.paths.bot,
        '--leak',
        '60M',
        '--status-every',
        '0',
        '--tag',
        ctx.tag,
      ],
      { cwd: ctx.dir, env: ctx.env },
    );
    const started = Date.now();
    try {
      const [line] = await run.waitFor(LEAK_LINE, 130_000);
      const seconds = Math.round((Date.now() - started) / 1000);
      return {
        ok: line.includes(name),
        found: [`after ${seconds} s: ${line.trim().slice(0, 300)}`],
      };
    } finally {
      await stopProcess(run);
    }
  },
};
