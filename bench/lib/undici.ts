/**
 * undici 7, the gateway's own copy: the root node_modules holds an older undici hoisted for other
 * packages, and the bench should speak HTTP exactly as the gateway does.
 */
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../gateway/package.json', import.meta.url));
export const undici = require('undici') as typeof import('undici');
export type Pool = import('undici').Pool;
