import { escapeControl } from './escape';

describe('escapeControl', () => {
  it('escapes terminal control characters and keeps newlines, tabs and text', () => {
    expect(escapeControl('a\x1b[2Jb\x07\tc\nd é')).toBe('a\\x1b[2Jb\\x07\tc\nd é');
    expect(escapeControl('\x9b31m')).toBe('\\x9b31m');
  });
});
