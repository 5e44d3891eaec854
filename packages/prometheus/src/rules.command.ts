import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CliCommand, CliContext } from '@vitals/core';
import { prometheusRulesYaml } from './rules.export';

/** Exit code of a usage error (sysexits EX_USAGE). */
const EXIT_USAGE = 64;

/**
 * Writes `text` to `path` without following a symbolic link at the last component (O_NOFOLLOW),
 * creating it 0644 or truncating the regular file that is there, through the one descriptor.
 */
function writeFileNoFollow(path: string, text: string): void {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * `vitals rules export [--output FILE] [--group NAME]`: the host's effective alert rules (the
 * defaults built from `thresholds`, the config's overrides, `monitor.alerts.extra` and every
 * plugin's own) as a Prometheus rule file on stdout or in FILE, so a fleet's Prometheus runs the
 * same rules (see `toPrometheusRule` for what maps how). Plugins add their rules when they
 * start, so the command starts the host briefly; the CLI gives it port 0, so a `vitals start`
 * already running on the configured port is no obstacle.
 *
 * @example vitals rules export --output /etc/prometheus/rules/vitals.yml && promtool check rules /etc/prometheus/rules/vitals.yml
 */
export const rulesExportCommand: CliCommand = {
  name: 'rules export',
  summary: "write the host's alert rules as a Prometheus rule file",
  usage: '[--output FILE] [--group NAME]',
  options: {
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description: 'write to FILE instead of stdout (a symbolic link there is refused)',
    },
    group: { type: 'string', valueName: 'NAME', description: 'rule group name (default vitals)' },
  },
  async run(ctx: CliContext): Promise<number> {
    const output = ctx.options.output as string | undefined;
    const group = (ctx.options.group as string | undefined) ?? 'vitals';
    if (output === '') {
      ctx.stderr.write('vitals: rules export: --output needs a file name\n');
      return EXIT_USAGE;
    }
    if (!/^[\w.:-]{1,100}$/.test(group)) {
      ctx.stderr.write(
        'vitals: rules export: --group takes 1-100 letters, digits, _ . : or - (e.g. --group vitals)\n',
      );
      return EXIT_USAGE;
    }
    await ctx.host.start();
    const rules = ctx.host.alerts.rules();
    const text = prometheusRulesYaml(rules, { group });
    await ctx.host.stop('rules export');
    if (output === undefined) {
      ctx.stdout.write(text);
      return 0;
    }
    const path = isAbsolute(output) ? output : resolve(ctx.cwd, output);
    try {
      writeFileNoFollow(path, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ELOOP'
          ? 'it is a symbolic link; give the real path'
          : code === 'ENOENT'
            ? 'its folder does not exist'
            : code === 'EACCES'
              ? 'permission denied'
              : ((error as Error).message ?? String(error));
      ctx.stderr.write(`rules export: cannot write ${JSON.stringify(path)}: ${why}\n`);
      return 1;
    }
    ctx.stderr.write(`wrote ${rules.length} rules to ${path}\n`);
    return 0;
  },
};
