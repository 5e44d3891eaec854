import { isVitalsError } from '../errors';
import type { HttpMethod, HttpRoute } from './http.types';
import { RouteMatcher } from './route.matcher';

const route = (method: HttpMethod, path: string): HttpRoute => ({
  method,
  path,
  handle: () => undefined,
});

function found(
  matcher: RouteMatcher,
  method: string,
  path: string,
): { path: string; params: Record<string, string> } {
  const m = matcher.match(method, path);
  if (m.kind !== 'found') throw new Error(`expected a route for ${method} ${path}, got ${m.kind}`);
  return { path: m.route.path, params: m.params };
}

describe('RouteMatcher', () => {
  const matcher = new RouteMatcher([
    route('GET', '/dashboard/*'),
    route('GET', '/api/series/:name'),
    route('GET', '/api/series/latest'),
    route('GET', '/api/:kind/:id'),
    route('POST', '/api/series/:name'),
    route('GET', '/metrics'),
    route('GET', '/*'),
  ]);

  it('matches exact paths, with or without a trailing slash', () => {
    expect(found(matcher, 'GET', '/metrics')).toEqual({ path: '/metrics', params: {} });
    expect(found(matcher, 'GET', '/metrics/')).toEqual({ path: '/metrics', params: {} });
  });

  it('decodes :param segments', () => {
    expect(found(matcher, 'GET', '/api/series/heap%20used%2Fmb')).toEqual({
      path: '/api/series/:name',
      params: { name: 'heap used/mb' },
    });
    expect(found(matcher, 'GET', '/api/alerts/7').params).toEqual({ kind: 'alerts', id: '7' });
  });

  it('prefers exact over param over prefix, and a literal segment over a parameter', () => {
    expect(found(matcher, 'GET', '/api/series/latest').path).toBe('/api/series/latest');
    expect(found(matcher, 'GET', '/api/series/x').path).toBe('/api/series/:name');
    expect(found(matcher, 'GET', '/dashboard/app.js')).toEqual({
      path: '/dashboard/*',
      params: { '*': 'app.js' },
    });
    expect(found(matcher, 'GET', '/dashboard')).toEqual({
      path: '/dashboard/*',
      params: { '*': '' },
    });
    expect(found(matcher, 'GET', '/elsewhere/deep')).toEqual({
      path: '/*',
      params: { '*': 'elsewhere/deep' },
    });
  });

  it('falls through to a route that answers the method', () => {
    expect(found(matcher, 'POST', '/api/series/x').path).toBe('/api/series/:name');
    expect(matcher.match('POST', '/metrics')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'HEAD'],
    });
  });

  it('answers HEAD with GET routes and lists every method of the path for 405', () => {
    expect(found(matcher, 'HEAD', '/metrics').path).toBe('/metrics');
    expect(matcher.match('DELETE', '/api/series/x')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'HEAD', 'POST'],
    });
  });

  it('reports unknown paths and malformed encodings', () => {
    const small = new RouteMatcher([route('GET', '/a/:x')]);
    expect(small.match('GET', '/b')).toEqual({ kind: 'not-found' });
    expect(small.match('GET', '/a')).toEqual({ kind: 'not-found' });
    expect(small.match('GET', '/a//')).toEqual({ kind: 'not-found' });
    expect(small.match('GET', '/a/%E0%A4%A')).toEqual({ kind: 'malformed' });
  });

  it('throws ERR_HTTP_ROUTE_CONFLICT naming the path for the same method and path', () => {
    const conflict = (routes: HttpRoute[]): unknown => {
      try {
        new RouteMatcher(routes);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const same = conflict([route('GET', '/metrics'), route('GET', '/metrics/')]);
    expect(isVitalsError(same, 'ERR_HTTP_ROUTE_CONFLICT')).toBe(true);
    expect((same as Error).message).toContain('GET "/metrics"');
    const params = conflict([route('GET', '/a/:x'), route('GET', '/a/:y')]);
    expect((params as Error).message).toContain('"/a/:x" and "/a/:y"');
    expect(conflict([route('GET', '/a/*'), route('GET', '/a/*')])).toBeDefined();
    expect(
      conflict([route('GET', '/a'), route('POST', '/a'), route('GET', '/a/*')]),
    ).toBeUndefined();
  });

  it('rejects malformed route declarations with ERR_INVALID_ARGUMENT', () => {
    const bad = [
      route('GET', 'metrics'),
      route('GET', '/a/*/b'),
      route('GET', '/a/:'),
      route('GET', '/a/:x/:x'),
      route('HEAD' as HttpMethod, '/a'),
    ];
    for (const r of bad) {
      expect(() => new RouteMatcher([r])).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
  });
});
