import { isLoopbackHost } from './loopback-host';

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
    'LOCALHOST',
  ])('treats %s as loopback', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    '0.0.0.0',
    '::',
    '',
    '10.0.0.1',
    '128.0.0.1',
    '::2',
    'example.com',
    'localhost.example.com',
  ])('treats %p as reachable from elsewhere', (host) => expect(isLoopbackHost(host)).toBe(false));
});
