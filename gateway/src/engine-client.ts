/**
 * The one way the gateway talks to the engine: a pooled keep-alive undici client carrying the
 * service credential (never a visitor's token) and the request id. Engine JSON errors come back
 * as the same AppError; transport failures and credential refusals as engine_unavailable.
 * Several engines (ENGINE_URL comma-separated): requests go round-robin, and one that refuses the
 * connection or answers 503 (draining) is skipped for the next (safe: it did nothing). Any engine
 * serves any turn.
 */
import { Pool, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { AppError, isErrorCode, type TurnRequest } from '@chat/shared';
import type { Config } from './config.js';

export interface EngineStream {
  body: Readable;
}

export interface EngineClient {
  /** Resolves once the engine answered 200 text/event-stream; rejects with an AppError otherwise. */
  turn(sessionId: string, turn: TurnRequest, requestId: string, signal: AbortSignal): Promise<EngineStream>;
  getSession(sessionId: string, requestId: string): Promise<unknown>;
  closeSession(sessionId: string, requestId: string): Promise<unknown>;
  /** Erase every trace of the session in the engine (idempotent). */
  deleteSession(sessionId: string, requestId: string): Promise<void>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

type Log = { error: (obj: object, msg: string) => void };

/** Read a small JSON error body and turn it into the gateway's error. */
async function engineError(status: number, body: Readable, log: Log, headers: Record<string, unknown> = {}): Promise<AppError> {
  let parsed: unknown;
  try {
    let text = '';
    for await (const c of body) {
      text += c;
      if (text.length > 65536) break;
    }
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const err = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  // A refused service credential is our misconfiguration, not the visitor's: never answer 401 to them.
  if (status === 401 || status === 403 || !err || !isErrorCode(err.code) || err.code === 'unauthorized') {
    log.error({ engineStatus: status, engineError: err }, 'engine refused the request');
    return new AppError('engine_unavailable');
  }
  const e = new AppError(err.code, typeof err.message === 'string' ? err.message : undefined, err.details);
  // The engine's Retry-After (a busy session: what is left of its turn lock's lease) goes to the client as is.
  const retryAfter = Number(headers['retry-after']);
  if (Number.isInteger(retryAfter) && retryAfter > 0) e.retryAfterS = retryAfter;
  return e;
}

/**
 * The request body as a buffer of exactly its size. undici keeps the body until the response
 * ends, i.e. for the whole stream: a string (or a Buffer.from slice, which pins an 8 KB pool slab)
 * costs more than the bytes; with thousands of open streams that is about 1.5 KB each.
 */
function exactBuffer(text: string): Buffer {
  const buf = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buf.write(text);
  return buf;
}

/** Errors raised before the engine could have read the request: another replica may take it. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const notConnected = (e: unknown) => NOT_CONNECTED.has(String((e as { code?: unknown } | null)?.code));

export function createEngineClient(config: Config, log: Log): EngineClient {
  const pools = (config.engineUrls?.length ? config.engineUrls : [config.engineUrl]).map(
    (url) =>
      new Pool(url, {
        connections: config.enginePoolConnections,
        connectTimeout: config.engineConnectTimeoutMs,
        headersTimeout: config.engineHeadersTimeoutMs,
        bodyTimeout: config.engineBodyTimeoutMs,
        keepAliveTimeout: 30_000,
      }),
  );
  let next = 0;
  /** Round-robin, skipping replicas that refuse the connection. */
  const pool = {
    request: async (opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> => {
      const start = next++ % pools.length;
      for (let i = 0; ; i++) {
        const last = i + 1 >= pools.length;
        let res: Dispatcher.ResponseData;
        try {
          res = await pools[(start + i) % pools.length]!.request(opts);
        } catch (e) {
          if (last || !notConnected(e) || (opts.signal as AbortSignal | undefined)?.aborted) throw e;
          continue;
        }
        // 503 (a replica draining for a deploy, or without Redis) refuses before touching the
        // session: the next replica may serve it.
        if (res.statusCode === 503 && !last) {
          await res.body.dump().catch(() => {});
          continue;
        }
        return res;
      }
    },
  };
  const headers = (requestId: string) => ({
    authorization: `Bearer ${config.engineKey}`,
    'x-request-id': requestId,
  });

  async function json(method: 'GET' | 'POST' | 'DELETE', path: string, requestId: string): Promise<unknown> {
    let res;
    try {
      res = await pool.request({ method, path, headers: headers(requestId) });
    } catch (e) {
      log.error({ err: e }, 'engine unreachable');
      throw new AppError('engine_unavailable');
    }
    if (res.statusCode === 204) {
      await res.body.dump();
      return undefined;
    }
    if (res.statusCode !== 200) throw await engineError(res.statusCode, res.body, log, res.headers);
    return res.body.json();
  }

  return {
    async turn(sessionId, turn, requestId, signal) {
      let res;
      try {
        res = await pool.request({
          method: 'POST',
          path: `/v1/sessions/${encodeURIComponent(sessionId)}/turns`,
          headers: { ...headers(requestId), 'content-type': 'application/json', accept: 'text/event-stream' },
          body: exactBuffer(JSON.stringify(turn)),
          signal,
        });
      } catch (e) {
        if (!signal.aborted) log.error({ err: e }, 'engine unreachable');
        throw new AppError('engine_unavailable');
      }
      if (res.statusCode !== 200) throw await engineError(res.statusCode, res.body, log, res.headers);
      return { body: res.body };
    },
    getSession: (id, requestId) => json('GET', `/v1/sessions/${encodeURIComponent(id)}`, requestId),
    closeSession: (id, requestId) => json('POST', `/v1/sessions/${encodeURIComponent(id)}/close`, requestId),
    deleteSession: async (id, requestId) => void (await json('DELETE', `/v1/sessions/${encodeURIComponent(id)}`, requestId)),
    /** Ready while at least one replica is. */
    async ready() {
      const one = async (p: Pool) => {
        try {
          const res = await p.request({ method: 'GET', path: '/readyz', headersTimeout: 2000, bodyTimeout: 2000 });
          await res.body.dump();
          return res.statusCode === 200;
        } catch {
          return false;
        }
      };
      return (await Promise.all(pools.map(one))).some(Boolean);
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}
