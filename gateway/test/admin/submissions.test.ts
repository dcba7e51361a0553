/**
 * The leads store, on a real redis-server and in memory, through one behaviour suite: one
 * submission per session (create then update, 'complete' sticks), concurrent upserts of a session
 * from two clients, filters, cursor pages that stay full and end exactly, bad cursors, delete and
 * retention leaving nothing behind. Then what only Redis has: a vanished key skipped in a listing,
 * and the same store on node-redis's cluster client (all of a tenant's keys in one slot).
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createClient, createCluster } from 'redis';
import { scriptsOption } from '@chat/shared/server';
import { AppError, type Submission } from '@chat/shared';
import { startRedis, startRedisCluster } from '../../../scripts/testkit/index.js';
import {
  memorySubmissions,
  redisSubmissions,
  SUBMISSION_SCRIPTS,
  submissionIndexKey,
  submissionKey,
  submissionSessionKey,
  type SubmissionInput,
  type SubmissionStore,
  type SubmissionStoreOptions,
} from '../../src/admin/submissions.js';

const redis = await startRedis();
const scripts = scriptsOption(SUBMISSION_SCRIPTS);
const c1 = createClient({ url: redis.url, scripts });
const c2 = createClient({ url: redis.url, scripts });
await Promise.all([c1.connect(), c2.connect()]);
t.teardown(async () => {
  await Promise.all([c1.close(), c2.close()]);
  await redis.stop();
});

const sessionId = () => randomBytes(16).toString('base64url');
let tenantSeq = 0;
const tenant = () => `t${++tenantSeq}-${randomBytes(3).toString('hex')}`;

function input(tenantId: string, session: string, over: Partial<SubmissionInput> = {}): SubmissionInput {
  return {
    tenantId,
    sessionId: session,
    siteId: 'web',
    templateId: 'lead',
    templateVersion: 1,
    status: 'abandoned',
    data: { name: 'Ann Lee' },
    context: { url: 'https://acme.example/pricing', language: 'en' },
    ...over,
  };
}

/** A clock the test moves; starts at the real time so Redis TTLs (relative) stay sensible. */
function testClock() {
  let now = Date.now();
  return {
    now: () => now,
    set: (ms: number) => (now = ms),
    tick: (ms: number) => (now += ms),
    get value() {
      return now;
    },
  };
}

/** Newest first: createdAt, then id, both descending. */
const newestFirst = (a: Submission, b: Submission) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

async function allPages(store: SubmissionStore, tenantId: string, q: Parameters<SubmissionStore['list']>[1]) {
  const pages: Array<{ ids: string[]; next: string | null }> = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await store.list(tenantId, { ...q, ...(cursor ? { cursor } : {}) });
    pages.push({ ids: page.items.map((s) => s.id), next: page.next });
    if (!page.next) return pages;
    cursor = page.next;
  }
  throw new Error('no last page');
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

interface Kind {
  name: 'redis' | 'memory';
  /** The store, and a second one on another connection (the same store in memory). */
  make(opts: SubmissionStoreOptions): { store: SubmissionStore; other: SubmissionStore };
}

const kinds: Kind[] = [
  {
    name: 'redis',
    make: (opts) => ({ store: redisSubmissions(c1, opts), other: redisSubmissions(c2, opts) }),
  },
  {
    name: 'memory',
    make: (opts) => {
      const store = memorySubmissions(opts);
      return { store, other: store };
    },
  },
];

/** Every key in the whole keyspace (SCAN: fine in a test). */
async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of c1.scanIterator({ COUNT: 1000 })) keys.push(...batch);
  return keys;
}

for (const kind of kinds) {
  t.test(`${kind.name} store`, async (t) => {
    t.test('upsert creates once per session, then updates it', async (t) => {
      const clock = testClock();
      const { store } = kind.make({ retainDays: 30, now: clock.now });
      const tid = tenant();
      const sid = sessionId();
      const t0 = new Date(clock.value).toISOString();

      const first = await store.upsert(input(tid, sid));
      t.ok(first.created, 'created');
      t.ok(first.changed, 'a creation is a change');
      t.match(first.submission.id, /^sub_[A-Za-z0-9_-]{22}$/);
      t.equal(first.submission.createdAt, t0);
      t.equal(first.submission.updatedAt, t0);
      t.notOk('completedAt' in first.submission, 'not complete, no completedAt');
      t.same(await store.get(tid, first.submission.id), first.submission, 'get returns what was stored');
      t.same(await store.bySession(tid, sid), first.submission, 'bySession too');

      clock.tick(1000);
      const same = await store.upsert(input(tid, sid));
      t.notOk(same.created, 'the second upsert updates');
      t.notOk(same.changed, 'same status and data: unchanged');
      t.equal(same.submission.id, first.submission.id, 'id kept');
      t.equal(same.submission.createdAt, t0, 'createdAt kept');
      t.equal(same.submission.updatedAt, new Date(clock.value).toISOString(), 'updatedAt set');

      clock.tick(1000);
      const reordered = await store.upsert(input(tid, sid, { data: { name: 'Ann Lee' }, context: {} }));
      t.notOk(reordered.changed, 'a context change alone is not a change');
      const moreData = await store.upsert(input(tid, sid, { data: { email: 'ann@example.com', name: 'Ann Lee' } }));
      t.ok(moreData.changed, 'new data is a change');

      clock.tick(1000);
      const tDone = new Date(clock.value).toISOString();
      const done = await store.upsert(input(tid, sid, { status: 'complete', data: { email: 'ann@example.com', name: 'Ann Lee' } }));
      t.ok(done.changed, 'a status change is a change');
      t.equal(done.submission.status, 'complete');
      t.equal(done.submission.completedAt, tDone, 'completedAt the first time it is complete');

      clock.tick(1000);
      const again = await store.upsert(input(tid, sid, { status: 'complete', data: { email: 'ann@example.com', name: 'Ann Lee', phone: '+1 415' } }));
      t.equal(again.submission.completedAt, tDone, 'completedAt kept');
      t.ok(again.changed);

      clock.tick(1000);
      const back = await store.upsert(input(tid, sid, { status: 'abandoned', data: again.submission.data }));
      t.equal(back.submission.status, 'complete', "a 'complete' submission never goes back to 'abandoned'");
      t.equal(back.submission.completedAt, tDone);
      t.notOk(back.changed, 'nothing changed');
      t.same(await store.get(tid, first.submission.id), back.submission);

      const otherSession = await store.upsert(input(tid, sessionId()));
      t.ok(otherSession.created, 'another session: another submission');
      t.not(otherSession.submission.id, first.submission.id);
      const otherTenant = await store.upsert(input(tenant(), sid));
      t.ok(otherTenant.created, 'the same session id under another tenant is another submission');
      t.equal(await store.get(tenant(), first.submission.id), null, 'another tenant does not see it');
      t.equal(await store.get(tid, 'sub_doesnotexist0000000000'), null);
      t.equal(await store.get(tid, 'not-an-id'), null);
      t.equal(await store.bySession(tid, sessionId()), null);
      t.equal((await store.list(tid, {})).items.length, 2, 'one entry per submission in the index');
    });

    t.test('concurrent upserts of one session from two clients create exactly one submission', async (t) => {
      const { store, other } = kind.make({ retainDays: 30 });
      const tid = tenant();
      const sessions = Array.from({ length: 40 }, sessionId);
      const results = await Promise.all(
        sessions.map((sid) =>
          Promise.all([store.upsert(input(tid, sid, { data: { from: 'a' } })), other.upsert(input(tid, sid, { status: 'complete', data: { from: 'b' } }))]),
        ),
      );
      for (const [a, b] of results) {
        t.equal(Number(a.created) + Number(b.created), 1, 'one creates, the other updates');
        t.equal(a.submission.id, b.submission.id, 'both wrote the same submission');
        t.equal(a.submission.createdAt, b.submission.createdAt);
      }
      const listed = await collect(store.iterate(tid, {}));
      t.equal(listed.length, sessions.length, 'exactly one submission per session');
      t.same(new Set(listed.map((s) => s.sessionId)), new Set(sessions));
      for (const s of listed) t.equal(s.status, 'complete', 'the complete upsert was not lost (whichever ran first)');
    });

    t.test('list filters: status, site, since/until', async (t) => {
      const clock = testClock();
      const { store } = kind.make({ retainDays: 30, now: clock.now });
      const tid = tenant();
      const made: Submission[] = [];
      for (let i = 0; i < 12; i++) {
        clock.tick(60_000);
        const r = await store.upsert(input(tid, sessionId(), { status: i % 3 === 0 ? 'complete' : 'abandoned', siteId: i % 2 ? 'shop' : 'web' }));
        made.push(r.submission);
      }
      const expect = (pred: (s: Submission) => boolean) =>
        made
          .filter(pred)
          .sort(newestFirst)
          .map((s) => s.id);
      const ids = async (q: Parameters<SubmissionStore['list']>[1]) => (await store.list(tid, { limit: 500, ...q })).items.map((s) => s.id);

      t.same(
        await ids({}),
        expect(() => true),
        'no filter: all, newest first',
      );
      t.same(
        await ids({ status: 'complete' }),
        expect((s) => s.status === 'complete'),
        'status',
      );
      t.same(
        await ids({ site: 'shop' }),
        expect((s) => s.siteId === 'shop'),
        'site',
      );
      t.same(
        await ids({ status: 'abandoned', site: 'web' }),
        expect((s) => s.status === 'abandoned' && s.siteId === 'web'),
        'both',
      );
      const since = made[3]!.createdAt;
      const until = made[8]!.createdAt;
      t.same(
        await ids({ since }),
        expect((s) => s.createdAt >= since),
        'since is inclusive',
      );
      t.same(
        await ids({ until }),
        expect((s) => s.createdAt < until),
        'until is exclusive',
      );
      t.same(
        await ids({ since, until, site: 'web' }),
        expect((s) => s.createdAt >= since && s.createdAt < until && s.siteId === 'web'),
        'window and site',
      );
      t.same(await ids({ since: until, until: since }), [], 'an empty window');
      t.same(await ids({ site: 'nowhere' }), [], 'no match');
      t.same((await store.list(tid, {})).next, null, 'default limit 50 > 12: one page');
    });

    t.test('cursor pages: full, no duplicates or gaps, next null exactly on the last', async (t) => {
      const clock = testClock();
      const { store } = kind.make({ retainDays: 30, now: clock.now });
      const tid = tenant();
      const made: Submission[] = [];
      // 60 submissions, 23 of them complete on site "web"; runs of 4 share a millisecond (ties).
      const match = new Set([0, 1, 2, 5, 7, 9, 10, 11, 14, 18, 21, 22, 25, 29, 33, 34, 38, 41, 45, 49, 52, 55, 59]);
      t.equal(match.size, 23);
      for (let i = 0; i < 60; i++) {
        if (i % 4 === 0) clock.tick(1000);
        const m = match.has(i);
        const r = await store.upsert(input(tid, sessionId(), { status: m || i % 2 ? 'complete' : 'abandoned', siteId: m ? 'web' : i % 2 ? 'shop' : 'web' }));
        made.push(r.submission);
      }
      const expected = made
        .filter((s) => s.status === 'complete' && s.siteId === 'web')
        .sort(newestFirst)
        .map((s) => s.id);
      t.equal(expected.length, 23);

      const pages = await allPages(store, tid, { status: 'complete', site: 'web', limit: 5 });
      t.same(
        pages.map((p) => p.ids.length),
        [5, 5, 5, 5, 3],
        'full pages, then the rest',
      );
      t.same(
        pages.map((p) => p.next === null),
        [false, false, false, false, true],
        'next null exactly on the last page',
      );
      t.same(
        pages.flatMap((p) => p.ids),
        expected,
        'every match once, in order',
      );

      const exact = await allPages(store, tid, { status: 'complete', site: 'web', limit: 23 });
      t.same(
        exact.map((p) => p.ids.length),
        [23],
        'limit = matches: one page',
      );
      t.equal(exact[0]!.next, null, 'and no empty page after it');

      const everything = await allPages(store, tid, { limit: 7 });
      t.same(
        everything.flatMap((p) => p.ids),
        [...made].sort(newestFirst).map((s) => s.id),
        'unfiltered across ties',
      );
      t.same(
        everything.map((p) => p.ids.length),
        [7, 7, 7, 7, 7, 7, 7, 7, 4],
      );

      // A page boundary inside a long run of ties: 30 submissions in one millisecond.
      const tied = tenant();
      clock.tick(1000);
      const tiedIds: string[] = [];
      for (let i = 0; i < 30; i++) tiedIds.push((await store.upsert(input(tied, sessionId()))).submission.id);
      const tiedPages = await allPages(store, tied, { limit: 5 });
      t.same(
        tiedPages.map((p) => p.ids.length),
        [5, 5, 5, 5, 5, 5],
      );
      t.same(
        tiedPages.flatMap((p) => p.ids),
        [...tiedIds].sort().reverse(),
        'ties ordered by id, descending',
      );

      // The item a cursor points at is deleted before the next page is asked for.
      const byId = [...tiedIds].sort().reverse();
      const p1 = await store.list(tied, { limit: 12 });
      t.same(
        p1.items.map((s) => s.id),
        byId.slice(0, 12),
      );
      await store.delete(tied, byId[11]!);
      await store.delete(tied, byId[12]!);
      const p2 = await store.list(tied, { limit: 12, cursor: p1.next! });
      t.same(
        p2.items.map((s) => s.id),
        byId.slice(13, 25),
        'the next page goes on after a deleted anchor (tied)',
      );
      const rest = byId.filter((_, i) => i !== 11 && i !== 12);
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) cursor = (await store.list(tied, { limit: 5, ...(cursor ? { cursor } : {}) })).next!;
      await store.delete(tied, rest[24]!); // more seen ties before it than one read of the index holds
      const p5 = await store.list(tied, { limit: 5, cursor });
      t.same(
        p5.items.map((s) => s.id),
        rest.slice(25),
        'deep in a run of ties too',
      );
      t.equal(p5.next, null);
      const p3 = await store.list(tid, { limit: 10 });
      const anchor = p3.items[9]!.id;
      await store.delete(tid, anchor);
      const p4 = await store.list(tid, { limit: 10, cursor: p3.next! });
      t.same(
        p4.items.map((s) => s.id),
        everything.flatMap((p) => p.ids).slice(10, 20),
        'and after a deleted anchor (untied)',
      );
    });

    t.test('a bad cursor or filter is validation_failed', async (t) => {
      const { store } = kind.make({ retainDays: 30 });
      const tid = tenant();
      for (let i = 0; i < 3; i++) await store.upsert(input(tid, sessionId()));
      const good = (await store.list(tid, { limit: 1 })).next!;
      t.ok(good);
      t.equal((await store.list(tid, { limit: 5, cursor: good })).items.length, 2, 'the cursor works with another limit');
      const bad = [
        'garbage!',
        '',
        Buffer.from('123:sub_short').toString('base64url'),
        Buffer.from('abc:sub_0123456789012345678901').toString('base64url'),
        Buffer.from('{"score":1}').toString('base64url'),
        'x'.repeat(300),
      ];
      for (const cursor of bad) {
        await t.rejects(store.list(tid, { cursor }), { name: 'AppError', code: 'validation_failed' }, `cursor ${JSON.stringify(cursor.slice(0, 20))}`);
      }
      await t.rejects(store.list(tid, { since: 'yesterday' }), { code: 'validation_failed' }, 'since not ISO');
      await t.rejects(store.list(tid, { since: 'Nov 28 2024' }), { code: 'validation_failed' }, 'since a date, but not ISO');
      await t.rejects(store.list(tid, { until: '2024-13-45T99:00:00Z' }), { code: 'validation_failed' }, 'until not a date');
      await t.rejects(store.list(tid, { limit: 0 }), { code: 'validation_failed' }, 'limit 0');
      await t.rejects(store.list(tid, { limit: 501 }), { code: 'validation_failed' }, 'limit 501');
      await t.rejects(store.list(tid, { status: 'open' as never }), { code: 'validation_failed' }, 'unknown status');
      const e = await store.list(tid, { cursor: 'nope' }).catch((e: unknown) => e);
      t.ok(e instanceof AppError && e.status === 400, 'a 400');
    });

    t.test('iterate yields every match, newest first, batch after batch', async (t) => {
      const clock = testClock();
      const { store } = kind.make({ retainDays: 30, now: clock.now });
      const tid = tenant();
      const made: Submission[] = [];
      for (let i = 0; i < 17; i++) {
        if (i % 5 === 0) clock.tick(10); // ties within each run of 5
        made.push((await store.upsert(input(tid, sessionId(), { status: i % 2 ? 'complete' : 'abandoned' }))).submission);
      }
      for (const batch of [1, 3, 5, 17, 100]) {
        t.same(
          (await collect(store.iterate(tid, {}, batch))).map((s) => s.id),
          [...made].sort(newestFirst).map((s) => s.id),
          `batch ${batch}`,
        );
      }
      const complete = made
        .filter((s) => s.status === 'complete')
        .sort(newestFirst)
        .map((s) => s.id);
      t.same(
        (await collect(store.iterate(tid, { status: 'complete' }, 4))).map((s) => s.id),
        complete,
        'filtered',
      );
      t.same(await collect(store.iterate(tenant(), {})), [], 'an unknown tenant has none');
    });

    t.test('delete removes it and its index entries; a second delete is a no-op', async (t) => {
      const { store } = kind.make({ retainDays: 30 });
      const tid = tenant();
      const sid = sessionId();
      const keep = (await store.upsert(input(tid, sessionId()))).submission;
      const { submission } = await store.upsert(input(tid, sid, { status: 'complete' }));
      const removed = await store.delete(tid, submission.id);
      t.same(removed, submission, 'returns what was removed');
      t.equal(await store.delete(tid, submission.id), null, 'idempotent');
      t.equal(await store.delete(tid, 'sub_0000000000000000000000'), null, 'unknown id');
      t.equal(await store.delete(tid, 'not an id'), null);
      t.equal(await store.get(tid, submission.id), null);
      t.equal(await store.bySession(tid, sid), null);
      t.same(
        (await store.list(tid, {})).items.map((s) => s.id),
        [keep.id],
        'the index lists only the other one',
      );
      if (kind.name === 'redis') {
        const left = (await allKeys()).filter((k) => k.includes(submission.id) || k.includes(sid));
        t.same(left, [], 'no key of it in the keyspace');
        t.equal(await c1.zScore(submissionIndexKey(tid), submission.id), null, 'not in the index');
        t.equal(await c1.exists(submissionKey(tid, keep.id)), 1, 'the other one is untouched');
      }
      const again = await store.upsert(input(tid, sid));
      t.ok(again.created, 'the session can get a new submission');
      t.not(again.submission.id, submission.id);
    });

    t.test('retention: older than the retention is gone, index included', async (t) => {
      const { store } = kind.make({ retainDays: 400 / 86_400_000 }); // 400 ms, as a fraction of a day
      const tid = tenant();
      const oldSid = sessionId();
      const old = (await store.upsert(input(tid, oldSid))).submission;
      t.same(
        (await store.list(tid, {})).items.map((s) => s.id),
        [old.id],
        'there while young',
      );
      await new Promise((r) => setTimeout(r, 550));
      t.equal(await store.get(tid, old.id), null, 'get: gone');
      t.equal(await store.bySession(tid, oldSid), null, 'bySession: gone');
      t.same((await store.list(tid, {})).items, [], 'list: gone');
      const young = (await store.upsert(input(tid, sessionId()))).submission; // a write trims the index
      t.same(
        (await store.list(tid, {})).items.map((s) => s.id),
        [young.id],
      );
      if (kind.name === 'redis') {
        t.equal(await c1.zScore(submissionIndexKey(tid), old.id), null, 'trimmed from the index on a write');
        t.equal(await c1.exists([submissionKey(tid, old.id), submissionSessionKey(tid, oldSid)]), 0, 'its keys expired');
        t.equal(await c1.zCard(submissionIndexKey(tid)), 1);
        const ttl = await c1.pTTL(submissionKey(tid, young.id));
        t.ok(ttl > 0 && ttl <= 400, `the document's TTL is the retention (${ttl} ms)`);
      }
      const reborn = await store.upsert(input(tid, oldSid));
      t.ok(reborn.created, 'the expired session gets a new submission');
      t.not(reborn.submission.id, old.id);
      t.equal(await store.delete(tid, old.id), null);

      const kept = kind.make({ retainMs: 60_000, retainDays: 0 }).store;
      const s = (await kept.upsert(input(tid, sessionId()))).submission;
      t.ok(await kept.get(tid, s.id), 'retainMs overrides retainDays');
      t.throws(() => kind.make({ retainDays: 0 }), RangeError, 'a retention of 0 is refused');
    });
  });
}

t.test('redis: a listing skips ids whose key vanished and still fills the page', async (t) => {
  const clock = testClock();
  const store = redisSubmissions(c1, { retainDays: 30, now: clock.now });
  const tid = tenant();
  const made: Submission[] = [];
  for (let i = 0; i < 8; i++) {
    clock.tick(1000);
    made.push((await store.upsert(input(tid, sessionId()))).submission);
  }
  const newest = [...made].sort(newestFirst);
  await c1.del([submissionKey(tid, newest[1]!.id), submissionKey(tid, newest[3]!.id)]); // as if evicted
  const pages = await allPages(store, tid, { limit: 5 });
  t.same(
    pages.map((p) => p.ids.length),
    [5, 1],
  );
  t.same(
    pages.flatMap((p) => p.ids),
    newest.filter((_, i) => i !== 1 && i !== 3).map((s) => s.id),
  );
  t.equal(await store.delete(tid, newest[1]!.id), null, 'deleting a vanished one answers null');
  t.equal(await c1.zScore(submissionIndexKey(tid), newest[1]!.id), null, 'and drops its index entry');
});

t.test('redis: a writer that read before another created re-reads and updates (no lost update)', async (t) => {
  const store = redisSubmissions(c1, { retainDays: 30 });
  // The second gateway: its first write waits until the first gateway has created the submission.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let writes = 0;
  const held: typeof c2 = Object.create(c2);
  const hold =
    <A extends unknown[]>(fn: (...a: A) => Promise<unknown>) =>
    async (...a: A) => {
      if (++writes === 1) await gate;
      return fn.apply(c2, a);
    };
  // Each script is a method of the client (node-redis `scripts`): hold them all.
  const c2Scripts = c2 as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  Object.assign(held, Object.fromEntries(SUBMISSION_SCRIPTS.map((s) => [s.name, hold(c2Scripts[s.name]!)])));
  const late = redisSubmissions(held, { retainDays: 30 });

  const tid = tenant();
  const sid = sessionId();
  const second = late.upsert(input(tid, sid, { status: 'complete', data: { from: 'late' } }));
  await new Promise((r) => setTimeout(r, 50)); // it has read "no submission" and waits to write
  const first = await store.upsert(input(tid, sid, { data: { from: 'first' } }));
  t.ok(first.created, 'the first writer creates');
  release();
  const late2 = await second;
  t.notOk(late2.created, 'the second, having read before the creation, updates instead');
  t.ok(writes >= 2, `its stale write was refused and retried (${writes} script calls)`);
  t.equal(late2.submission.id, first.submission.id);
  t.equal(late2.submission.createdAt, first.submission.createdAt);
  t.same(await store.bySession(tid, sid), late2.submission);
  t.equal(await c1.zCard(submissionIndexKey(tid)), 1, 'one index entry');
});

t.test('redis: a storage failure is state_unavailable', async (t) => {
  const broken = {
    get: async () => {
      throw new Error('connection lost');
    },
    mGet: async () => {
      throw new Error('connection lost');
    },
    zRangeWithScores: async () => {
      throw new Error('connection lost');
    },
    ...Object.fromEntries(
      SUBMISSION_SCRIPTS.map((s) => [
        s.name,
        async () => {
          throw new Error('connection lost');
        },
      ]),
    ),
  };
  const store = redisSubmissions(broken, { retainDays: 30 });
  await t.rejects(store.upsert(input('x', sessionId())), { code: 'state_unavailable' });
  await t.rejects(store.list('x', {}), { code: 'state_unavailable' });
  await t.rejects(store.get('x', 'sub_0000000000000000000000'), { code: 'state_unavailable' });
  await t.rejects(store.list('x', { cursor: '%%' }), { code: 'validation_failed' }, 'a bad cursor is still the caller’s fault');
});

t.test('redis cluster client: every key of a tenant in one slot', async (t) => {
  const cluster = await startRedisCluster(3);
  t.teardown(() => cluster.stop());
  const client = createCluster({ rootNodes: cluster.url.split(',').map((url) => ({ url })), scripts });
  await client.connect();
  t.teardown(() => client.close());
  const store = redisSubmissions(client, { retainDays: 30 });
  for (const tid of ['acme', 'globex', 'initech']) {
    const sid = sessionId();
    const a = await store.upsert(input(tid, sid));
    const b = await store.upsert(input(tid, sid, { status: 'complete' }));
    t.equal(b.submission.id, a.submission.id, `${tid}: one submission per session`);
    for (let i = 0; i < 6; i++) await store.upsert(input(tid, sessionId()));
    const pages = await allPages(store, tid, { limit: 3 });
    t.equal(pages.flatMap((p) => p.ids).length, 7, `${tid}: listed across pages (MGET in one slot)`);
    t.same(await store.bySession(tid, sid), b.submission);
    t.same(await store.delete(tid, a.submission.id), b.submission);
    t.equal(await store.get(tid, a.submission.id), null);
  }
});
