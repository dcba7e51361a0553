/** Everything in a Redis, key by key (DUMP is the exact value, TTL aside): "nothing changed" in one `same`. */
import { createClient, RESP_TYPES } from 'redis';

export async function redisSnapshot(url: string): Promise<Record<string, string>> {
  const client = createClient({ url });
  await client.connect();
  const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  try {
    const out: Record<string, string> = {};
    for await (const keys of client.scanIterator({ COUNT: 1000 })) {
      for (const key of keys) {
        const dump = (await binary.dump(key)) as unknown as Buffer | null;
        if (dump) out[key] = dump.toString('base64');
      }
    }
    return out;
  } finally {
    await client.close();
  }
}
