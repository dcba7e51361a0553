/**
 * docs/configuration.md's tables are generated from the services' settings tables: the checked-in
 * file must be what `npm run docs:config` writes, so a setting added to the code without the docs
 * (or the other way round) fails here.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { CONFIG_DOC, renderConfigDoc } from '../../scripts/config-docs.js';
import { ENGINE_SETTINGS } from '../src/config.js';
import { GATEWAY_SETTINGS } from '../../gateway/src/config.js';

t.test('docs/configuration.md is up to date with the settings tables', async (t) => {
  const current = readFileSync(CONFIG_DOC, 'utf8');
  t.equal(renderConfigDoc(current), current, 'run npm run docs:config');
  for (const s of [...Object.values(ENGINE_SETTINGS), ...Object.values(GATEWAY_SETTINGS)]) t.match(current, `| \`${s.env}\` |`, `${s.env} is documented`);
});

t.test('a table change shows as a difference', async (t) => {
  const current = readFileSync(CONFIG_DOC, 'utf8');
  const stale = current.replace(/\| `PORT` \| integer \| 4001 \|/, '| `PORT` | integer | 4002 |');
  t.not(stale, current);
  t.equal(renderConfigDoc(stale), current, 'the generator restores the row');
  t.throws(() => renderConfigDoc(current.replace('<!-- settings:gateway end -->', '')), /markers for gateway are missing/);
});
