#!/usr/bin/env node
// Counts what issue 11's suite tries, by running it (jest --json), not by reading it:
//
//   node tools/count-cases.js [--list]
//
// - fault cases: the tests of the specs listed under FAULTS (a fault injected into real parts:
//   processes, sockets, files, a host ticking), each it.each row counted once;
// - bad-input cases: the tests listed under BAD_INPUT (wrong flags and values for every CLI
//   command, configs, HTTP requests);
// - fuzz cases: every fast-check run of the fuzz specs, i.e. numRuns summed over each fc.assert
//   call as it happens (count-cases.fuzz-setup.js wraps fc.assert), so loops and defaults count.
// --list prints every test title under its file. Takes a few minutes (it runs real processes);
// needs the packages built (npm run build) for the e2e specs.
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, existsSync, rmSync, readdirSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** [spec file, test-name pattern or undefined for every test, why it counts]. */
const FAULTS = [
  [
    'packages/e2e/src/faults.e2e.spec.ts',
    undefined,
    'collectors that throw, hang, return garbage; port taken',
  ],
  [
    'packages/e2e/src/faults.process.e2e.spec.ts',
    undefined,
    'EMFILE flood, SIGTERM in startup, SIGKILL, kill -9 supervisor, port, lock folder, vanished pid',
  ],
  ['packages/e2e/src/faults.proc.e2e.spec.ts', undefined, '/proc missing, unreadable, garbage'],
  ['packages/dashboard/src/server/event.hub.slow.spec.ts', undefined, 'slow subscriber'],
  [
    'packages/monitor/src/alerts/alert.faults.spec.ts',
    undefined,
    'alert command hangs, webhook down or huge',
  ],
  [
    'packages/startup/src/supervisor.watch.spec.ts',
    'grandchild|EMFILE|while\\(true\\)',
    'grandchildren, EMFILE in the memory check, hung child',
  ],
  ['packages/startup/src/run.command.spec.ts', 'full disk', 'full disk'],
  [
    'packages/startup/src/run.e2e.spec.ts',
    'grandchild|SIGKILL|twice',
    'signals to the real binary',
  ],
  [
    'packages/core/src/http/http.server.hardening.spec.ts',
    'caps concurrent connections|slow client',
    'connection flood, slowloris',
  ],
  ['packages/core/src/http/http.server.lifecycle.spec.ts', 'port is taken', 'port taken'],
  ['packages/process/src/lock/lock.dir.spec.ts', undefined, 'foreign and read-only lock folders'],
  [
    'packages/process/src/perms/permission.fixer.spec.ts',
    'link|swap',
    'symlink swapped after the audit',
  ],
  [
    'packages/memory/src/snapshot/heap-snapshot.writer.spec.ts',
    'link',
    'links planted at snapshot names',
  ],
  [
    'packages/process/src/duplicates/service.matcher.spec.ts',
    'substring|tail',
    'a look-alike process',
  ],
];
const BAD_INPUT = [
  [
    'packages/host/src/cli.bad-input.spec.ts',
    undefined,
    'every command: flags, values, pids; configs per section',
  ],
  [
    'packages/e2e/src/bad-input.other-user.e2e.spec.ts',
    undefined,
    'a pid of another user, both ways',
  ],
  ['packages/host/src/cli.inputs.spec.ts', undefined, 'usage errors, config check'],
  [
    'packages/core/src/config/config.ranges.spec.ts',
    undefined,
    'ranges of durations, sizes, counts',
  ],
  [
    'packages/core/src/http/http.server.hardening.spec.ts',
    'Host|431|400',
    'HTTP: bad Host, huge headers, garbage, bad paths',
  ],
  ['packages/core/src/http/http.server.auth.spec.ts', undefined, 'HTTP: bad tokens'],
  ['packages/core/src/http/route.matcher.spec.ts', undefined, 'HTTP: bad paths'],
  ['packages/startup/src/run.command.spec.ts', 'refuses bad flag', 'vitals run flags'],
  ['packages/process/src/cli/ps.command.spec.ts', 'rejects|usage', 'vitals ps flags'],
  [
    'packages/monitor/src/cli/monitor.command.spec.ts',
    'refuses|rejects|usage|one line',
    'vitals monitor flags',
  ],
  [
    'packages/process/src/cli/terminal-output.spec.ts',
    undefined,
    'control characters in outside text',
  ],
];
const FUZZ = [
  'packages/core/src/config/config.loader.fuzz.spec.ts',
  'packages/core/src/util/units.fuzz.spec.ts',
  'packages/core/src/util/escape-control.fuzz.spec.ts',
  'packages/core/src/util/escape-control.spec.ts',
  'packages/core/src/os/procfs.fuzz.spec.ts',
  'packages/core/src/os/proc-system.fuzz.spec.ts',
  'packages/core/src/os/mounts.fuzz.spec.ts',
  'packages/core/src/os/cgroup.fuzz.spec.ts',
  'packages/process/src/systemd/systemctl.parser.fuzz.spec.ts',
];

const work = mkdtempSync(path.join(tmpdir(), 'vitals-count-'));
const jestBin = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

/** Runs one spec file; returns its results (titles of the tests that ran) and fuzz runs. */
function runSpec(file, pattern, fuzz) {
  const project = file.split('/').slice(0, 2).join('/');
  const out = path.join(work, `${file.replace(/\W/g, '_')}.json`);
  const fuzzOut = path.join(work, `${file.replace(/\W/g, '_')}.fuzz`);
  const args = [
    jestBin,
    '-c',
    path.join(project, 'jest.config.js'),
    file,
    '--json',
    `--outputFile=${out}`,
  ];
  if (pattern) args.push('-t', pattern);
  if (fuzz) args.push('--setupFilesAfterEnv', path.join(__dirname, 'count-cases.fuzz-setup.js'));
  const run = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, COUNT_FUZZ_OUT: fuzzOut },
    timeout: 600_000,
  });
  if (!existsSync(out))
    throw new Error(`${file}: jest wrote no results\n${run.stderr.slice(-2000)}`);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  const tests = result.testResults.flatMap((r) =>
    r.assertionResults.filter((a) => a.status !== 'pending' && a.status !== 'skipped'),
  );
  const failed = tests.filter((t) => t.status !== 'passed').map((t) => t.fullName);
  const runs = existsSync(fuzzOut)
    ? readFileSync(fuzzOut, 'utf8')
        .trim()
        .split('\n')
        .reduce((s, n) => s + Number(n), 0)
    : 0;
  return { tests: tests.map((t) => t.fullName), failed, runs };
}

const list = process.argv.includes('--list');
const totals = {};
function category(name, entries, fuzz = false) {
  let cases = 0;
  let runs = 0;
  const failed = [];
  console.log(`\n${name}`);
  for (const entry of entries) {
    const [file, pattern, why] = Array.isArray(entry) ? entry : [entry];
    const r = runSpec(file, pattern, fuzz);
    cases += r.tests.length;
    runs += r.runs;
    failed.push(...r.failed);
    const extra = fuzz ? `, ${r.runs} fast-check runs` : '';
    console.log(
      `  ${String(r.tests.length).padStart(4)} ${file}${pattern ? ` -t /${pattern}/` : ''}${extra}${why ? ` (${why})` : ''}`,
    );
    if (list) for (const t of r.tests) console.log(`         - ${t}`);
  }
  totals[name] = fuzz ? { tests: cases, runs } : { tests: cases };
  if (failed.length) totals[name].failed = failed;
}

try {
  category('fault cases', FAULTS);
  category('bad-input cases', BAD_INPUT);
  category('fuzz', FUZZ, true);
  console.log(
    `\nfault cases: ${totals['fault cases'].tests}; bad-input cases: ${totals['bad-input cases'].tests}; ` +
      `fuzz: ${totals.fuzz.runs} fast-check runs in ${totals.fuzz.tests} properties`,
  );
  const failed = Object.values(totals).flatMap((t) => t.failed ?? []);
  if (failed.length) {
    console.log(`FAILED: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  for (const f of readdirSync(work)) rmSync(path.join(work, f), { force: true });
  rmSync(work, { recursive: true, force: true });
}
