/**
 * C0 controls, DEL, C1 controls (`\x9b` is a one-byte CSI on some terminals), and the Unicode
 * bidirectional overrides and isolates that reorder what a terminal shows ("Trojan Source").
 */
const CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[${CLASS}]`, 'g');
const CONTROL_BUT_NEWLINE = new RegExp(`(?!\\n)[${CLASS}]`, 'g');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Makes text from outside (another user's command line, a file name, a unit description, an
 * HTTP answer) safe to print on a terminal: every control character is shown as an escape
 * (`\n`, `\r`, `\t`, `\x1b`, `\x9b`, `\u202e`), so a newline cannot forge a table row and
 * `ESC[2J` cannot clear the screen. Printable text, including non-ASCII letters and the
 * backslash, is kept as it is. `--json` output needs none of this: JSON strings carry the text.
 * @param options.keepNewlines keep `\n` (for a whole block of lines built by Vitals itself)
 * @example escapeControl('bot\x1b[2J') // 'bot\\x1b[2J'
 */
export function escapeControl(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL, escapeOne);
}
