/**
 * Pooled `crypto.getRandomValues` for small requests. LangChain and LangSmith draw a fresh UUID
 * (16 random bytes) for every runnable call, a few dozen per turn, and Node 20 serves each one
 * with its own synchronous trip into OpenSSL: about 15% of the engine's CPU per turn in the
 * profile (docs/scaling.md). Here 16 bytes come out of a 4 KB block filled by the same CSPRNG,
 * the way Node's own `randomUUID()` and the `uuid` package buffer their entropy. Each byte is
 * handed out once; requests over 256 bytes and anything but a Uint8Array go straight through.
 */
import { webcrypto } from 'node:crypto';

const POOL_BYTES = 4096;
const MAX_POOLED = 256;

export interface RandomSource {
  getRandomValues<T extends ArrayBufferView | null>(array: T): T;
}

const pooled = new WeakSet<RandomSource>();

/** Pool `target.getRandomValues` (the global crypto by default); once per target. */
export function installRandomPool(target: RandomSource = webcrypto as RandomSource): void {
  if (pooled.has(target)) return;
  pooled.add(target);
  const direct = target.getRandomValues.bind(target);
  const pool = new Uint8Array(POOL_BYTES);
  let offset = POOL_BYTES;
  target.getRandomValues = (<T extends ArrayBufferView | null>(array: T): T => {
    if (!(array instanceof Uint8Array) || array.byteLength > MAX_POOLED) return direct(array);
    const n = array.byteLength;
    if (offset + n > POOL_BYTES) {
      direct(pool);
      offset = 0;
    }
    array.set(pool.subarray(offset, offset + n));
    pool.fill(0, offset, offset + n); // what was handed out does not stay in memory
    offset += n;
    return array;
  }) as RandomSource['getRandomValues'];
}
