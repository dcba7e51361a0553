/**
 * Test helpers: a real redis-server and real engine processes, and a client that reads a turn's
 * SSE stream the way `curl -N` does, stamping each event with its arrival time.
 */
import { request } from 'undici';
import { readFileSync } from 'node:fs';
import { readSse, type WireEvent, type Template } from '@chat/shared';
import { startRedis, startService, type RedisServer, type ServiceProcess } from '../../scripts/testkit/index.js';

export const ENGINE_KEY = 'test-engine-key-0123456789abcdef';

export const leadIntake = JSON.parse(readFileSync(new URL('./fixtures/lead-intake.json', import.meta.url), 'utf8')) as Template;

export interface Stamped {
  ev: WireEvent;
  at: number;
}

export interface TurnResult {
  status: number;
  events: Stamped[];
  /** The JSON error body when the answer was not a stream. */
  error?: { code: string; message: string; details?: unknown };
  reply: string;
  tokens: string[];
  done?: { status: string; reply: string };
  data?: { data: Record<string, unknown>; missing: string[]; invalid: Array<{ field: string; message: string }> };
}

let seq = 0;
export const newSessionId = () => `sess_${Date.now().toString(36)}_${(++seq).toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
export const newMessageId = () => `m_${Date.now().toString(36)}_${(++seq).toString(36)}`;

export async function turn(
  baseUrl: string,
  sessionId: string,
  body: unknown,
  opts: { key?: string | null; rawBody?: string; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<TurnResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  const key = opts.key === undefined ? ENGINE_KEY : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await request(`${baseUrl}/v1/sessions/${sessionId}/turns`, {
    method: 'POST',
    headers,
    body: opts.rawBody ?? JSON.stringify(body),
    signal: opts.signal,
  });
  const out: TurnResult = { status: res.statusCode, events: [], reply: '', tokens: [] };
  if (!String(res.headers['content-type']).startsWith('text/event-stream')) {
    out.error = ((await res.body.json()) as { error: TurnResult['error'] }).error;
    return out;
  }
  for await (const ev of readSse(res.body)) {
    out.events.push({ ev, at: performance.now() });
    if (ev.event === 'token') out.tokens.push(ev.data.text);
    if (ev.event === 'data') out.data = ev.data;
    if (ev.event === 'done') out.done = ev.data;
  }
  out.reply = out.tokens.join('');
  return out;
}

export async function say(baseUrl: string, sessionId: string, text: string, template?: Template): Promise<TurnResult> {
  return turn(baseUrl, sessionId, { message: { id: newMessageId(), text }, ...(template ? { template } : {}) });
}

export async function api(baseUrl: string, method: 'GET' | 'POST', path: string, key: string | null = ENGINE_KEY) {
  const res = await request(`${baseUrl}${path}`, { method, headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.statusCode, body: (await res.body.json()) as any };
}

export interface EngineStack {
  redis: RedisServer;
  engines: ServiceProcess[];
  startEngine(env?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export async function startStack(n = 1, env: Record<string, string> = {}, redisOpts = {}): Promise<EngineStack> {
  const redis = await startRedis(redisOpts);
  const engines: ServiceProcess[] = [];
  const startEngine = async (more: Record<string, string> = {}) => {
    const e = await startService('engine', { env: { ENGINE_KEY, REDIS_URL: redis.url, ...env, ...more } });
    engines.push(e);
    return e;
  };
  try {
    for (let i = 0; i < n; i++) await startEngine();
  } catch (e) {
    // A service that fails to start must not leave the others (and the test) hanging.
    await Promise.all(engines.map((p) => p.kill()));
    await redis.stop();
    throw e;
  }
  return {
    redis,
    engines,
    startEngine,
    async stop() {
      // SIGTERM, not SIGKILL: a clean exit lets the processes write their coverage.
      await Promise.all(engines.map((e) => e.kill('SIGTERM')));
      await redis.stop();
    },
  };
}
