/**
 * The shared Redis plumbing against a real redis-server: a script defined with `defineLua` runs by
 * name on a client created with it (EVALSHA, and EVAL once when the server has forgotten it), and a
 * client created without it refuses with a message naming the script, instead of an obscure TypeError.
 */
import t from 'tap';
import { defineLua, newRedisClient, runScript, type RedisConnection } from '../../src/server/redis.js';
import { startRedis } from '../../../scripts/testkit/index.js';

const INCR_BY = defineLua('testIncrBy', `return redis.call('INCRBY', KEYS[1], ARGV[1])`);
const redis = await startRedis();
t.teardown(() => redis.stop());

t.test('a script runs on a client created with it, also after SCRIPT FLUSH', async (t) => {
  const client = newRedisClient<RedisConnection & { scriptFlush(): Promise<unknown> }>(redis.url, { scripts: [INCR_BY] });
  await client.connect();
  t.teardown(() => client.close());
  t.equal(await runScript(client, INCR_BY, ['k'], ['2']), 2);
  await client.scriptFlush(); // a restarted Redis: NOSCRIPT, then node-redis sends the source
  t.equal(await runScript(client, INCR_BY, ['k'], ['3']), 5);
});

t.test('a client created without the script says which one is missing', async (t) => {
  const client = newRedisClient<RedisConnection>(redis.url);
  await client.connect();
  t.teardown(() => client.close());
  t.throws(() => runScript(client, INCR_BY, ['k'], ['1']), /created without the script "testIncrBy"/);
});
