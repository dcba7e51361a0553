/** Process-wide patches (placeholder: see the measured version). */
import { installRandomPool } from './random-pool.js';
import { snapshotEnv } from './env-snapshot.js';

export function installRuntimePatches(): string[] {
  installRandomPool();
  snapshotEnv();
  return ['random-pool', 'env-snapshot'];
}
