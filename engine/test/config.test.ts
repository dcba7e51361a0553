/**
 * Configuration refusals that protect the turn: a transcript too short to hold the window the
 * model sees and the replay memory is refused at start-up, naming the keys, by the real process.
 */
import t from 'tap';
import { startService } from '../../scripts/testkit/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { ENGINE_KEY } from './helpers.js';

t.test('TRANSCRIPT_MAX must hold CONTEXT_MESSAGES and 2 x RECENT_REPLIES', async (t) => {
  const base = { ENGINE_KEY };
  const d = loadConfig(base);
  t.equal(d.contextMessages, 4, 'CONTEXT_MESSAGES defaults to 4');
  t.ok(d.transcriptMax >= Math.max(d.contextMessages, 2 * d.recentReplies), 'the defaults fit');
  t.throws(
    () => loadConfig({ ...base, CONTEXT_MESSAGES: '40', TRANSCRIPT_MAX: '30' }),
    new ConfigError(
      'TRANSCRIPT_MAX',
      'must be at least 40 (CONTEXT_MESSAGES=40, 2 x RECENT_REPLIES=10): turns read their window and replay memory from the transcript, got "30"',
    ),
  );
  t.throws(() => loadConfig({ ...base, RECENT_REPLIES: '8', TRANSCRIPT_MAX: '12' }), { name: 'ConfigError', message: /TRANSCRIPT_MAX: must be at least 16/ });
  t.equal(loadConfig({ ...base, RECENT_REPLIES: '8', TRANSCRIPT_MAX: '16' }).transcriptMax, 16, 'exactly the tail is enough');
});

t.test('the engine process refuses to start with TRANSCRIPT_MAX below its tail', async (t) => {
  await t.rejects(
    startService('engine', { env: { ENGINE_KEY, REDIS_URL: '', CONTEXT_MESSAGES: '20', TRANSCRIPT_MAX: '12' } }),
    /engine exited during start:[\s\S]*engine: config TRANSCRIPT_MAX: must be at least 20/,
  );
});
