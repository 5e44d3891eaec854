import {
  defaultServiceName,
  exitCodeOf,
  readRssFromProc,
  resolveChildCommand,
} from './child.command';

describe('child command', () => {
  it('runs a .js file with this Node and recognises Node binaries', () => {
    expect(resolveChildCommand('app.mjs', ['-p'], '/usr/bin/node')).toEqual({
      command: '/usr/bin/node',
      args: ['app.mjs', '-p'],
      isNode: true,
    });
    expect(resolveChildCommand('/opt/node20/bin/node', [], '/usr/bin/node').isNode).toBe(true);
    expect(resolveChildCommand('nodejs', [], '/usr/bin/node').isNode).toBe(true);
    expect(resolveChildCommand('python3', ['app.py'], '/usr/bin/node').isNode).toBe(false);
    expect(resolveChildCommand('nodemon', [], '/usr/bin/node').isNode).toBe(false);
  });

  it('names the service after the script, else the program', () => {
    expect(defaultServiceName('node', ['--inspect', 'dist/server.mjs'])).toBe('server');
    expect(defaultServiceName('./worker.js', [])).toBe('worker');
    expect(defaultServiceName('/usr/bin/redis-server', ['--port', '1'])).toBe('redis-server');
  });

  it('turns a signal death into 128 + its number', () => {
    expect(exitCodeOf(3, null)).toBe(3);
    expect(exitCodeOf(null, 'SIGTERM')).toBe(143);
    expect(exitCodeOf(null, 'SIGKILL')).toBe(137);
  });

  it('reads RSS from /proc and gives undefined for a pid that does not exist', () => {
    expect(readRssFromProc(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
    expect(readRssFromProc(2 ** 22 + 1)).toBeUndefined();
  });
  it('names a service whose script name a lock cannot hold by what it can', () => {
    expect(defaultServiceName('node', ['my app.js'])).toBe('my-app');
    expect(defaultServiceName('node', ['/srv/ünï côde.js'])).toBe('n-c-de');
    expect(defaultServiceName('node', ['...js'])).toBe('service');
  });
});
