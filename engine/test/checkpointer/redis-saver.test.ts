/**
 * RedisSaver's own promises, against a real redis-server: one command per operation on the wire,
 * no KEYS/SCAN, TTL on every key, trimming to keepLatest, one hash tag per thread (and a real
 * one-node Redis Cluster), deleteThread, binary-safe values, and a LangGraph graph resuming
 * across two savers on two connections.
 */
import t from 'tap';
import { createClient, createCluster } from 'redis';
import { emptyCheckpoint, uuid6, type Checkpoint, type CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { startRedis, waitFor } from '../../../scripts/testkit/index.js';
import { RedisSaver } from '../../src/state/redis-saver.js';
import { scriptsOption } from '@chat/shared/server';
import { SAVER_SCRIPTS } from '../../src/state/redis-saver-scripts.js';
import { startRespCounter } from './resp-counter.js';

type Client = ReturnType<typeof createClient>;
const meta = (step: number): CheckpointMetadata => ({ source: 'loop', step, parents: {} });

function checkpoint(values: Record<string, unknown>, versions: Record<string, number>): Checkpoint {
  return { ...emptyCheckpoint(), id: uuid6(-1), channel_values: values, channel_versions: versions };
}

/** Every key of a thread, found by SCAN (fine in a test: the saver itself never scans to find them). */
async function threadKeys(client: Client, saver: RedisSaver, threadId: string): Promise<string[]> {
  const keys: string[] = [];
  const base = saver.threadBase(threadId).replace(/[*?[\]\\]/g, '\\$&');
  for await (const batch of client.scanIterator({ MATCH: `${base}*`, COUNT: 1000 })) keys.push(...batch);
  return keys.sort();
}

/** One turn of a graph: a checkpoint with one changed channel, then a task's writes against it. */
async function turn(saver: RedisSaver, threadId: string, step: number, parent?: string, ns = '') {
  const cp = checkpoint({ step, [`only_${step}`]: `v${step}` }, { step: step + 1, [`only_${step}`]: 1 });
  const cfg = await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: parent } }, cp, meta(step), {
    step: step + 1,
    [`only_${step}`]: 1,
  });
  await saver.putWrites(
    cfg,
    [
      ['step', step + 1],
      ['log', `w${step}`],
    ],
    `task-${step}`,
  );
  return cfg.configurable!.checkpoint_id as string;
}

t.test('RedisSaver on one redis-server', async (t) => {
  const redis = await startRedis();
  const counter = await startRespCounter(redis.port);
  const admin: Client = createClient({ url: redis.url });
  const client = createClient({ url: counter.url, scripts: scriptsOption(SAVER_SCRIPTS) }) as unknown as Client;
  await Promise.all([admin.connect(), client.connect()]);
  t.teardown(async () => {
    await Promise.all([admin.close(), client.close()]);
    await counter.close();
    await redis.stop();
  });

  t.test('each operation is one command on the wire (EVALSHA); a flushed script cache costs one EVAL', async (t) => {
    const saver = new RedisSaver({ client, prefix: 'rt' });
    const thread = { configurable: { thread_id: 'round-trips', checkpoint_ns: '' } };
    await turn(saver, 'round-trips', 0); // loads every script
    await saver.getTuple(thread);
    await saver.deleteThread('nobody');

    let cfg = thread as typeof thread & { configurable: { checkpoint_id?: string } };
    const put = await counter.during(async () => {
      cfg = (await saver.put(thread, checkpoint({ a: 1 }, { a: 1 }), meta(1), { a: 1 })) as typeof cfg;
    });
    t.same(put, ['EVALSHA'], 'put: one EVALSHA');
    t.same(
      await counter.during(() =>
        saver.putWrites(
          cfg,
          [
            ['a', 2],
            ['b', 3],
          ],
          'task',
        ),
      ),
      ['EVALSHA'],
      'putWrites: one EVALSHA',
    );
    t.same(await counter.during(() => saver.getTuple(cfg)), ['EVALSHA'], 'getTuple by id: one EVALSHA');
    let latest: Awaited<ReturnType<RedisSaver['getTuple']>>;
    const getLatest = await counter.during(async () => {
      latest = await saver.getTuple(thread);
    });
    t.ok(getLatest.length <= 2, 'getTuple latest: at most two commands');
    t.same(getLatest, ['EVALSHA'], 'getTuple latest: one EVALSHA');
    t.equal(latest!.checkpoint.id, cfg.configurable.checkpoint_id);
    t.same(latest!.pendingWrites, [
      ['task', 'a', 2],
      ['task', 'b', 3],
    ]);
    t.same(await counter.during(() => saver.deleteThread('round-trips')), ['EVALSHA'], 'deleteThread: one EVALSHA');

    await admin.scriptFlush();
    const afterFlush = await counter.during(() => turn(saver, 'round-trips', 5));
    t.same(afterFlush, ['EVALSHA', 'EVAL', 'EVALSHA', 'EVAL'], 'NOSCRIPT falls back to EVAL once per script');
    t.equal((await saver.getTuple(thread))?.checkpoint.channel_values.only_5, 'v5', 'the EVAL fallback wrote the checkpoint');
  });

  t.test('no KEYS or SCAN reaches Redis during a workload of getTuple/put/putWrites/list(thread)/deleteThread', async (t) => {
    const saver = new RedisSaver({ client, prefix: 'stats' });
    await admin.configResetStat();
    let parent: string | undefined;
    for (let i = 0; i < 6; i++) {
      parent = await turn(saver, 'stats-1', i, parent);
      await saver.getTuple({ configurable: { thread_id: 'stats-1' } });
    }
    for await (const _ of saver.list({ configurable: { thread_id: 'stats-1' } })) void _;
    await saver.deleteThread('stats-1');
    const stats = await admin.info('commandstats');
    t.match(stats, /cmdstat_evalsha:calls=\d+/, 'the saver ran its scripts');
    t.notMatch(stats, /cmdstat_keys:/, 'no KEYS');
    t.notMatch(stats, /cmdstat_scan:/, 'no SCAN');
  });

  t.test('put sets and refreshes the TTL of every key of the thread', async (t) => {
    const saver = new RedisSaver({ client, prefix: 'ttl', ttlSeconds: 600 });
    const first = await turn(saver, 'ttl-1', 0);
    await turn(saver, 'ttl-1', 0, undefined, 'sub:graph|1');
    const keys = await threadKeys(admin, saver, 'ttl-1');
    t.ok(keys.length >= 8, `the thread has its keys (${keys.length})`);
    for (const key of keys) {
      const ttl = await admin.ttl(key);
      t.ok(ttl > 0 && ttl <= 600, `${key} expires in ${ttl}s`);
    }
    for (const key of keys) await admin.expire(key, 5);
    await turn(saver, 'ttl-1', 1, first);
    const after = await threadKeys(admin, saver, 'ttl-1');
    for (const key of after) t.ok((await admin.ttl(key)) > 500, `${key} refreshed by the next put`);
  });

  t.test('only keepLatest checkpoints (and their writes and values) are kept after 10 puts', async (t) => {
    const saver = new RedisSaver({ client, prefix: 'keep', keepLatest: 3 });
    const ids: string[] = [];
    // The first checkpoint writes `origin`; no later one changes it, so the kept ones read its blob.
    const c0 = checkpoint({ origin: 'first', step: 0 }, { origin: 1, step: 1 });
    const cfg0 = await saver.put({ configurable: { thread_id: 'keep-1' } }, c0, meta(0), { origin: 1, step: 1 });
    await saver.putWrites(cfg0, [['step', 1]], 'task-0');
    ids.push(c0.id);
    for (let i = 1; i < 10; i++) {
      const cp = checkpoint({ origin: 'first', step: i }, { origin: 1, step: i + 1 });
      const cfg = await saver.put({ configurable: { thread_id: 'keep-1', checkpoint_id: ids.at(-1) } }, cp, meta(i), { step: i + 1 });
      await saver.putWrites(cfg, [['step', i + 1]], `task-${i}`);
      ids.push(cp.id);
    }
    const listed: string[] = [];
    for await (const tuple of saver.list({ configurable: { thread_id: 'keep-1' } })) listed.push(tuple.checkpoint.id);
    t.same(listed, ids.slice(-3).reverse(), 'list: the 3 newest, newest first');
    const keys = await threadKeys(admin, saver, 'keep-1');
    t.equal(keys.filter((k) => k.includes(':cp:')).length, 3, '3 checkpoint hashes');
    t.equal(keys.filter((k) => k.includes(':w:')).length, 3, '3 pending-writes hashes');
    for (const old of ids.slice(0, 7))
      t.notOk(
        keys.some((k) => k.endsWith(old)),
        `trimmed checkpoint ${old} has no key left`,
      );
    const blobs = keys.find((k) => k.endsWith(':blobs'))!;
    t.same((await admin.hKeys(blobs)).sort(), ['origin:1', 'step:10', 'step:8', 'step:9'], 'values only the kept checkpoints read');
    const latest = await saver.getTuple({ configurable: { thread_id: 'keep-1' } });
    t.same(latest?.checkpoint.channel_values, { origin: 'first', step: 9 }, 'the latest still reads a value written by a trimmed checkpoint');
    t.same(latest?.pendingWrites, [['task-9', 'step', 10]]);
    t.equal(await saver.getTuple({ configurable: { thread_id: 'keep-1', checkpoint_id: ids[0] } }), undefined, 'a trimmed checkpoint is gone');
  });

  t.test('every key of a thread carries the same {thread} hash tag, whatever the thread id', async (t) => {
    const saver = new RedisSaver({ client, prefix: 'tag' });
    for (const threadId of ['plain-uuid-like', 'we}ird{:id,with|chars', '}leading']) {
      await turn(saver, threadId, 0);
      await turn(saver, threadId, 0, undefined, 'child:ns');
      const keys = await threadKeys(admin, saver, threadId);
      t.ok(keys.length >= 8, `${threadId}: ${keys.length} keys`);
      const tags = new Set(keys.map((k) => /\{([^}]*)\}/.exec(k)?.[1]));
      t.same([...tags], [encodeURIComponent(threadId)], `${threadId}: one non-empty tag, the encoded thread id`);
      t.equal((await saver.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: 'child:ns' } }))?.checkpoint.channel_values.only_0, 'v0');
    }
  });

  t.test('deleteThread removes every key of the thread and nothing else', async (t) => {
    const saver = new RedisSaver({ client, prefix: 'del' });
    let parent: string | undefined;
    for (let i = 0; i < 5; i++) parent = await turn(saver, 'del-1', i, parent);
    await turn(saver, 'del-1', 0, undefined, 'child');
    await turn(saver, 'del-2', 0);
    t.ok((await threadKeys(admin, saver, 'del-1')).length > 0);
    const other = await threadKeys(admin, saver, 'del-2');
    await saver.deleteThread('del-1');
    t.same(await threadKeys(admin, saver, 'del-1'), [], 'no key of del-1 left');
    t.same(await threadKeys(admin, saver, 'del-2'), other, 'del-2 untouched');
    t.equal(await saver.getTuple({ configurable: { thread_id: 'del-1' } }), undefined);
  });

  t.test('binary channel values round-trip byte for byte', async (t) => {
    const saver = new RedisSaver({ client, prefix: 'bin' });
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const cp = checkpoint({ raw: bytes }, { raw: 1 });
    const cfg = await saver.put({ configurable: { thread_id: 'bin-1' } }, cp, meta(0), { raw: 1 });
    await saver.putWrites(cfg, [['raw', bytes]], 'task');
    const got = await saver.getTuple(cfg);
    t.same(Buffer.from(got?.checkpoint.channel_values.raw as Uint8Array), Buffer.from(bytes), 'channel value');
    t.same(Buffer.from(got?.pendingWrites?.[0]?.[2] as Uint8Array), Buffer.from(bytes), 'pending write');
  });

  t.test('a compiled StateGraph resumes across two RedisSaver instances on two connections', async (t) => {
    const other = createClient({ url: redis.url, scripts: scriptsOption(SAVER_SCRIPTS) }) as unknown as Client;
    await other.connect();
    t.teardown(() => other.close());
    const State = Annotation.Root({ steps: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
    const builder = new StateGraph(State)
      .addNode('ask', () => ({ steps: ['ask'] }))
      .addNode('answer', () => ({ steps: ['answer'] }))
      .addEdge(START, 'ask')
      .addEdge('ask', 'answer')
      .addEdge('answer', END);
    const config = { configurable: { thread_id: 'graph-1' } };
    const one = builder.compile({ checkpointer: new RedisSaver({ client, prefix: 'graph' }), interruptBefore: ['answer'] });
    const two = builder.compile({ checkpointer: new RedisSaver({ client: other, prefix: 'graph' }) });

    t.same((await one.invoke({ steps: ['input'] }, config)).steps, ['input', 'ask'], 'first instance stops before answer');
    const state = await two.getState(config);
    t.same(state.next, ['answer'], 'second instance sees where the first stopped');
    t.same((await two.invoke(null, config)).steps, ['input', 'ask', 'answer'], 'second instance resumes and finishes');
    t.same(
      (await one.invoke({ steps: ['again'] }, config)).steps,
      ['input', 'ask', 'answer', 'again', 'ask'],
      "first instance continues from the second one's state",
    );
  });
});

t.test('RedisSaver on a one-node Redis Cluster (real slots, real cross-slot checks)', async (t) => {
  const redis = await startRedis({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'] });
  const admin: Client = createClient({ url: redis.url });
  await admin.connect();
  await admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
  await waitFor(async () => (await admin.sendCommand<string>(['CLUSTER', 'INFO'])).includes('cluster_state:ok'), 10_000, 'cluster ok');
  const cluster = createCluster({ rootNodes: [{ url: redis.url }], scripts: scriptsOption(SAVER_SCRIPTS) });
  await cluster.connect();
  t.teardown(async () => {
    await cluster.close();
    await admin.close();
    await redis.stop();
  });

  const saver = new RedisSaver({ client: cluster, prefix: 'cl', keepLatest: 2 });
  let parent: string | undefined;
  for (let i = 0; i < 4; i++) parent = await turn(saver, 'cl:thread{1}', i, parent);
  await turn(saver, 'cl:thread{1}', 0, undefined, 'child');
  await turn(saver, 'cl-other', 0);
  const latest = await saver.getTuple({ configurable: { thread_id: 'cl:thread{1}' } });
  t.equal(latest?.checkpoint.id, parent, 'latest by one script on the slot');
  t.same(latest?.pendingWrites, [
    ['task-3', 'step', 4],
    ['task-3', 'log', 'w3'],
  ]);

  const keys = await threadKeys(admin, saver, 'cl:thread{1}');
  const slots = new Set(await Promise.all(keys.map((k) => admin.sendCommand<number>(['CLUSTER', 'KEYSLOT', k]))));
  t.equal(slots.size, 1, `all ${keys.length} keys of the thread in one slot`);

  const all: string[] = [];
  for await (const tuple of saver.list({ configurable: {} })) all.push(`${tuple.config.configurable?.thread_id}/${tuple.config.configurable?.checkpoint_ns}`);
  t.same([...new Set(all)].sort(), ['cl-other/', 'cl:thread{1}/', 'cl:thread{1}/child'], 'list without thread_id scans the masters');
  t.equal(all.length, 4, 'keepLatest=2 per namespace: 2 + 1 + 1');

  await saver.deleteThread('cl:thread{1}');
  t.same(await threadKeys(admin, saver, 'cl:thread{1}'), [], 'deleteThread on the cluster');
  t.ok(await saver.getTuple({ configurable: { thread_id: 'cl-other' } }), 'other thread intact');
});
