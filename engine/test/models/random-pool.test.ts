/** The pooled getRandomValues: fewer trips to the CSPRNG, every byte handed out once, big or odd requests untouched. */
import t from 'tap';
import { webcrypto } from 'node:crypto';
import { installRandomPool } from '../../src/random-pool.js';

function source() {
  const calls: number[] = [];
  const src = {
    getRandomValues<T extends ArrayBufferView | null>(a: T): T {
      calls.push(a!.byteLength);
      return webcrypto.getRandomValues(a as unknown as Uint8Array) as unknown as T;
    },
  };
  return { src, calls };
}

t.test('16-byte requests are served from 4 KB fills, each value fresh', async (t) => {
  const { src, calls } = source();
  installRandomPool(src);
  installRandomPool(src); // idempotent: not pooled twice
  const seen = new Set<string>();
  let same = true;
  for (let i = 0; i < 1024; i++) {
    const a = new Uint8Array(16);
    same &&= src.getRandomValues(a) === a;
    seen.add(Buffer.from(a).toString('hex'));
  }
  t.ok(same, 'fills and returns the array it was given');
  t.equal(seen.size, 1024, 'no value handed out twice');
  t.same(calls, [4096, 4096, 4096, 4096], '1024 requests of 16 bytes cost four fills of 4096');
});

t.test('large requests and other array types go straight to the source', async (t) => {
  const { src, calls } = source();
  installRandomPool(src);
  src.getRandomValues(new Uint8Array(1000));
  src.getRandomValues(new Uint32Array(4));
  t.same(calls, [1000, 16], 'passed through with their own sizes');
  t.throws(() => src.getRandomValues(new Uint8Array(70_000)), 'the source still refuses what it refuses (over 65536 bytes)');
});

t.test('bytes are not all zero and differ between two pools', async (t) => {
  const a = source();
  const b = source();
  installRandomPool(a.src);
  installRandomPool(b.src);
  const x = a.src.getRandomValues(new Uint8Array(32));
  const y = b.src.getRandomValues(new Uint8Array(32));
  t.ok(x.some((v) => v !== 0));
  t.not(Buffer.from(x).toString('hex'), Buffer.from(y).toString('hex'));
});
