import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** Keys whose values are secrets: shown by length, never by value. */
const SECRET = /(token|secret|password|passwd|apikey|api_key)$/i;

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? text.slice(0, 57) + '...' : text;
  } catch {
    return String(value);
  }
}

function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return typeof issue.minimum === 'number' || typeof issue.minimum === 'bigint'
        ? issue.origin === 'number'
          ? `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`
          : `must have at least ${issue.minimum} ${issue.origin === 'string' ? 'characters' : 'items'}`
        : issue.message;
    case 'too_big':
      return issue.origin === 'number'
        ? `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`
        : `must have at most ${issue.maximum} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/**
 * Turns a zod issue into `path must … (got …)`. Schema-specific messages (`schemas.*` and any
 * `{ error }` a plugin sets) win over the generic wording; unknown keys name the keys.
 */
export function describeIssue(issue: Issue, prefix: string[]): { path: string; text: string } {
  const segments = [...prefix, ...issue.path.map(String)];
  const dotted = segments.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    const at = segments.length ? segments.join('.') : 'the top level';
    return {
      path: segments
        .concat(issue.keys[0] ?? '')
        .filter(Boolean)
        .join('.'),
      text: `${at} has unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}; remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`,
    };
  }
  // zod's own wording ("Invalid input: expected number, received string") is replaced by ours;
  // a message a schema set on purpose (`schemas.*`, `{ error }`) is kept as it is.
  const generic = /^(Invalid|Too small|Too big|Unrecognized)/.test(issue.message);
  const custom = generic ? expectation(issue) : issue.message;
  // A secret is never echoed, not even a wrong one (it may be the real token, mistyped).
  const got = SECRET.test(segments[segments.length - 1] ?? '')
    ? typeof issue.input === 'string'
      ? `${issue.input.length} characters`
      : typeof issue.input
    : show(issue.input);
  return { path: dotted, text: `${dotted} ${custom} (got ${got})` };
}
