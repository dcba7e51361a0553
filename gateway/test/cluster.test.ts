/**
 * Beyond one machine: a real three-node Redis Cluster, two engine and two gateway processes, all
 * on node-redis's cluster client (REDIS_URL lists the seed nodes). A whole conversation alternates
 * gateways turn by turn; each gateway spreads turns over its ENGINE_URL list and skips a replica
 * that refuses connections. Every key of the session sits in one hash slot.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { freePort, startRedisCluster, startService } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn, lastEvent } from './sse-client.js';

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();

t.test('whole conversations across two gateways and two engines on a three-node Redis Cluster', async (t) => {
  const cluster = await startRedisCluster(3);
  t.teardown(() => cluster.stop());
  t.equal(cluster.url.split(',').length, 3);

  const engineEnv = { ENGINE_KEY, REDIS_URL: cluster.url, LOG_LEVEL: 'warn' };
  const [e1, e2] = await Promise.all([startService('engine', { env: engineEnv }), startService('engine', { env: engineEnv })]);
  t.teardown(() => Promise.all([e1.kill(), e2.kill()]));
  // Nothing listens on `dead`: gateway A must skip it and use e1.
  const dead = `http://127.0.0.1:${await freePort()}`;
  const [gwA, gwB] = await Promise.all([
    startGateway({ REDIS_URL: cluster.url, ENGINE_URL: `${dead},${e1.url}`, LOG_LEVEL: 'warn' }),
    startGateway({ REDIS_URL: cluster.url, REDIS_CLUSTER: 'true', ENGINE_URL: `${e2.url},${e1.url}`, LOG_LEVEL: 'warn' }),
  ]);
  t.teardown(() => Promise.all([gwA.kill(), gwB.kill()]));

  for (const gw of [gwA, gwB]) {
    const ready = await fetch(`${gw.url}/readyz`);
    t.equal(ready.status, 200, 'the gateway is ready on the cluster');
  }

  const token = await fetchToken(gwA.url);
  const script = ["Hi, I'm Carla Diaz", 'carla@example.com', '+1 415 555 0100', 'budget 150 a month', 'pitched', 'next Monday', 'skip', 'skip'];
  const sessions: string[] = [];
  for (let conv = 0; conv < 3; conv++) {
    let sessionId: string | undefined;
    let status = '';
    for (const [i, text] of script.entries()) {
      const gw = i % 2 === 0 ? gwA : gwB;
      const s = await chatTurn(gw.url, token, { ...(sessionId ? { sessionId } : {}), message: { id: randomUUID(), text } });
      t.equal(s.status, 200, `conversation ${conv} turn ${i + 1} via gateway ${i % 2 === 0 ? 'A' : 'B'}`);
      const first = s.events[0]?.ev;
      if (first?.event === 'session') sessionId ??= first.data.sessionId;
      const end = lastEvent(s);
      t.equal(end?.event, 'done', `turn ${i + 1} ends with done (${JSON.stringify(end)})`);
      if (end?.event === 'done') status = end.data.status;
      if (status === 'complete') break;
    }
    t.equal(status, 'complete', `conversation ${conv} completes across both gateways and both engines`);
    sessions.push(sessionId!);
  }

  // The session view comes back through the other gateway, from the engine behind it.
  const view = await fetch(`${gwB.url}/v1/sessions/${sessions[0]}`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(view.status, 200);
  const body = (await view.json()) as { data: Record<string, unknown> };
  t.equal(body.data.email, 'carla@example.com', 'the data lives in the cluster, readable from any replica');

  // Every key of a session's state (engine checkpoints, transcript, lock, gateway record, event log)
  // shares one slot. Indexes that name a session from elsewhere live with their owner instead: the
  // tenant's leads (`bo:…{t:<tenant>}`) and the webhook outbox (`…{wh}…`).
  const indexKey = (k: string) => k.startsWith('bo:') || k.includes('{wh}');
  for (const sid of sessions) {
    const slots = new Set<string>();
    const nodes = new Set<number>();
    for (const port of cluster.ports) {
      const keys = (await cli(port, '--scan', '--pattern', `*${sid}*`)).split('\n').filter((k) => k && !indexKey(k));
      for (const k of keys) {
        slots.add(await cli(port, 'cluster', 'keyslot', k));
        nodes.add(port);
      }
    }
    t.equal(slots.size, 1, `session ${sid}: all keys in one slot`);
    t.equal(nodes.size, 1, `session ${sid}: all keys on one node`);
  }
  const spread = new Set<number>();
  for (const sid of sessions) for (const port of cluster.ports) if ((await cli(port, '--scan', '--pattern', `*${sid}*`)) !== '') spread.add(port);
  t.comment(`3 sessions on ${spread.size} of 3 nodes`);
});
