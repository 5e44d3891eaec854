import type { CliCommand, CliOption } from '@vitals/core';

function optionLines(options: Readonly<Record<string, CliOption>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(0, ...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`);
}

/** `vitals --help`. */
export function renderHelp(
  version: string,
  commands: readonly CliCommand[],
  globals: Readonly<Record<string, CliOption>>,
  plugins: readonly string[],
): string {
  const names = commands.map((c) => [c.name + (c.usage ? '' : ''), c.summary] as const);
  names.push(['config check [file]', 'Validate a configuration file']);
  names.sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...names.map(([n]) => n.length)) + 2;
  return [
    `vitals ${version}: keeps long-running Node.js services healthy`,
    '',
    'Usage: vitals <command> [options]',
    '',
    'Commands:',
    ...names.map(([n, s]) => `  ${n.padEnd(width)}${s}`),
    '',
    'Global options:',
    ...optionLines(globals),
    '',
    `Plugins loaded: ${plugins.join(', ') || 'none'} (config "plugins" picks them; default: every installed @vitals/* plugin)`,
    '',
  ].join('\n');
}

/** `vitals <command> --help`. */
export function renderCommandHelp(
  command: CliCommand,
  globals: Readonly<Record<string, CliOption>>,
): string {
  const usage = command.usage ?? (command.options ? '[options]' : '');
  return [
    `Usage: vitals ${command.name} ${usage}`.trimEnd(),
    '',
    command.summary,
    '',
    'Options:',
    ...optionLines({ ...(command.options ?? {}), ...globals }),
    '',
  ].join('\n');
}
