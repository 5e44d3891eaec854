import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake `systemctl` on a private PATH: it appends its arguments to a log and answers like
 * systemd would, by `FAKE_SYSTEMCTL_MODE`: `json` (systemd ≥ 246), `plain` (older: rejects
 * `--output=json`), `nosystemd` (a container without systemd).
 */
export class FakeSystemctl {
  readonly dir = mkdtempSync(join(tmpdir(), 'vitals-systemctl-'));
  /** Stands in for /run/systemd/system. */
  readonly runDir = join(this.dir, 'run-systemd-system');
  private readonly log = join(this.dir, 'calls.log');

  constructor() {
    mkdirSync(join(this.dir, 'bin'));
    mkdirSync(this.runDir);
    const script = join(this.dir, 'bin', 'systemctl');
    writeFileSync(
      script,
      `#!/bin/sh
echo "$*" >> "$FAKE_SYSTEMCTL_LOG"
case "$FAKE_SYSTEMCTL_MODE" in
  nosystemd) echo "System has not been booted with systemd as init system (PID 1). Can't operate." >&2; exit 1;;
esac
case "$*" in
  *--output=json*)
    if [ "$FAKE_SYSTEMCTL_MODE" = plain ]; then echo "Unknown output 'json'." >&2; exit 1; fi
    echo '[{"unit":"bot.service","load":"loaded","active":"failed","sub":"failed","description":"Trading bot"}]';;
  *list-units*)
    printf 'bot.service    loaded failed failed Trading bot (paper)\\nworker@2.service loaded failed failed Worker 2\\n';;
  *show*)
    case "$*" in
      *missing.service*) printf 'Id=missing.service\\nLoadState=not-found\\nActiveState=inactive\\nSubState=dead\\nMainPID=0\\nNRestarts=0\\n';;
      *) printf 'Id=bot.service\\nDescription=Trading bot\\nLoadState=loaded\\nActiveState=active\\nSubState=running\\nMainPID=4242\\nNRestarts=3\\n';;
    esac;;
  *reset-failed*|*restart*) ;;
  *) echo "unknown command" >&2; exit 1;;
esac
`,
    );
    chmodSync(script, 0o755);
  }

  /** The env to hand to the code under test. */
  env(mode: 'json' | 'plain' | 'nosystemd' = 'json'): Record<string, string> {
    return {
      PATH: `${join(this.dir, 'bin')}:/usr/bin:/bin`,
      FAKE_SYSTEMCTL_LOG: this.log,
      FAKE_SYSTEMCTL_MODE: mode,
    };
  }

  /** Argument lines the fake received, in order. */
  calls(): string[] {
    try {
      return readFileSync(this.log, 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
