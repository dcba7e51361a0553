/**
 * Must show 1: stateless engines. Turns alternate between two processes on one Redis; one is
 * SIGKILLed mid-conversation and the other carries on; both stopped, a fresh one resumes.
 */
import t from 'tap';
import { CLOSING_LINE } from '../src/graph/prompts.js';
import { api, leadIntake, newSessionId, say, startStack } from './helpers.js';

t.test('two engine processes serve alternate turns of one conversation', async (t) => {
  const stack = await startStack(2);
  t.teardown(() => stack.stop());
  const [a, b] = stack.engines as [(typeof stack.engines)[0], (typeof stack.engines)[0]];
  t.not(a.port, b.port);
  const sid = newSessionId();

  const r1 = await say(a.url, sid, 'hello', leadIntake);
  t.equal(r1.done?.status, 'collecting');
  const r2 = await say(b.url, sid, 'My name is Carla Diaz', undefined);
  t.equal(r2.data?.data.name, 'Carla Diaz', 'engine B sees what engine A stored');
  const r3 = await say(a.url, sid, 'carla@example.com', undefined);
  t.same(r3.data?.data, { name: 'Carla Diaz', email: 'carla@example.com' });
  t.equal(r3.done?.status, 'complete', 'the required fields are in');
  t.match(r3.reply, /Thanks Carla Diaz! We'll email carla@example\.com within a day\./);

  await a.kill('SIGKILL');
  const r4 = await say(b.url, sid, 'skip', undefined);
  t.equal(r4.status, 200, 'the survivor carries on');
  t.same(r4.data?.data, { name: 'Carla Diaz', email: 'carla@example.com' }, 'nothing lost');

  await b.kill('SIGKILL');
  const c = await stack.startEngine();
  const view = await api(c.url, 'GET', `/v1/sessions/${sid}`);
  t.equal(view.status, 200);
  t.same(view.body.data, { name: 'Carla Diaz', email: 'carla@example.com' }, 'a fresh process resumes from Redis');
  t.equal(view.body.transcript.length, 8);
  t.equal(view.body.status, 'complete');
  let last = await say(c.url, sid, 'budget 150', undefined);
  t.equal(last.data?.data.budget, 150);
  for (let i = 0; i < 5 && last.reply.includes('?'); i++) last = await say(c.url, sid, 'skip', undefined);
  t.equal(last.done?.status, 'complete');
  t.equal(last.reply, CLOSING_LINE, 'the conversation ends on the third process');
});
