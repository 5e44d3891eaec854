import type { CliOption } from '@vitals/core';

/** `--yes`, the same for every command that acts: without it, a dry run or a y/N prompt. */
export const YES_OPTION: CliOption = {
  type: 'boolean',
  short: 'y',
  description: 'act without asking (otherwise a dry run, or a y/N prompt in a terminal)',
};

/** `--json`. */
export const JSON_OPTION: CliOption = { type: 'boolean', description: 'print JSON' };

/** Options shared by `ps --duplicates --kill` and `kill-duplicates`. */
export const KILL_OPTIONS: Readonly<Record<string, CliOption>> = {
  filter: {
    type: 'string',
    valueName: 'TEXT',
    description: 'only processes (or duplicate groups) whose command contains TEXT',
  },
  json: JSON_OPTION,
  yes: YES_OPTION,
  keep: {
    type: 'string',
    valueName: 'oldest|newest|PID',
    description: 'which copy of each group stays (default oldest)',
  },
  grace: {
    type: 'string',
    valueName: 'MS',
    description: 'wait between SIGTERM and SIGKILL, ms or "5s" (default config graceMs)',
  },
  'all-users': { type: 'boolean', description: 'root only: include other users’ processes' },
};

/** Options of `ps`. */
export const PS_OPTIONS: Readonly<Record<string, CliOption>> = {
  sort: {
    type: 'string',
    valueName: 'rss|cpu|pid|start',
    description: 'sort order (rss and cpu: largest first)',
  },
  sample: {
    type: 'string',
    valueName: 'MS',
    description: 'CPU% as a rate sampled over MS (pidusage) instead of the lifetime average',
  },
  duplicates: { type: 'boolean', description: 'list groups of processes running the same program' },
  kill: {
    type: 'boolean',
    description: 'with --duplicates: stop all copies but one (see kill-duplicates)',
  },
  ...KILL_OPTIONS,
};
