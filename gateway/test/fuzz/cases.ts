/**
 * fast-check generators for everything a stranger can send the gateway, and the property every
 * answer must hold: a 4xx JSON error from the registry, or a well-formed stream that ends with
 * `done` or a retryable `error`; never a 5xx. Shared by the CI test and `npm run fuzz`.
 */
import fc from 'fast-check';
import { ERRORS, createSseParser, isErrorCode, type WireEvent } from '@chat/shared';
import { handToken, signHs256, customerClaims, JWT_SECRET, identitySecret, now } from '../helpers.js';

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What the generators may pick from: tokens and sessions made by the test before fuzzing. */
export interface Pool {
  tokens: string[];
  ownSessions: string[];
  otherSessions: string[];
}

// Text with everything that has bitten chat systems: control chars, bidi, surrogates, NUL, huge.
const nasty = fc.constantFrom(
  '\u0000',
  '\r\n',
  '\n\ndata: {"x":1}\n\n',
  '\u202e',
  '\ud800',
  '\uffff',
  '%00',
  '{{name}}',
  '</script><script>',
  '\\',
  '"',
  'event: done',
);
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(nasty, fc.string({ maxLength: 8 })), { maxLength: 20 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 3990, max: 4010 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('y'.repeat(20000)) },
);

const validId = fc.stringMatching(/^[A-Za-z0-9_-]{16,24}$/);
const sessionId = (p: Pool) =>
  fc.oneof(
    fc.constantFrom(...p.ownSessions),
    fc.constantFrom(...p.otherSessions),
    validId,
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom('..%2F..%2Fetc', '%00', 'a'.repeat(65), '*', '{x}', '%7Bx%7D'),
  );

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const authHeader = (p: Pool) =>
  fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...p.tokens).map((tk) => `Bearer ${tk}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,300}$/).map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${handToken({ alg: 'none' }, { sub: 'admin', tid: 'acme', site: 'acme-web' }, null)}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...p.tokens).map((tk) => {
        const [h, , s] = tk.split('.');
        return `Bearer ${h}.${b64({ sub: 'admin', tid: 'globex', site: 'globex-web', iss: 'chat-gateway', aud: 'chat', iat: now(), exp: now() + 60 })}.${s}`;
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ sub: fc.string({ maxLength: 140 }), site: fc.constantFrom('acme-web', 'globex-web', 'x') })
        .map((c) => `Bearer ${signHs256(customerClaims('acme', c.site, c.sub), identitySecret('acme'))}`),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        `Bearer ${signHs256({ iss: 'chat-gateway', aud: 'chat', sub: 'v_x', tid: 'acme', site: 'acme-web', iat: now(), exp: now() + 60 }, JWT_SECRET.replace('t', 'T'))}`,
      ),
    },
    { weight: 1, arbitrary: fc.constant(`Bearer ${'a'.repeat(5000)}`) },
  );

const chatBody = (p: Pool) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ message: fc.record({ id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), text }) }).map((b) => JSON.stringify(b)) },
    {
      weight: 3,
      arbitrary: fc.record({ sessionId: sessionId(p), message: fc.record({ id: fc.string({ maxLength: 70 }), text }) }).map((b) => JSON.stringify(b)),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc
        .record({ message: fc.anything(), sessionId: fc.anything(), extra: fc.anything() }, { requiredKeys: [] })
        .map((b) => JSON.stringify(b) ?? 'null'),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__":{"admin":true},"message":{"id":"a","text":"b"}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"message":{"id":"a","text":"b"},"message":{"id":"c","text":"d"}}',
        '[',
        '{"message":{"id":"a","text":"' + 'z'.repeat(20000) + '"}}',
      ),
    },
  );

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const origin = fc.oneof(fc.constantFrom('http://localhost:3000', 'https://globex.example', 'https://evil.example', 'null'), fc.string({ maxLength: 40 }));

/** Keep only what an HTTP client can put on the wire: header values without CR/LF/NUL or non-latin1. */
const headerSafe = (h: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => typeof e[1] === 'string' && /^[\x20-\x7e\t]*$/.test(e[1])));

export const request = (p: Pool): fc.Arbitrary<FuzzRequest> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ auth: authHeader(p), body: chatBody(p), ct: contentType, origin: fc.option(origin) }).map(({ auth, body, ct, origin }) => ({
        method: 'POST' as const,
        url: '/v1/chat',
        headers: headerSafe({ authorization: auth, 'content-type': ct, origin: origin ?? undefined }),
        body,
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          siteKey: fc.oneof(fc.constantFrom('pk_acme_web', 'pk_globex_web'), fc.string({ maxLength: 130 })),
          origin: fc.option(origin),
          raw: fc.option(fc.json(), { freq: 4 }),
        })
        .map(({ siteKey, origin, raw }) => ({
          method: 'POST' as const,
          url: '/v1/token',
          headers: headerSafe({ 'content-type': 'application/json', origin: origin ?? undefined }),
          body: raw ?? JSON.stringify({ siteKey }),
        })),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({
          auth: authHeader(p),
          id: sessionId(p),
          op: fc.constantFrom('', '/close', '/stream', '/stop'),
          method: fc.constantFrom('GET' as const, 'POST' as const),
          lastEventId: fc.option(fc.oneof(fc.nat().map(String), fc.string({ maxLength: 30 }))),
        })
        .map(({ auth, id, op, method, lastEventId }) => ({
          method,
          url: `/v1/sessions/${encodeURIComponent(id)}${op}`,
          headers: headerSafe({ authorization: auth, 'last-event-id': lastEventId ?? undefined }),
          ...(method === 'POST' ? { body: '' } : {}),
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          method: fc.constantFrom('GET' as const, 'POST' as const, 'PUT' as const, 'DELETE' as const, 'OPTIONS' as const),
          path: fc.oneof(
            fc.constantFrom('/healthz', '/readyz', '/metrics', '/widget.js', '/demo', '/v1', '/v1/chat/', '/v1/sessions', '/%', '/..%2F'),
            fc.webPath(),
          ),
          origin: fc.option(origin),
        })
        .map(({ method, path, origin }) => ({
          method,
          url: path.startsWith('/') ? path : `/${path}`,
          headers: headerSafe({ origin: origin ?? undefined, 'access-control-request-method': method === 'OPTIONS' ? 'POST' : undefined }),
        })),
    },
  );

/** The property: null when the answer is acceptable, else what is wrong with it. */
export function judge(req: FuzzRequest, res: FuzzResponse): string | null {
  if (res.status >= 500) return `${res.status} for ${req.method} ${req.url}: ${res.body.slice(0, 300)}`;
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) {
    const events: WireEvent[] = [];
    let invalid = '';
    const parser = createSseParser({ onEvent: (e) => events.push(e), onInvalid: (p) => (invalid ||= p) });
    parser.feed(res.body);
    if (invalid) return `invalid event: ${invalid}`;
    const last = events.at(-1);
    if (req.url.endsWith('/stream')) return null; // a replay may legitimately end at any event of a finished turn
    if (!last || (last.event !== 'done' && last.event !== 'error')) return `stream ended without done/error: ${res.body.slice(-300)}`;
    if (last.event === 'error' && (!isErrorCode(last.data.code) || last.data.code === 'internal')) return `stream error ${last.data.code}`;
    return null;
  }
  if (res.status >= 400) {
    let body: { error?: { code?: unknown; message?: unknown } };
    try {
      body = JSON.parse(res.body);
    } catch {
      return `${res.status} without a JSON body: ${res.body.slice(0, 200)}`;
    }
    const code = body.error?.code;
    if (!isErrorCode(code) || typeof body.error?.message !== 'string') return `${res.status} with a body outside the registry: ${res.body.slice(0, 200)}`;
    if (ERRORS[code].status !== res.status) return `${code} answered ${res.status}, registry says ${ERRORS[code].status}`;
  }
  return null;
}
