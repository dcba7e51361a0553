/**
 * Must show 4: a natural conversation fills the brief's example template — several fields in one
 * message, an invalid email asked again, the completion message with values filled in as soon as
 * the required fields are in, a correction, then the optional fields offered until none is left.
 */
import t from 'tap';
import { CLOSING_LINE } from '../src/graph/prompts.js';
import { api, leadIntake, newSessionId, say, startStack } from './helpers.js';

t.test('a natural conversation completes the brief template', async (t) => {
  const stack = await startStack(1);
  t.teardown(() => stack.stop());
  const url = stack.engines[0]!.url;
  const sid = newSessionId();

  const first = await say(url, sid, 'Hi there!', leadIntake);
  t.equal(first.status, 200);
  t.match(first.reply, /^Hi! I can get you a solar quote in a minute\./, 'greeting on the first turn');
  t.match(first.reply, /full name/i, 'then the first question');
  t.equal(first.done?.status, 'collecting');
  t.same(first.data?.missing, ['name', 'email']);

  const second = await say(url, sid, "I'm Ann Lee, my email is ann@example", undefined);
  t.equal(second.data?.data.name, 'Ann Lee', 'name taken');
  t.notOk('email' in (second.data?.data ?? {}), 'an invalid email is not stored');
  t.same(
    second.data?.invalid.map((i) => i.field),
    ['email'],
  );
  t.match(second.reply, /email address doesn't look right/i, 'the reply says why');
  t.match(second.reply, /email/i, 'and asks again');

  const third = await say(url, sid, 'ann@example.com, budget about 2k a month and the roof is flat', undefined);
  t.same(third.data?.data, { name: 'Ann Lee', email: 'ann@example.com', budget: 2000, roof: 'flat' }, 'several fields at once');
  t.same(third.data?.missing, []);
  t.equal(third.done?.status, 'complete', 'every required field holds a valid value: complete');
  t.match(
    third.reply,
    /^Thanks Ann Lee! We'll email ann@example\.com within a day\. If you like, what's the best phone number/,
    'the completion message, then an optional question',
  );

  const fourth = await say(url, sid, 'actually my email is ann.lee@example.org', undefined);
  t.equal(fourth.data?.data.email, 'ann.lee@example.org', 'correction applied');
  t.match(fourth.reply, /updated your email address to ann\.lee@example\.org/i);
  t.equal(fourth.done?.status, 'complete', 'and it stays complete');

  // Answer or skip whatever optional field is still asked until nothing is.
  let last = fourth;
  for (let i = 0; i < 6 && last.reply.includes('?'); i++) {
    const q = last.reply.toLowerCase();
    const answer = q.includes('phone') ? '+44 20 7946 0958' : q.includes('date') ? '2027-03-01' : 'skip';
    last = await say(url, sid, answer, undefined);
    t.equal(last.done?.status, 'complete', `still complete after "${answer}"`);
  }
  t.equal(last.reply, `Thanks! ${CLOSING_LINE}`, 'a closing line once nothing is left to ask');
  t.equal(last.data?.data.phone, '+44 20 7946 0958');
  t.equal(last.data?.data.start, '2027-03-01');

  const view = await api(url, 'GET', `/v1/sessions/${sid}`);
  t.equal(view.status, 200);
  t.equal(view.body.status, 'complete');
  t.equal(view.body.data.email, 'ann.lee@example.org');
  t.ok(view.body.transcript.length >= 10, 'the full transcript is kept');
  t.same(view.body.transcript[0].text, 'Hi there!');
  t.same(
    view.body.fields.map((f: { name: string }) => f.name),
    Object.keys(leadIntake.fields),
  );

  const closed = await api(url, 'POST', `/v1/sessions/${sid}/close`);
  t.same(closed, { status: 200, body: { status: 'closed', data: view.body.data } });
  const after = await say(url, sid, 'one more thing', undefined);
  t.equal(after.status, 409);
  t.equal(after.error?.code, 'session_closed');
});

t.test('a retried message id replays the same reply without running the graph again', async (t) => {
  const stack = await startStack(1);
  t.teardown(() => stack.stop());
  const url = stack.engines[0]!.url;
  const sid = newSessionId();
  await say(url, sid, 'hello', leadIntake);
  const { turn } = await import('./helpers.js');
  const body = { message: { id: 'retry-1', text: "I'm Bob Stone" } };
  const a = await turn(url, sid, body);
  const b = await turn(url, sid, body);
  t.equal(a.reply, b.reply);
  t.same(a.data, b.data);
  t.same(
    b.events.map((e) => e.ev.event),
    a.events.map((e) => e.ev.event),
  );
  const view = await api(url, 'GET', `/v1/sessions/${sid}`);
  t.equal(view.body.transcript.filter((e: { id?: string }) => e.id === 'retry-1').length, 1, 'processed once');
});
