/** process.env as a plain copy: same variables, plain-object reads, and children still inherit them. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { snapshotEnv } from '../../src/env-snapshot.js';

t.test('the snapshot holds the same variables and is a plain object', async (t) => {
  process.env.SNAPSHOT_PROBE = 'before';
  const keys = Object.keys(process.env).sort();
  t.not(Object.getPrototypeOf(process.env), Object.prototype, 'the live env is not a plain object');
  snapshotEnv();
  t.equal(Object.getPrototypeOf(process.env), Object.prototype, 'now it is');
  t.same(Object.keys(process.env).sort(), keys, 'same variables');
  t.equal(process.env.SNAPSHOT_PROBE, 'before');
  const again = process.env;
  snapshotEnv();
  t.equal(process.env, again, 'a second call changes nothing');
});

t.test('a child process spawned with the default env sees the variables', async (t) => {
  process.env.SNAPSHOT_CHILD = 'inherited';
  const out = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.env.SNAPSHOT_CHILD))'], { encoding: 'utf8' });
  t.equal(out.stdout, 'inherited');
});
