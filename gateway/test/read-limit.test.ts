/** RATE_READS_PER_MINUTE: session reads and stream resumes share one per-visitor budget, then 429. */
import t from 'tap';
import { bearer, testApp } from './helpers.js';

const { app } = await testApp({ RATE_READS_PER_MINUTE: '2' });
t.teardown(() => app.close());

const site = app.tenants.bySiteKey.get('pk_acme_web')!;
const SID = 'AAAAAAAAAAAAAAAAAAAAAA'; // well-formed, never created: a read that passes the limit is a 404
const read = (token: string, url = `/v1/sessions/${SID}`) => app.inject({ method: 'GET', url, headers: bearer(token) });

t.test('the third read in a minute is refused, whichever read route it is', async (t) => {
  const visitor = app.mintVisitorToken(site).token;
  t.equal((await read(visitor)).statusCode, 404, 'first read passes the limit');
  t.equal((await read(visitor)).statusCode, 404, 'second read passes the limit');
  const over = await read(visitor);
  t.equal(over.statusCode, 429);
  t.equal(over.json().error.code, 'rate_limited');
  t.ok(Number(over.headers['retry-after']) > 0, 'Retry-After says when to come back');
  const stream = await read(visitor, `/v1/sessions/${SID}/stream`);
  t.equal(stream.statusCode, 429, 'a stream resume spends the same budget');
});

t.test('another visitor keeps a budget of its own', async (t) => {
  t.equal((await read(app.mintVisitorToken(site).token)).statusCode, 404);
});
