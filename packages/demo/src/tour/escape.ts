// Matching control characters is the point of this expression.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Escapes C0/C1 control characters (except newline and tab) as `\xNN`, so text a child printed
 * cannot move the cursor or change the terminal's title when the tour shows it.
 * @example escapeControl('a\x1b[2Jb') // 'a\\x1b[2Jb'
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
