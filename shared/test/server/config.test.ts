/** The settings table loader: types, defaults, bounds, computed defaults, and its errors name the key. */
import t from 'tap';
import { ConfigError, bool, custom, int, intList, oneOf, readSettings, settingsMarkdown, str, urls } from '../../src/server/config.js';

const table = {
  port: int({ env: 'PORT', default: 3000, min: 0, max: 65535, doc: 'listen port' }),
  ttl: int({ env: 'TTL_S', default: 600, min: 30, doc: 'ttl' }),
  grace: int({
    env: 'GRACE_S',
    default: ({ values }) => values.ttl as number,
    max: ({ values }) => values.ttl as number,
    defaultDoc: 'TTL_S',
    boundsDoc: '0 – TTL_S',
    doc: 'grace',
  }),
  on: bool({ env: 'ON', default: false, doc: 'switch' }),
  name: str({ env: 'NAME', default: undefined, doc: 'optional' }),
  mode: oneOf({ env: 'MODE', values: ['a', 'b'] as const, default: 'a', doc: 'mode' }),
  targets: urls({ env: 'TARGETS', default: ['http://x:1'], doc: 'urls' }),
  waits: intList({ env: 'WAITS', default: [1, 2], doc: 'waits' }),
  odd: custom({
    env: 'ODD',
    type: 'odd integer',
    doc: 'odd',
    read: (raw) => {
      const n = Number(raw ?? 1);
      if (n % 2 !== 1) throw new ConfigError('ODD', 'must be odd');
      return n;
    },
  }),
};

t.test('defaults, and values read in table order', async (t) => {
  const c = readSettings(table, {});
  t.same(c, { port: 3000, ttl: 600, grace: 600, on: false, name: undefined, mode: 'a', targets: ['http://x:1'], waits: [1, 2], odd: 1 });
  const d = readSettings(table, { PORT: '80', TTL_S: '100', ON: 'yes', NAME: 'n', MODE: 'b', TARGETS: 'redis://a:1/, http://b:2', WAITS: '5, 6', ODD: '3' });
  t.same(d, { port: 80, ttl: 100, grace: 100, on: true, name: 'n', mode: 'b', targets: ['redis://a:1', 'http://b:2'], waits: [5, 6], odd: 3 });
  t.equal(readSettings(table, { PORT: '' }).port, 3000, 'empty is unset');
});

t.test('bad values throw ConfigError naming the key', async (t) => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /^config PORT: must be an integer, got "eighty"$/],
    [{ PORT: '1.5' }, /^config PORT: must be an integer/],
    [{ PORT: '70000' }, /^config PORT: must be between 0 and 65535, got 70000$/],
    [{ TTL_S: '100', GRACE_S: '101' }, /^config GRACE_S: must be between 0 and 100/],
    [{ ON: 'maybe' }, /^config ON: must be true or false/],
    [{ MODE: 'c' }, /^config MODE: must be a or b, got "c"$/],
    [{ TARGETS: 'ftp://x' }, /^config TARGETS: must be an http\(s\) or redis URL/],
    [{ TARGETS: ' , ' }, /^config TARGETS: must name at least one URL/],
    [{ WAITS: '1,0' }, /^config WAITS: must be comma-separated positive integers/],
    [{ ODD: '2' }, /^config ODD: must be odd$/],
  ];
  for (const [env, message] of bad) {
    const e = t.throws(() => readSettings(table, env), { name: 'ConfigError', message }, JSON.stringify(env)) as unknown as ConfigError;
    t.equal(e.key, Object.keys(env).at(-1));
  }
});

t.test('the Markdown table has one row per variable with its default and bounds', async (t) => {
  const md = settingsMarkdown(table).split('\n');
  t.equal(md.length, 2 + Object.keys(table).length);
  t.equal(md[2], '| `PORT` | integer | 3000 | 0 – 65_535 | listen port |');
  t.equal(md[4], '| `GRACE_S` | integer | TTL_S | 0 – TTL_S | grace |');
  t.match(md[7], '| `MODE` | enum | a | a, b | mode |');
});
