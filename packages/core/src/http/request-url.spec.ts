import type { IncomingMessage } from 'node:http';
import { parseRequestUrl } from './request-url';

const req = (url: string, host?: string): IncomingMessage =>
  ({ url, headers: host === undefined ? {} : { host } }) as IncomingMessage;

describe('parseRequestUrl', () => {
  it('parses origin-form targets with the Host header', () => {
    const url = parseRequestUrl(req('/api/series/a%20b?since=5', 'example.com:9477'));
    expect(url?.href).toBe('http://example.com:9477/api/series/a%20b?since=5');
    expect(url?.searchParams.get('since')).toBe('5');
  });

  it('keeps //host/path a path, and a hostile Host header cannot change the path', () => {
    expect(parseRequestUrl(req('//evil.example/metrics', 'localhost'))?.pathname).toBe(
      '//evil.example/metrics',
    );
    expect(parseRequestUrl(req('/metrics', 'evil/other'))?.pathname).toBe('/metrics');
  });

  it('resolves dot segments so ../ cannot climb above the root', () => {
    expect(parseRequestUrl(req('/dashboard/../../etc/passwd'))?.pathname).toBe('/etc/passwd');
  });

  it('parses absolute-form targets and rejects what is not a URL', () => {
    expect(parseRequestUrl(req('http://proxy.example/metrics'))?.pathname).toBe('/metrics');
    expect(parseRequestUrl(req('*'))).toBeUndefined();
  });
});
