import { VitalsError } from '../errors';
import type { HttpMethod, HttpRoute } from './http.types';

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Outcome of {@link RouteMatcher.match}. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: HttpRoute; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'malformed' };

type Segment = { readonly literal: string } | { readonly param: string };

interface CompiledRoute {
  readonly route: HttpRoute;
  /** 0 exact, 1 with `:param` segments, 2 prefix (`/*`): lower wins. */
  readonly rank: 0 | 1 | 2;
  readonly segments: readonly Segment[];
  readonly order: number;
}

/**
 * Routes requests to {@link HttpRoute}s without a framework: exact paths, `:param` segments
 * (decoded) and prefixes ending in `/*` (the rest of the path is `params['*']`). Exact beats
 * param beats prefix; among params a literal segment beats a parameter, left to right; among
 * prefixes the longer wins. A trailing slash is ignored. HEAD is answered by GET routes. Two
 * routes with the same method and path shape throw `ERR_HTTP_ROUTE_CONFLICT`.
 *
 * @example
 * const matcher = new RouteMatcher([{ method: 'GET', path: '/api/series/:name', handle }]);
 * matcher.match('GET', '/api/series/heap%20used'); // { kind: 'found', params: { name: 'heap used' } }
 */
export class RouteMatcher {
  private readonly exact = new Map<string, HttpRoute>();
  private readonly ordered: CompiledRoute[];

  constructor(routes: readonly HttpRoute[]) {
    const seen = new Map<string, HttpRoute>();
    const compiled = routes.map((route, order) => compile(route, order));
    for (const c of compiled) {
      const shape = `${c.route.method} ${shapeOf(c)}`;
      const other = seen.get(shape);
      if (other) {
        const paths =
          other.path === c.route.path
            ? `"${c.route.path}"`
            : `"${other.path}" and "${c.route.path}"`;
        throw new VitalsError(
          'ERR_HTTP_ROUTE_CONFLICT',
          `two HTTP routes answer ${c.route.method} ${paths}; register each method and path once`,
        );
      }
      seen.set(shape, c.route);
      if (c.rank === 0) this.exact.set(`${c.route.method} ${shapeOf(c)}`, c.route);
    }
    this.ordered = compiled.sort(compare);
  }

  /** Finds the route for `method` and a URL `pathname` (percent-encoded, as `URL#pathname`). */
  match(method: string, pathname: string): RouteMatch {
    const path = trimSlash(pathname);
    const wanted = method === 'HEAD' ? 'GET' : method;
    const hit = this.exact.get(`${wanted} ${path}`);
    if (hit) return { kind: 'found', route: hit, params: {} };

    const parts = path === '/' ? [] : path.slice(1).split('/');
    const allow = new Set<string>();
    for (const c of this.ordered) {
      const raw = matchSegments(c, parts);
      if (!raw) continue;
      if (c.route.method !== wanted) {
        allow.add(c.route.method);
        continue;
      }
      try {
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries(raw)) params[k] = decodeURIComponent(v);
        return { kind: 'found', route: c.route, params };
      } catch {
        return { kind: 'malformed' };
      }
    }
    if (allow.size === 0) return { kind: 'not-found' };
    if (allow.has('GET')) allow.add('HEAD');
    return { kind: 'method-not-allowed', allow: [...allow].sort() };
  }
}

function compile(route: HttpRoute, order: number): CompiledRoute {
  const where = `HTTP route "${String(route?.method)} ${String(route?.path)}"`;
  const fail = (why: string): never => {
    throw new VitalsError('ERR_INVALID_ARGUMENT', `${where}: ${why}`);
  };
  if (!METHODS.includes(route?.method)) fail(`method must be one of ${METHODS.join(', ')}`);
  if (typeof route.handle !== 'function') fail('handle must be a function');
  if (typeof route.path !== 'string' || !route.path.startsWith('/'))
    fail('path must start with "/"');
  const prefix = route.path === '/*' || route.path.endsWith('/*');
  const body = trimSlash(prefix ? route.path.slice(0, -2) || '/' : route.path);
  const names = new Set<string>();
  const segments: Segment[] = (body === '/' ? [] : body.slice(1).split('/')).map((s) => {
    if (s.includes('*')) fail('"*" is allowed only as the last segment ("/prefix/*")');
    if (!s.startsWith(':')) return { literal: s };
    const name = s.slice(1);
    if (!PARAM_NAME.test(name)) fail(`parameter ":${name}" must be a name like ":id"`);
    if (names.has(name)) fail(`parameter ":${name}" appears twice`);
    names.add(name);
    return { param: name };
  });
  const rank = prefix ? 2 : names.size > 0 ? 1 : 0;
  return { route, rank, segments, order };
}

function shapeOf(c: CompiledRoute): string {
  const path = '/' + c.segments.map((s) => ('literal' in s ? s.literal : ':')).join('/');
  return c.rank === 2 ? `${path === '/' ? '' : path}/*` : path;
}

function compare(a: CompiledRoute, b: CompiledRoute): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.rank === 2 && a.segments.length !== b.segments.length) {
    return b.segments.length - a.segments.length;
  }
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const la = 'literal' in a.segments[i] ? 0 : 1;
    const lb = 'literal' in b.segments[i] ? 0 : 1;
    if (la !== lb) return la - lb;
  }
  return a.order - b.order;
}

function matchSegments(
  c: CompiledRoute,
  parts: readonly string[],
): Record<string, string> | undefined {
  const n = c.segments.length;
  if (c.rank === 2 ? parts.length < n : parts.length !== n) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const s = c.segments[i];
    if ('literal' in s) {
      if (s.literal !== parts[i]) return undefined;
    } else {
      if (parts[i] === '') return undefined;
      params[s.param] = parts[i];
    }
  }
  if (c.rank === 2) params['*'] = parts.slice(n).join('/');
  return params;
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
