/**
 * npm run bench:rss [-- --runs N]
 *
 * RSS that a host with every plugin adds to a bare Node process (design budget: ≤ 40 MB).
 * Each sample is a fresh child process, alternating bare and full; the child settles for 3 s,
 * forces a GC and reads VmRSS from /proc/self/status. The full child loads the built packages
 * (`npm ci` builds them) exactly as an installed host does, not through ts-node, which would
 * inflate its RSS.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const root = path.resolve(__dirname, '../..');

const CHILD = `
const mode = process.argv[1];
const rssMiB = () => +require('fs').readFileSync('/proc/self/status', 'utf8').match(/VmRSS:\\s+(\\d+)/)[1] / 1024;
(async () => {
  let host;
  if (mode === 'full') {
    require('reflect-metadata');
    const { createHost } = require('@vitals/core');
    const names = ['monitor', 'memory', 'process', 'diagnostics', 'prometheus', 'startup'];
    const plugins = names.map((n) => require('@vitals/' + n)[n + 'Plugin']());
    host = createHost({ plugins, config: { http: { port: 0 } }, env: {} });
    await host.start();
  }
  const keep = setInterval(() => {}, 1000);
  setTimeout(async () => {
    global.gc();
    process.stdout.write(String(rssMiB()));
    clearInterval(keep);
    if (host) await host.stop();
  }, 3000);
})();
`;

function sample(mode: 'bare' | 'full'): number {
  const result = spawnSync(process.execPath, ['--expose-gc', '-e', CHILD, mode], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  const value = Number(result.stdout);
  if (result.status !== 0 || !Number.isFinite(value) || value <= 0) {
    throw new Error(
      `bench:rss: the ${mode} child failed (${result.stderr.trim().split('\n')[0] || 'no output'}); run npm run build first`,
    );
  }
  return value;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const bare: number[] = [];
const full: number[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(sample('bare'));
  full.push(sample('full'));
}
const added = median(full) - median(bare);
console.log(`bench:rss: ${runs} fresh processes each, Node ${process.version}`);
console.log(
  `bare node                 RSS median ${median(bare).toFixed(1)} MiB  [${bare.map((v) => v.toFixed(1)).join(', ')}]`,
);
console.log(
  `host with every plugin    RSS median ${median(full).toFixed(1)} MiB  [${full.map((v) => v.toFixed(1)).join(', ')}]`,
);
console.log(
  `added by the host: ${added.toFixed(1)} MiB (ratio ${(median(full) / median(bare)).toFixed(2)}x)`,
);
console.log(
  `budget ≤ 40 MB added: ${added * 1.048576 <= 40 ? 'met' : 'MISSED'} (${(added * 1.048576).toFixed(1)} MB)`,
);
