/** Run fuzz cases against a gateway: in process (`inject`) or over a real socket; then check Redis. */
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { redisSnapshot } from '../redis-snapshot.js';
import { fetchToken, postChat } from '../processes.js';
import type { FuzzRequest, FuzzResponse, Pool } from './cases.js';

export async function viaInject(app: FastifyInstance, r: FuzzRequest): Promise<FuzzResponse> {
  const res = await app.inject({ method: r.method, url: r.url, headers: r.headers, ...(r.body !== undefined ? { payload: r.body } : {}) });
  return { status: res.statusCode, headers: res.headers as FuzzResponse['headers'], body: res.body };
}

/** Over a socket; a stream still open after `timeoutMs` (a live resume) is cut and judged as read. */
export function viaSocket(base: string, r: FuzzRequest, timeoutMs = 10_000): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const req = httpRequest(`${base}${r.url}`, {
      method: r.method,
      headers: { ...r.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
    });
    const timer = setTimeout(() => req.destroy(new Error('fuzz timeout')), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      const done = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      };
      res.on('end', done);
      res.on('close', done);
    });
    req.end(body);
  });
}

/** Tokens of several visitors (acme and globex) and a few sessions for the generators to reuse. */
export async function makePool(gatewayUrl: string): Promise<Pool> {
  const tokens: string[] = [];
  for (let i = 0; i < 8; i++) tokens.push(await fetchToken(gatewayUrl));
  const globex = await fetchToken(gatewayUrl, 'pk_globex_web', 'https://globex.example');
  tokens.push(globex);
  const open = async (token: string, id: string, origin: string) => {
    const res = await postChat(gatewayUrl, token, { message: { id, text: "I'm Pat Pool" } });
    const text = await res.text();
    const m = /"sessionId":"([A-Za-z0-9_-]+)"/.exec(text);
    if (!m) throw new Error(`no session: ${res.status} ${text} ${origin}`);
    return m[1]!;
  };
  const ownSessions = [await open(tokens[0]!, 'p1', ''), await open(tokens[0]!, 'p2', '')];
  const otherSessions = [await open(globex, 'p3', '')];
  return { tokens, ownSessions, otherSessions };
}

/**
 * Redis after the storm: every gateway session has its engine checkpoint and the other way round,
 * and no turn lock or lease is left behind. Returns the problems found.
 */
export async function redisProblems(url: string): Promise<string[]> {
  const keys = Object.keys(await redisSnapshot(url));
  const tagOf = (k: string) => /\{([A-Za-z0-9_-]{16,64})\}/.exec(k)?.[1];
  const gateway = new Set(
    keys
      .filter((k) => k.startsWith('gw:session:'))
      .map(tagOf)
      .filter(Boolean),
  );
  const engine = new Set(
    keys
      .filter((k) => !k.startsWith('gw:') && !k.startsWith('lock:') && !k.startsWith('tx:'))
      .map(tagOf)
      .filter(Boolean),
  );
  const problems: string[] = [];
  for (const id of gateway) if (!engine.has(id)) problems.push(`gateway session ${id} has no engine checkpoint`);
  for (const id of engine) if (!gateway.has(id)) problems.push(`engine thread ${id} has no gateway session`);
  for (const k of keys) if (/^lock:|lease|:lock/.test(k)) problems.push(`leftover lock ${k}`);
  return problems;
}
