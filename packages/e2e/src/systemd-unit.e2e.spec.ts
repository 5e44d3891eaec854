import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// docs/systemd/vitals-bot.service: parsed and checked for what `vitals run` needs from systemd,
// then verified by the real systemd-analyze (Debian's systemd 252 is installed; it checks keys and
// ExecStart without systemd running as PID 1).
const UNIT = path.resolve(__dirname, '../../../docs/systemd/vitals-bot.service');

/** `[Section]` → key → values (a key may repeat), as systemd reads a unit file. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const kv = /^(\w+)=(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`not a unit line: ${line}`);
    current.set(kv[1], [...(current.get(kv[1]) ?? []), kv[2]]);
  }
  return sections;
}

function verify(file: string): { code: number | null; out: string } {
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', cwd: os.tmpdir() });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

describe('docs/systemd/vitals-bot.service', () => {
  const unit = parseUnit(fs.readFileSync(UNIT, 'utf8'));
  const service = unit.get('Service')!;
  const one = (key: string) => service.get(key)?.[0];

  it('runs the bot under vitals run as a notify service that systemd restarts', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('main');
    expect(one('ExecStart')).toMatch(
      /^\/usr\/bin\/node \S+\/bin\/vitals\.js run .* -- \/usr\/bin\/node \S+$/,
    );
    expect(one('KillMode')).toBe('mixed');
    expect(one('Restart')).toBe('on-failure');
    // vitals exits 64 on bad input (EXIT_USAGE): systemd must not restart it every RestartSec.
    expect(one('RestartPreventExitStatus')).toBe('64');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
    // The supervisor's own kill timeout (5 s by default) fits inside systemd's stop timeout.
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(5);
    expect(one('User')).not.toBe('root');
  });

  it('passes systemd-analyze verify', () => {
    expect(verify(UNIT)).toEqual({ code: 0, out: '' });
  });

  it('is checked by a verify that does catch a wrong key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-unit-'));
    try {
      const bad = path.join(dir, 'vitals-bot.service');
      fs.writeFileSync(bad, fs.readFileSync(UNIT, 'utf8').replace('KillMode=', 'KilMode='));
      expect(verify(bad).out).toContain("Unknown key 'KilMode'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
