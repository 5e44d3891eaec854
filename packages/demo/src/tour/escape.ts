/**
 * Escapes C0/C1 control characters (except newline and tab) as `\xNN`, so text a child printed
 * cannot move the cursor or change the terminal's title when the tour shows it.
 * @example escapeControl('a\x1b[2Jb') // 'a\\x1b[2Jb'
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(
    /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
