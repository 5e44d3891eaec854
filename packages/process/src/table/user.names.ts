import { readFileSync } from 'node:fs';

/**
 * Maps uids to user names from `/etc/passwd` (read once per call: the file is a few KB). Users from
 * NSS sources other than the file (LDAP, sssd) are shown by number.
 * @param path - the passwd file. @default '/etc/passwd'
 * @example readUserNames().get(0) // 'root'
 */
export function readUserNames(path = '/etc/passwd'): Map<number, string> {
  const names = new Map<number, string>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 3 && /^\d+$/.test(fields[2]) && !names.has(Number(fields[2]))) {
      names.set(Number(fields[2]), fields[0]);
    }
  }
  return names;
}
