/**
 * The checkpoint holds the form, the transcript holds the conversation: the stored checkpoint
 * does not grow with turns (read straight from Redis), a retried message id replays its turn's
 * events from the transcript (Redis and in-memory state alike), and GET returns the shared
 * TranscriptEntry shape only.
 */
import t, { type Test } from 'tap';
import { createClient } from 'redis';
import { startService } from '../../scripts/testkit/index.js';
import { api, ENGINE_KEY, leadIntake, newSessionId, say, startStack, turn, type TurnResult } from './helpers.js';

type Client = ReturnType<typeof createClient>;

/** The session's latest checkpoint as stored: its record (checkpoint, metadata, refs) and the channel values it reads. */
async function storedCheckpoint(r: Client, sessionId: string) {
  const pre = `lg:{${sessionId}}::`;
  const [id] = await r.zRange(`${pre}idx`, -1, -1);
  const [checkpoint, metadata, refs] = (await r.hmGet(`${pre}cp:${id}`, ['checkpoint', 'metadata', 'refs'])) as string[];
  const fields = refs!.split(',');
  const blobs = (await r.hmGet(`${pre}blobs`, fields)) as Array<string | null>;
  const bytes = (s: string | null | undefined) => Buffer.byteLength(s ?? '');
  return {
    record: bytes(checkpoint) + bytes(metadata) + bytes(refs),
    values: blobs.reduce((n, b) => n + bytes(b), 0),
    channels: Object.fromEntries(fields.map((f, i) => [decodeURIComponent(f.slice(0, f.indexOf(':'))), blobs[i]])),
    // Each version counter may gain a digit as the turns go by; nothing else in the record may grow.
    counters: (checkpoint!.match(/":\d+/g) ?? []).length + fields.length + 1,
  };
}

t.test('the stored checkpoint weighs the same at turn 3 and turn 30', async (t) => {
  const stack = await startStack(1);
  t.teardown(() => stack.stop());
  const r: Client = createClient({ url: stack.redis.url });
  await r.connect();
  t.teardown(() => r.close());
  const url = stack.engines[0]!.url;
  const sid = newSessionId();
  // The same off-topic question every turn leaves the form as it was: only the conversation grows.
  const send = (n: number) =>
    turn(url, sid, { message: { id: `msg-${String(n).padStart(4, '0')}`, text: 'what do you need that for?' }, ...(n === 1 ? { template: leadIntake } : {}) });
  let at3!: Awaited<ReturnType<typeof storedCheckpoint>>;
  for (let n = 1; n <= 30; n++) {
    const res = await send(n);
    t.equal(res.done?.status, 'collecting', `turn ${n}`);
    if (n === 3) at3 = await storedCheckpoint(r, sid);
  }
  const at30 = await storedCheckpoint(r, sid);
  t.notOk('messages' in at30.channels || 'recent' in at30.channels, 'no message window or replay memory in the checkpoint');
  t.equal(at30.channels.history, 'json\n[]', 'the history window is turn input, cleared before the checkpoint is written');
  t.ok(at30.values - at3.values <= 1, `channel values: ${at3.values} -> ${at30.values} bytes (the turn counter gains a digit)`);
  t.ok(
    at30.record - at3.record <= at30.counters,
    `checkpoint record: ${at3.record} -> ${at30.record} bytes (at most a digit per version counter, ${at30.counters})`,
  );
  t.equal((await api(url, 'GET', `/v1/sessions/${sid}`)).body.transcript.length, 60, 'while the transcript holds every line');
});

const sameEvents = (t: Test, a: TurnResult, b: TurnResult, what: string) => {
  t.same(
    b.events.map((e) => e.ev.event),
    a.events.map((e) => e.ev.event),
    `${what}: same event names`,
  );
  t.same(b.data, a.data, `${what}: same data event`);
  t.equal(b.reply, a.reply, `${what}: same reply`);
  t.same(b.done, a.done, `${what}: same done event`);
};

/** Redis and the in-memory store (no REDIS_URL) must behave the same. */
const setups: Array<[string, (t: Test) => Promise<{ url: string; redisUrl?: string }>]> = [
  [
    'redis',
    async (t) => {
      const stack = await startStack(1, { RECENT_REPLIES: '2' });
      t.teardown(() => stack.stop());
      return { url: stack.engines[0]!.url, redisUrl: stack.redis.url };
    },
  ],
  [
    'memory',
    async (t) => {
      const engine = await startService('engine', { env: { ENGINE_KEY, REDIS_URL: '', RECENT_REPLIES: '2' } });
      t.teardown(() => engine.kill('SIGTERM'));
      return { url: engine.url };
    },
  ],
];

for (const [name, setup] of setups) {
  t.test(`${name}: a retried message id replays its turn's events from the transcript, within RECENT_REPLIES`, async (t) => {
    const { url, redisUrl } = await setup(t);
    const sid = newSessionId();
    await say(url, sid, 'hello', leadIntake);
    const named = { message: { id: 'retry-name', text: "I'm Bob Stone" } };
    const first = await turn(url, sid, named);
    t.same(first.data?.data, { name: 'Bob Stone' });
    t.same(first.done?.status, 'collecting');
    const email = await say(url, sid, 'bob@example.com', undefined);
    t.same(email.data?.data, { name: 'Bob Stone', email: 'bob@example.com' });

    // One turn later the form has moved on; the retry still gets what its turn sent.
    sameEvents(t, first, await turn(url, sid, named), 'retry one turn later');
    let view = await api(url, 'GET', `/v1/sessions/${sid}`);
    t.equal(view.body.transcript.filter((e: { id?: string }) => e.id === 'retry-name').length, 1, 'processed once');
    t.equal(view.body.transcript.length, 6, 'the replay added nothing');
    t.same(view.body.data, { name: 'Bob Stone', email: 'bob@example.com' }, 'and changed nothing');

    // Past RECENT_REPLIES=2 turns the id is not remembered: the message is processed as new.
    await say(url, sid, 'skip', undefined);
    const late = await turn(url, sid, named);
    t.equal(late.status, 200);
    view = await api(url, 'GET', `/v1/sessions/${sid}`);
    t.equal(view.body.transcript.filter((e: { id?: string }) => e.id === 'retry-name').length, 2, 'older than RECENT_REPLIES: run again');

    for (const e of view.body.transcript as Array<Record<string, unknown>>) {
      const keys = e.role === 'user' ? ['at', 'id', 'role', 'text'] : ['at', 'role', 'text'];
      t.same(Object.keys(e).sort(), keys, `GET returns the shared TranscriptEntry shape (${String(e.role)})`);
    }

    if (redisUrl) {
      const r: Client = createClient({ url: redisUrl });
      await r.connect();
      t.teardown(() => r.close());
      const raw = (await r.lRange(`tx:{${sid}}`, 0, -1)).map((s) => JSON.parse(s) as { role: string; replay?: unknown });
      const carrying = raw.map((e, i) => (e.replay ? i : -1)).filter((i) => i >= 0);
      t.same(carrying, [raw.length - 3, raw.length - 1], 'only the last RECENT_REPLIES replies keep a replay payload in Redis');
    }
  });
}
