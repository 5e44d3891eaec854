import type { CliContext, CliOption } from '@vitals/core';
import { VitalsError } from '@vitals/core';
import { startupConfigSchema } from './startup.options';
import type { StartupConfig } from './startup.options';

/** Flag → config key of `vitals run`. */
const FLAGS: Record<
  string,
  { key?: keyof StartupConfig; option: CliOption; number?: boolean; size?: boolean }
> = {
  name: {
    key: 'name',
    option: {
      type: 'string',
      valueName: 'NAME',
      description: 'service name (lock, metric labels); default: the script name',
    },
  },
  restart: {
    key: 'restart',
    option: {
      type: 'string',
      valueName: 'WHEN',
      description: 'on-failure (default), always or never',
    },
  },
  'max-restarts': {
    key: 'maxRestarts',
    number: true,
    option: {
      type: 'string',
      valueName: 'N',
      description: 'restarts allowed within --restart-window (default 10)',
    },
  },
  'restart-window': {
    key: 'restartWindowMs',
    option: {
      type: 'string',
      valueName: 'DURATION',
      description: 'window for --max-restarts (default 60s)',
    },
  },
  'max-memory': {
    key: 'maxMemory',
    size: true,
    option: {
      type: 'string',
      valueName: 'SIZE',
      description: 'restart when RSS stays over SIZE (512M, 2G)',
    },
  },
  'memory-scope': {
    key: 'memoryScope',
    option: {
      type: 'string',
      valueName: 'SCOPE',
      description:
        "what --max-memory counts: child (default) or tree (the child's whole process tree)",
    },
  },
  'hang-timeout': {
    key: 'hangTimeoutMs',
    option: {
      type: 'string',
      valueName: 'DURATION',
      description:
        'restart a Node child whose agent is silent this long (blocked event loop); default 30s, off to disable',
    },
  },
  'exit-with-supervisor': {
    key: 'exitWithSupervisor',
    option: {
      type: 'boolean',
      description: 'a Node child SIGTERMs itself when the supervisor vanishes (killed)',
    },
  },
  replace: {
    option: {
      type: 'boolean',
      description:
        "stop a previous supervisor's child that is still running (its supervisor was killed) instead of refusing",
    },
  },
  'snapshot-on-leak': {
    option: {
      type: 'boolean',
      description: 'heap snapshots of the child once a leak is confirmed (memory.snapshotOnLeak)',
    },
  },
  'snapshot-dir': {
    option: {
      type: 'string',
      valueName: 'DIR',
      description: 'where --snapshot-on-leak writes (memory.snapshotDir)',
    },
  },
  'max-memory-for': {
    key: 'maxMemoryForMs',
    option: {
      type: 'string',
      valueName: 'DURATION',
      description: 'how long RSS must stay over --max-memory (default 30s)',
    },
  },
  'kill-timeout': {
    key: 'killTimeoutMs',
    option: {
      type: 'string',
      valueName: 'MS',
      description: 'SIGTERM → SIGKILL grace: ms or a duration such as 10s (default 5000)',
    },
  },
  profile: {
    key: 'profile',
    option: {
      type: 'string',
      valueName: 'PROFILE',
      description: 'V8 profile: container (default), throughput, low-memory, none',
    },
  },
  'no-agent': {
    key: 'agent',
    option: { type: 'boolean', description: 'do not load the metrics agent into the child' },
  },
  'log-file': {
    key: 'logFile',
    option: {
      type: 'string',
      valueName: 'FILE',
      description: "write the child's stdout to FILE, rotated by size",
    },
  },
  'error-file': {
    key: 'errorFile',
    option: {
      type: 'string',
      valueName: 'FILE',
      description: "write the child's stderr to FILE (default: --log-file)",
    },
  },
  'log-max-size': {
    key: 'logMaxSize',
    size: true,
    option: {
      type: 'string',
      valueName: 'SIZE',
      description: 'rotate log files past SIZE (default 10M)',
    },
  },
  'lock-dir': {
    key: 'lockDir',
    option: {
      type: 'string',
      valueName: 'DIR',
      description: 'directory of the single-instance lock',
    },
  },
};

/** The options of `vitals run`, for its CliCommand. */
export const RUN_OPTIONS: Readonly<Record<string, CliOption>> = Object.fromEntries(
  Object.entries(FLAGS).map(([flag, { option }]) => [flag, option]),
);

/**
 * The startup config with `vitals run`'s flags applied over it. A bad flag value is a one-line
 * `ERR_USAGE` naming the flag.
 * @example runConfig(config, { 'max-memory': '512M' }).maxMemory // 536870912
 */
export function runConfig(config: StartupConfig, options: CliContext['options']): StartupConfig {
  const merged: Record<string, unknown> = { ...config };
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const value = options[flag];
    if (value === undefined || spec.key === undefined) continue;
    if (flag === 'no-agent') merged.agent = value !== true;
    else if (spec.size && /^\s*\d+(\.\d+)?\s*$/.test(String(value)))
      // A bare number is bytes in a config file, but on the command line `--max-memory 100`
      // is a slip (it restarted the child every 3 s forever, issue 11): a size needs a unit.
      throw new VitalsError(
        'ERR_USAGE',
        `--${flag} ${JSON.stringify(value)}: a size needs a unit; use 512M or 1G`,
      );
    else merged[spec.key] = spec.number && /^\d+$/.test(String(value)) ? Number(value) : value;
  }
  const parsed = startupConfigSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue.path[0]);
  const flag = Object.entries(FLAGS).find(([, spec]) => spec.key === key)?.[0] ?? key;
  throw new VitalsError('ERR_USAGE', `--${flag} ${JSON.stringify(merged[key])}: ${issue.message}`);
}
