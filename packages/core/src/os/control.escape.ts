/**
 * C0 controls (incl. tab, newline, ESC), DEL, C1 controls (0x80–0x9f: CSI 0x9b starts an escape
 * sequence on many terminals), line/paragraph separators and the bidirectional overrides and
 * isolates used to make text read differently from what it is ("Trojan Source", CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Makes outside text (another process's command line, a `comm` name, a mount point, a label value)
 * safe to print on a terminal: every control character becomes visible escape text — `\n`, `\r`,
 * `\t`, `\xHH` for the other C0/C1 controls and DEL, `\u{HHHH}` for line separators and bidi
 * controls — so it can neither move the cursor, clear the screen, nor forge a line or table row.
 * Printable text (any script, emoji) is unchanged; backslashes are left as they are. For human
 * output only: JSON output carries the raw text as a JSON string.
 * @example escapeControl('bot.js\n\x1b[2J') // 'bot.js\\n\\x1b[2J'
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (ch) => {
    const named = NAMED[ch];
    if (named !== undefined) return named;
    const code = ch.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u{${code.toString(16).toUpperCase()}}`;
  });
}
