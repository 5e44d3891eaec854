import { formatBytes } from '@vitals/core';
import type { Finding, HealthCheck } from '@vitals/core';
import { envNotSupplied, finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { gradeAgainstLimit, percent } from '../severity.rules';
import { memoryBudget, suggestedHeapMb } from './memory.budget';

/** One flag of NODE_OPTIONS: name normalised to dashes, and its `=value` if any. */
export interface ParsedFlag {
  readonly raw: string;
  readonly name: string;
  readonly value?: string;
}

/**
 * Splits NODE_OPTIONS as Node does: on whitespace, with double quotes (and `\"` inside them)
 * keeping spaces. Tokens that do not start with `-` are values of the flag before them.
 * @example parseNodeOptions('--max-old-space-size=512 -r ./x.js') // 2 flags
 */
export function parseNodeOptions(text: string): ParsedFlag[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (ch === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (started) tokens.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) tokens.push(current);
  return tokens
    .filter((t) => t.startsWith('-'))
    .map((raw) => {
      const eq = raw.indexOf('=');
      const flag = eq < 0 ? raw : raw.slice(0, eq);
      // V8 accepts `--max_old_space_size` as well as `--max-old-space-size`.
      const name = flag.startsWith('--') ? `--${flag.slice(2).replace(/_/g, '-')}` : flag;
      return eq < 0 ? { raw, name } : { raw, name, value: raw.slice(eq + 1) };
    });
}

/** `--max-old-space-size` against the memory the process may use (see `memoryBudget`). */
function heapFlag(
  ctx: CheckContext,
  check: { name: string; area: string },
  flag: ParsedFlag,
): Finding[] {
  const mb = Number(flag.value);
  if (!Number.isFinite(mb) || mb <= 0) {
    return [
      finding(check, 'critical', `--max-old-space-size=${flag.value ?? ''} is not a size in MB`, {
        recommendation: 'give megabytes, e.g. --max-old-space-size=1536',
      }),
    ];
  }
  const budget = memoryBudget(ctx);
  if (budget === undefined) return [];
  const ratio = (mb * 1024 * 1024) / budget.bytes;
  const { severity, figure } = gradeAgainstLimit(ratio, ctx.thresholds.memoryUsedRatio);
  return [
    finding(
      check,
      severity,
      `--max-old-space-size=${mb} is ${percent(ratio)} of the ${formatBytes(budget.bytes)} ${budget.what}`,
      {
        figure,
        recommendation: `use --max-old-space-size=${suggestedHeapMb(budget)} (75% of the ${budget.what}) so the kernel does not kill the process first`,
        data: { maxOldSpaceMb: mb, memoryBytes: budget.bytes, ratio },
      },
    ),
  ];
}

/**
 * `node-options`: NODE_OPTIONS parsed and checked. A flag Node does not allow there is critical
 * (Node refuses to start); a flag given twice with different values a warning (the last wins);
 * `--max-old-space-size` above the container limit (else RAM) critical, above
 * `thresholds.memoryUsedRatio` of it a warning; `--inspect-brk` (waits for a debugger) and any
 * `--inspect` with NODE_ENV=production warnings.
 * @example nodeOptionsCheck(ctx).run(snapshot)
 */
export function nodeOptionsCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'node-options', area: 'environment' };
  return {
    ...check,
    run() {
      if (!ctx.env) return [envNotSupplied(check)];
      const text = ctx.env.NODE_OPTIONS ?? '';
      const flags = parseNodeOptions(text);
      if (flags.length === 0) return [finding(check, 'ok', 'NODE_OPTIONS is empty')];
      const out: Finding[] = [];
      for (const f of flags) {
        if (!process.allowedNodeEnvironmentFlags.has(f.name)) {
          out.push(
            finding(
              check,
              'critical',
              `NODE_OPTIONS has ${f.raw}, which Node does not allow there: node will not start`,
              {
                recommendation: `remove ${f.name} from NODE_OPTIONS (pass it on the command line if it is a valid node flag)`,
                data: { flag: f.name },
              },
            ),
          );
        }
      }
      const byName = new Map<string, ParsedFlag[]>();
      for (const f of flags) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
      for (const [name, list] of byName) {
        if (new Set(list.map((f) => f.value ?? '')).size > 1) {
          out.push(
            finding(
              check,
              'warning',
              `NODE_OPTIONS sets ${name} ${list.length} times with different values: ${list.map((f) => f.raw).join(', ')}`,
              {
                recommendation: `keep one ${name}; the last one wins`,
                data: { flag: name, values: list.map((f) => f.value) },
              },
            ),
          );
        }
      }
      const heap = [...flags].reverse().find((f) => f.name === '--max-old-space-size');
      if (heap) out.push(...heapFlag(ctx, check, heap));
      const inspect = flags.find(
        (f) => f.name.startsWith('--inspect') && f.name !== '--inspect-port',
      );
      if (inspect && (inspect.name === '--inspect-brk' || ctx.env.NODE_ENV === 'production')) {
        out.push(
          finding(
            check,
            'warning',
            `NODE_OPTIONS has ${inspect.raw}${inspect.name === '--inspect-brk' ? ': every node process waits for a debugger' : ' in production: a debugger port is open'}`,
            {
              recommendation: `remove ${inspect.name} outside debugging sessions`,
              data: { flag: inspect.name },
            },
          ),
        );
      }
      if (out.length === 0 || out.every((f) => f.severity === 'ok')) {
        out.unshift(
          finding(check, 'ok', `NODE_OPTIONS: ${flags.map((f) => f.raw).join(' ')}`, {
            data: { flags: flags.map((f) => f.raw) },
          }),
        );
      }
      return out;
    },
  };
}
