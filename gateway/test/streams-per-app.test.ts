/**
 * Two gateways in one process (the tests run replicas so) share nothing of their streams: each
 * app has its own registry of open streams and its own heartbeat (plugins/streams.ts). Closing
 * one ends its own open streams with `shutting_down` and leaves the other's open and pinged.
 * Real apps on real sockets, each with its memory Kv, event log and turn coordinator.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { waitFor } from '../../scripts/testkit/index.js';
import { newSessionId } from '../src/sessions.js';
import { testApp } from './helpers.js';
import { openResume } from './stream-client.js';

async function gateway() {
  const { app } = await testApp({ HEARTBEAT_MS: '200' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const site = app.tenants.site('acme', 'acme-web')!;
  const minted = app.mintVisitorToken(site);
  const sessionId = newSessionId();
  await app.sessions.create(sessionId, { tenantId: 'acme', siteId: site.id, sub: minted.sub, issuer: 'platform' }, site);
  // A running turn with no events yet: a client resuming waits for it, open.
  const claim = await app.turnCoordinator.claim(sessionId, 'm1', 60_000);
  if (claim.outcome !== 'start') throw new Error(`claim: ${claim.outcome}`);
  return { app, url, token: minted.token, sessionId, seq: claim.seq };
}

const a = await gateway();
const b = await gateway();
t.teardown(() => a.app.close());
t.teardown(() => b.app.close());

const pings = (app: FastifyInstance) => app.heartbeats.size;

t.test("closing one gateway ends its streams, not the other's", async (t) => {
  const onA = await openResume(a.url, a.token, a.sessionId);
  const onB = await openResume(b.url, b.token, b.sessionId);
  t.equal(onA.status, 200);
  t.equal(onB.status, 200);
  await waitFor(() => a.app.streams.size === 1 && b.app.streams.size === 1, 5000, 'one open stream on each');
  t.equal(pings(a.app), 1, "A's heartbeat pings A's stream only");
  t.equal(pings(b.app), 1, "B's heartbeat pings B's stream only");

  await b.app.close();
  await onB.done;
  t.same(
    onB.events.map((e) => [e.ev.event, (e.ev.data as { code?: string }).code]),
    [['error', 'shutting_down']],
    "B's stream ends with shutting_down",
  );
  t.equal(a.app.streams.size, 1, "A's stream is still open");
  t.equal(pings(a.app), 1, 'and still pinged');

  // A's turn ends: its follower ends too, cleanly (no error event).
  await a.app.turnCoordinator.end(a.sessionId, a.seq);
  await onA.done;
  t.same(onA.events, [], 'no event: the turn had none, and no shutting_down');
  t.equal(a.app.streams.size, 0);
});
