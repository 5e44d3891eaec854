import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Children } from '../__fixtures__/children.test-util';
import { readProcessTable } from '../table/process.table';
import { normalizeCommand } from './command.normalizer';
import { findDuplicateGroups } from './duplicate.finder';
import { matchesService } from './service.matcher';

const cmd = (argv: string[], cwd = '/srv/bot') => normalizeCommand(argv, cwd)!;

describe('matchesService', () => {
  it('matches the program by whole path segments, never by substring', () => {
    expect(matchesService('bot.js', cmd(['node', 'bot.js']))).toBe(true);
    expect(matchesService('bot.js', cmd(['/usr/bin/node', '--inspect', './bot.js']))).toBe(true);
    expect(matchesService('srv/bot/bot.js', cmd(['node', 'bot.js']))).toBe(true);
    expect(matchesService('/srv/bot', cmd(['node', 'bot.js']))).toBe(true);
    expect(matchesService('bot.js', cmd(['tail', '-f', 'bot.js.log']))).toBe(false);
    expect(matchesService('bot.js', cmd(['tail', '-f', 'bot.js']))).toBe(false);
    expect(matchesService('bot.js', cmd(['node', 'robot.js']))).toBe(false);
    expect(matchesService('bot.js', cmd(['node', 'bot.js.bak']))).toBe(false);
    expect(matchesService('bot', cmd(['node', 'bot.js']))).toBe(false);
    expect(matchesService('/srv/bo', cmd(['node', 'bot.js']))).toBe(false);
    expect(matchesService('bot.js', cmd(['vim', 'bot.js']))).toBe(false);
  });

  it('matches the interpreter and the first arguments as whole words', () => {
    expect(matchesService('node bot.js', cmd(['node', 'bot.js', '--live']))).toBe(true);
    expect(matchesService('bot.js --live', cmd(['node', 'bot.js', '--live']))).toBe(true);
    expect(matchesService('bot.js --live', cmd(['node', 'bot.js', '--live-x']))).toBe(false);
    expect(matchesService('python bot.js', cmd(['node', 'bot.js']))).toBe(false);
    expect(matchesService('redis-server', cmd(['/usr/bin/redis-server', '*:6379']))).toBe(true);
    expect(matchesService('   ', cmd(['node', 'bot.js']))).toBe(false);
  });

  it('keeps `tail -f bot.js.log` out of the real bot group (real processes)', async () => {
    const children = new Children();
    try {
      const dir = children.botDir();
      writeFileSync(join(dir, 'bot', 'bot.js.log'), '');
      // Absolute paths: other tests on this machine may run their own bot.js.
      const script = join(dir, 'bot', 'bot.js');
      const tail = spawn('tail', ['-f', `${script}.log`], { stdio: 'ignore' });
      try {
        await new Promise((r) => setTimeout(r, 200));
        const a = await children.start(['bot/bot.js'], dir);
        const b = await children.start(['bot/bot.js'], dir);
        const groups = findDuplicateGroups(readProcessTable(), {
          services: [{ name: 'bot', match: script }],
        });
        const bot = groups.find((g) => g.key === 'service:bot');
        expect(bot?.members.map((m) => m.pid)).toEqual([a.pid, b.pid]);
        expect(bot?.oldest.pid).not.toBe(tail.pid);
      } finally {
        tail.kill('SIGKILL');
      }
    } finally {
      await children.killAll();
    }
  });
});
