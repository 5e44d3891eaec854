import { normalizeCommand } from './command.normalizer';

describe('normalizeCommand', () => {
  it('treats a relative script started from its folder like the absolute path', () => {
    const a = normalizeCommand(['node', './bot.js'], '/srv/bot');
    const b = normalizeCommand(['/usr/bin/node', '/srv/bot/bot.js'], '/');
    const c = normalizeCommand(['node', '../bot/bot.js'], '/srv/other');
    expect(a?.key).toBe(b?.key);
    expect(c?.key).toBe(b?.key);
    expect(a?.display).toBe('node /srv/bot/bot.js');
  });

  it('drops interpreter flags, with their separate values, but keeps program arguments', () => {
    const a = normalizeCommand(
      ['node', '--max-old-space-size=512', '-r', 'dotenv/config', 'bot.js', '--live'],
      '/srv',
    );
    expect(a?.display).toBe('node /srv/bot.js --live');
    expect(normalizeCommand(['node', 'bot.js', '--paper'], '/srv')?.key).not.toBe(a?.key);
  });

  it('keys inline code and python modules by their text', () => {
    expect(normalizeCommand(['node', '-e', 'setInterval(()=>{},1e3)'])?.display).toBe(
      'node eval:setInterval(()=>{},1e3)',
    );
    expect(normalizeCommand(['python3', '-u', '-m', 'http.server', '8000'])?.display).toBe(
      'python3 module:http.server 8000',
    );
  });

  it('resolves a relative executable and leaves PATH lookups alone', () => {
    expect(normalizeCommand(['./worker', '-v'], '/opt/app')?.display).toBe('/opt/app/worker -v');
    expect(normalizeCommand(['nginx', '-g', 'daemon off;'])?.display).toBe('nginx -g daemon off;');
  });

  it('returns undefined for an empty command line', () => {
    expect(normalizeCommand([])).toBeUndefined();
  });
});
