import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Spawns and tracks real child processes; `killAll()` in afterEach. */
export class Children {
  private readonly list: ChildProcess[] = [];
  private readonly dirs: string[] = [];

  /** A fresh folder with a copy of the idle fixture at `<dir>/bot/bot.js`. */
  botDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'vitals-proc-'));
    mkdirSync(join(dir, 'bot'));
    copyFileSync(join(__dirname, 'idle.js'), join(dir, 'bot', 'bot.js'));
    this.dirs.push(dir);
    return dir;
  }

  /** Starts `node <args>` in `cwd` and resolves once it printed `ready`. */
  start(args: string[], cwd: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    this.list.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
  }

  /** Resolves with the signal that ended `child` (or null). */
  exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
    if (child.exitCode !== null || child.signalCode !== null)
      return Promise.resolve(child.signalCode);
    return new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
  }

  /** The child with `pid`. */
  byPid(pid: number): ChildProcess {
    const child = this.list.find((c) => c.pid === pid);
    if (!child) throw new Error(`no child with pid ${pid}`);
    return child;
  }

  /** Whether `child` is still running. */
  alive(child: ChildProcess): boolean {
    return child.exitCode === null && child.signalCode === null;
  }

  async killAll(): Promise<void> {
    await Promise.all(
      this.list.map((child) => {
        if (!this.alive(child)) return undefined;
        const done = this.exited(child);
        child.kill('SIGKILL');
        return done;
      }),
    );
    this.list.length = 0;
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
