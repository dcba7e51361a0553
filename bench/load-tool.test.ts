/**
 * The CI smoke of the load tool (Locust, scripts/load/chat_locust.py, standing in for k6: see
 * docs/scaling.md): ten seconds of the journey against a real stack (redis, engine with a streaming
 * model, gateway). Its checks must pass: Locust exits 0 (it exits 1 when any request or check
 * failed), turns and first tokens were recorded, and no check failed.
 * Skipped, saying why, only where Locust is not installed; .ci/run installs it.
 */
import t from 'tap';
import { startSmallStack } from './lib/stack.js';
import { locustMissing, parseLocustStats, runLocust } from './lib/locust.js';

t.test('parseLocustStats reads the rows Locust writes', async (t) => {
  const csv = [
    'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
    'SSE,ttft,120,0,12,13.1,9,40,0,11.9,0.0,12,13,14,14,16,18,22,30,40,40,40',
    ',Aggregated,240,1,12,13.1,9,40,0,23.8,0.1,12,13,14,14,16,18,22,30,40,40,40',
  ].join('\n');
  const rows = parseLocustStats(csv);
  t.equal(rows.length, 2);
  t.match(rows[0], { type: 'SSE', name: 'ttft', count: 120, failures: 0, rps: 11.9, p50: 12, p90: 16, p99: 30, max: 40 });
  t.match(rows[1], { type: '', name: 'Aggregated', failures: 1 });
});

const missing = locustMissing();
t.test('a ten-second Locust run of the journey passes its checks', { skip: missing ?? false, timeout: 180_000 }, async (t) => {
  const stack = await startSmallStack(2);
  t.teardown(() => stack.stop());
  const run = await runLocust({ host: stack.gateway.url, users: 4, seconds: 10 });
  t.equal(run.code, 0, 'locust exits 0', { output: run.code === 0 ? undefined : run.output.slice(-3000) });
  const turn = run.row('SSE', 'turn');
  const ttft = run.row('SSE', 'ttft');
  t.ok(turn && turn.count > 0, `turns were recorded (${turn?.count})`);
  t.equal(ttft?.count, turn?.count, 'every turn had a first token');
  t.ok(ttft && ttft.p50 > 0 && ttft.p50 <= turn!.p50, 'first token comes before the end of the turn');
  t.equal(run.row('SSE', 'check'), undefined, 'no turn failed a check');
  t.equal(run.row('', 'Aggregated')?.failures, 0, 'no request failed');
});
