/** The one module that patches process globals: it installs what it lists, and names what it installed. */
import t from 'tap';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { RUNTIME_PATCHES, installRuntimePatches } from '../src/runtime-patches.js';

t.test('installRuntimePatches installs the listed patches and names them', async (t) => {
  const before = AsyncLocalStorageProviderSingleton.runWithConfig;
  const names = installRuntimePatches();
  t.same(
    names,
    RUNTIME_PATCHES.map((p) => p.name),
    'every patch is active here (LangSmith tracing is off in tests)',
  );
  t.not(AsyncLocalStorageProviderSingleton.runWithConfig, before, "LangChain's run context is the light one");
  const after = AsyncLocalStorageProviderSingleton.runWithConfig;
  t.same(installRuntimePatches(), names, 'a second call changes nothing');
  t.equal(AsyncLocalStorageProviderSingleton.runWithConfig, after);
  t.notOk(Object.getPrototypeOf(process.env) === Object.prototype, 'the retired env snapshot is gone: process.env is the real one');
});
