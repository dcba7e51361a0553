/**
 * LangGraph's own checkpointer conformance suite against RedisSaver and a real Redis.
 * Run: `npm run validate:checkpointer -w engine` (vitest with --globals; its CLI is broken in 1.1.1).
 * Uses REDIS_URL when set, else starts a private redis-server. Each checkpointer the suite asks
 * for gets its own key prefix, so the suite's `list` across all threads sees only its own data,
 * and destroyCheckpointer deletes exactly those keys.
 */
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { createClient } from 'redis';
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import { startRedis, type RedisServer } from '../../../scripts/testkit/index.js';
import { RedisSaver } from '../../src/state/redis-saver.js';
import { scriptsOption } from '@chat/shared/server';
import { SAVER_SCRIPTS } from '../../src/state/redis-saver-scripts.js';

let server: RedisServer | undefined;
let client: ReturnType<typeof createClient>;

const initializer = {
  checkpointerName: 'RedisSaver',
  beforeAllTimeout: 30_000,
  async beforeAll() {
    let url = process.env.REDIS_URL;
    if (!url) {
      server = await startRedis();
      url = server.url;
    }
    client = createClient({ url, scripts: scriptsOption(SAVER_SCRIPTS) }) as unknown as typeof client;
    await client.connect();
  },
  async afterAll() {
    await client?.close();
    await server?.stop();
  },
  createCheckpointer() {
    return new RedisSaver({ client, prefix: `lgspec-${randomUUID()}` });
  },
  async destroyCheckpointer(saver: RedisSaver) {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${saver.prefix}:*`, COUNT: 1000 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  },
};

validate(initializer);
// Opt-in in the package: the in-repo savers run it too (delta channels walk parent checkpoints).
describe('RedisSaver (opt-in suites)', () => {
  deltaChannelHistoryTests(initializer);
});
