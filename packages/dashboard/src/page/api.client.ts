/** The page's side of the API: the token, JSON requests and the event stream with backoff. */

const TOKEN_KEY = 'vitals.token';

/** The server refused the token (401). */
export class AuthError extends Error {
  constructor(readonly hadToken: boolean) {
    super(hadToken ? 'the host refused this token' : 'the host asks for a token');
  }
}

/** The token kept for this browser session (sessionStorage), if any. */
export function savedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Keeps `token` for this browser session; `null` forgets it. */
export function saveToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage disabled: the token lives only in memory until the page reloads.
  }
}

function headers(): Record<string, string> {
  const token = savedToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** GET `path` as JSON with the token as a Bearer header; throws AuthError on 401. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: headers(), cache: 'no-store', signal });
  if (res.status === 401) throw new AuthError(savedToken() !== null);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** One server-sent event. */
export interface ServerEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Reads `/events` with fetch rather than EventSource: EventSource cannot send the Authorization
 * header (the token would have to go in the URL, where logs and history keep it) and cannot tell a
 * 401 from a dropped connection. Resolves when the server ends the stream; rejects on errors and
 * when nothing (not even a heartbeat) arrives for `idleMs`.
 */
export async function readEvents(
  path: string,
  onOpen: () => void,
  onEvent: (e: ServerEvent) => void,
  idleMs: number,
  signal: AbortSignal,
): Promise<void> {
  const idle = new AbortController();
  const abort = () => idle.abort();
  signal.addEventListener('abort', abort, { once: true });
  let timer = setTimeout(abort, idleMs);
  try {
    const res = await fetch(path, {
      headers: { ...headers(), Accept: 'text/event-stream' },
      cache: 'no-store',
      signal: idle.signal,
    });
    if (res.status === 401) throw new AuthError(savedToken() !== null);
    if (!res.ok || !res.body) throw new Error(`${path}: HTTP ${res.status}`);
    onOpen();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      clearTimeout(timer);
      timer = setTimeout(abort, idleMs);
      buffer += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':') || line === '') continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = text;
          else if (field === 'data') data.push(text);
        }
        if (data.length > 0) onEvent({ event, data: data.join('\n') });
      }
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

/** Delay before reconnect attempt `n` (0-based): 1 s doubling to 15 s, ±20 % jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(15_000, 1000 * 2 ** Math.min(attempt, 4));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
