/** The one module that patches process globals: it installs what it lists as kept, and nothing else. */
import t from 'tap';
import { webcrypto } from 'node:crypto';
import { RUNTIME_PATCHES, installRuntimePatches } from '../src/runtime-patches.js';

t.test('installRuntimePatches installs exactly the kept patches and names them', async (t) => {
  const before = { env: Object.getPrototypeOf(process.env), grv: webcrypto.getRandomValues };
  const names = installRuntimePatches();
  t.same(
    names,
    RUNTIME_PATCHES.filter((p) => p.kept).map((p) => p.name),
  );
  const kept = new Set(names);
  t.equal(Object.getPrototypeOf(process.env) === Object.prototype, kept.has('env-snapshot') || before.env === Object.prototype, 'env snapshot only when kept');
  t.equal(webcrypto.getRandomValues !== before.grv, kept.has('random-pool'), 'random pool only when kept');
  const a = new Uint8Array(16);
  webcrypto.getRandomValues(a);
  t.ok(
    a.some((b) => b !== 0),
    'getRandomValues still fills',
  );
  t.same(installRuntimePatches(), names, 'a second call changes nothing');
});
