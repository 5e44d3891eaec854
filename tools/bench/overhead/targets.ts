/**
 * The processes the overhead benchmark compares, each started as a user starts it: the built
 * `vitals` CLI (`vitals start`, `vitals run`), prom-client's defaults behind `node:http`,
 * Debian's node_exporter, and PM2 7 from a private prefix with its own PM2_HOME.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { childrenOf } from './proc-meter';

/** A started process the benchmark measures; `scrapeUrl` when it is scraped once a second. */
export interface Target {
  readonly label: string;
  readonly pid: number;
  readonly scrapeUrl?: string;
  /** For supervisors: the supervised child's pid (measured separately and added). */
  childPid?: number;
  stop(): Promise<void>;
}

/** Environment for every target: no VITALS_* or NODE_OPTIONS from the caller's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('VITALS_') && k !== 'NODE_OPTIONS' && !k.startsWith('PM2_')) env[k] = v;
  }
  return { ...env, ...extra };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
function stopProcess(proc: ChildProcess, graceMs = 10_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** Resolves with the first stdout JSON line for which `pick` returns a value (rejects on exit/timeout). */
function waitForLine<T>(
  proc: ChildProcess,
  what: string,
  pick: (entry: Record<string, unknown>) => T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    let done = false;
    const finish = (error: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value as T);
    };
    const timer = setTimeout(
      () => finish(new Error(`${what} did not start within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    proc.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    // Keep draining stdout for the whole run: a full pipe would block the process we measure.
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (done) return;
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const value = pick(JSON.parse(line) as Record<string, unknown>);
          if (value !== undefined) return finish(undefined, value);
        } catch {
          // Not JSON: not the line we wait for.
        }
      }
    });
    proc.once('exit', (code, signal) =>
      finish(new Error(`${what} exited (${signal ?? code}) before it was ready: ${stderr.trim()}`)),
    );
  });
}

/** A free loopback port (listen on 0, close, reuse the number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `vitals start -c <config>` from the built CLI; ready once it logs its HTTP address. */
export async function startVitalsHost(
  label: string,
  vitalsBin: string,
  config: object,
  dir: string,
  file: string,
): Promise<Target> {
  const configFile = join(dir, file);
  writeFileSync(configFile, JSON.stringify(config));
  const proc = spawn(process.execPath, [vitalsBin, 'start', '-c', configFile], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForLine(proc, label, (e) =>
    typeof e['http'] === 'string' ? e['http'] : undefined,
  );
  return { label, pid: proc.pid ?? 0, scrapeUrl: `${url}/metrics`, stop: () => stopProcess(proc) };
}

/**
 * Writes `source` to `dir/file`, runs it with this node, and waits for its `{"port": N}` line: a
 * scrape target whose /metrics is served by the script on 127.0.0.1.
 */
async function startNodeScript(
  dir: string,
  file: string,
  source: string,
  label: string,
): Promise<Target> {
  const script = join(dir, file);
  writeFileSync(script, source);
  const proc = spawn(process.execPath, [script], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await waitForLine(proc, label, (e) =>
    typeof e['port'] === 'number' ? e['port'] : undefined,
  );
  return {
    label,
    pid: proc.pid ?? 0,
    scrapeUrl: `http://127.0.0.1:${port}/metrics`,
    stop: () => stopProcess(proc),
  };
}

/** prom-client's `collectDefaultMetrics()` behind a bare `node:http` server. */
export function startPromClient(root: string, dir: string): Promise<Target> {
  return startNodeScript(
    dir,
    'prom-client-server.js',
    `'use strict';
const http = require('node:http');
const client = require(${JSON.stringify(require.resolve('prom-client', { paths: [root] }))});
client.collectDefaultMetrics();
const server = http.createServer((req, res) => {
  client.register.metrics().then(
    (body) => { res.writeHead(200, { 'Content-Type': client.register.contentType }); res.end(body); },
    (error) => { res.writeHead(500); res.end(String(error)); },
  );
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`,
    'prom-client 15 collectDefaultMetrics() + node:http',
  );
}

/**
 * The floor: a bare `node:http` server answering each scrape with a fixed 100-byte body, and the
 * same with `monitorEventLoopDelay({ resolution: 50 })` enabled (the event-loop sampling Vitals'
 * runtime collector runs by default). No exporter costs less than the first while scraped once a
 * second, and none that samples the event loop every 50 ms less than the second. The histogram is
 * kept on `globalThis`: an unreferenced one is collected at the first GC and stops sampling.
 */
export function startFloor(dir: string, eventLoop: boolean): Promise<Target> {
  return startNodeScript(
    dir,
    eventLoop ? 'floor-eld.js' : 'floor.js',
    `'use strict';
const http = require('node:http');
${eventLoop ? "globalThis.eld = require('node:perf_hooks').monitorEventLoopDelay({ resolution: 50 });\nglobalThis.eld.enable();" : ''}
const body = '# floor\\nfloor_up 1\\n'.padEnd(100, ' ');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`,
    eventLoop
      ? 'floor: bare node:http + monitorEventLoopDelay 50 ms'
      : 'floor: bare node:http, fixed answer',
  );
}

/** Debian's node_exporter with its default collectors, or undefined when it is not installed. */
export async function startNodeExporter(bin: string): Promise<Target | undefined> {
  if (!existsSync(bin)) return undefined;
  const port = await freePort();
  const proc = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`], {
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`${bin} exited with ${proc.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      const version = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: 'pipe' })
        .split('\n')[0]
        .match(/version (\S+)/)?.[1];
      return {
        label: `node_exporter ${version ?? ''} (Go)`.replace('  ', ' '),
        pid: proc.pid ?? 0,
        scrapeUrl: url,
        stop: () => stopProcess(proc),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(proc);
  throw new Error(`${bin} did not answer on ${url}`);
}

/** Waits (up to 30 s) until `pid` has a child; returns the child's pid. */
async function firstChild(pid: number, what: string): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const [child] = childrenOf(pid);
    if (child !== undefined) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} started no child within 30 s`);
}

/** `vitals run --max-memory 512M -- <idle.js>` from the built CLI, with the given config. */
export async function startVitalsRun(
  label: string,
  vitalsBin: string,
  config: object,
  dir: string,
  file: string,
  idle: string,
): Promise<Target> {
  const configFile = join(dir, file);
  writeFileSync(configFile, JSON.stringify(config));
  const name = file.replace(/\.json$/, '');
  const proc = spawn(
    process.execPath,
    [vitalsBin, 'run', '-c', configFile, '--name', name, '--max-memory', '512M'].concat([
      '--lock-dir',
      dir,
      '--',
      idle,
    ]),
    { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const pid = proc.pid ?? 0;
  const childPid = await firstChild(pid, label).catch((error: Error) => {
    proc.kill('SIGKILL');
    throw new Error(`${error.message}: ${stderr.trim()}`);
  });
  return { label, pid, childPid, stop: () => stopProcess(proc) };
}

/** A PM2 7 installed in a private prefix, or the reason it could not be. */
export function installPm2(prefix: string): { bin: string; version: string } | { reason: string } {
  try {
    execFileSync(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--silent', 'pm2@7'],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
    );
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return {
      reason: `npm install pm2@7 failed: ${stderr.split('\n').pop() || (error as Error).message}`,
    };
  }
  const bin = join(prefix, 'node_modules/.bin/pm2');
  const pkg = join(prefix, 'node_modules/pm2/package.json');
  if (!existsSync(bin) || !existsSync(pkg)) return { reason: `no pm2 binary under ${prefix}` };
  return { bin, version: (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version };
}

/** PM2's daemon ("God") with `idle.js` under it, `--max-memory-restart 512M` like ours. */
export async function startPm2(bin: string, home: string, idle: string): Promise<Target> {
  const env = cleanEnv({ PM2_HOME: home });
  const pm2 = (args: string[]) =>
    execFileSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  pm2(['start', idle, '--name', 'idle', '--max-memory-restart', '512M']);
  const god = Number(readFileSync(join(home, 'pm2.pid'), 'utf8'));
  const childPid = Number(pm2(['pid', 'idle']).trim());
  return {
    label: 'PM2 daemon (God)',
    pid: god,
    childPid,
    stop: async () => {
      try {
        pm2(['kill']);
      } catch {
        // Already gone.
      }
    },
  };
}
