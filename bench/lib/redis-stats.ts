/**
 * What Redis did, read from Redis itself: INFO commandstats (calls per command, script internals
 * included), INFO stats (bytes in), MEMORY USAGE of a session's keys, and exact client round
 * trips counted with MONITOR (commands run inside a Lua script show as `[0 lua]` and are not
 * round trips).
 */
import { createConnection } from 'node:net';
import { createClient } from 'redis';

export type Redis = ReturnType<typeof createClient>;

export async function connect(url: string): Promise<Redis> {
  const c = createClient({ url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

export type CommandStats = Record<string, number>;

export async function commandStats(r: Redis): Promise<CommandStats> {
  const info = await r.info('commandstats');
  const out: CommandStats = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

export async function netInputBytes(r: Redis): Promise<number> {
  const info = await r.info('stats');
  return Number(/total_net_input_bytes:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** b - a, without the bench's own INFO calls. */
export function diffStats(a: CommandStats, b: CommandStats): CommandStats {
  const out: CommandStats = {};
  for (const [k, v] of Object.entries(b)) {
    if (k === 'info' || k.startsWith('config') || k.startsWith('memory')) continue;
    const d = v - (a[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

export function addStats(into: CommandStats, d: CommandStats): void {
  for (const [k, v] of Object.entries(d)) into[k] = (into[k] ?? 0) + v;
}

/** Bytes of every key of one engine session: the checkpointer's registry names its keys. */
export async function sessionMemory(r: Redis, sessionId: string): Promise<number> {
  const registry = `lg:{${encodeURIComponent(sessionId)}}:keys`;
  const keys = [registry, `tx:{${sessionId}}`, ...(await r.sMembers(registry))];
  let total = 0;
  for (const k of new Set(keys)) total += Number((await r.memoryUsage(k)) ?? 0);
  return total;
}

/** Characters of prompt the model saw on the session's latest turn (the `promptChars` channel). */
export async function latestPromptChars(r: Redis, sessionId: string): Promise<number> {
  const blobs = await r.hGetAll(`lg:{${encodeURIComponent(sessionId)}}::blobs`);
  let best: { v: number; value: number } | undefined;
  for (const [field, raw] of Object.entries(blobs)) {
    if (!field.startsWith('promptChars:')) continue;
    const v = parseFloat(decodeURIComponent(field.slice('promptChars:'.length)));
    const value = Number(raw.slice(raw.indexOf('\n') + 1));
    if (!best || v > best.v) best = { v, value };
  }
  return best?.value ?? NaN;
}

/** Counts client commands (round trips) while `fn` runs, per client address. */
export async function countRoundTrips(
  port: number,
  fn: () => Promise<void>,
): Promise<{ byClient: Record<string, number>; lua: number; commands: Record<string, number> }> {
  const sock = createConnection({ port, host: '127.0.0.1' });
  await new Promise<void>((ok, fail) => sock.once('connect', ok).once('error', fail));
  const byClient: Record<string, number> = {};
  const commands: Record<string, number> = {};
  let lua = 0;
  let buf = '';
  let started!: () => void;
  const ready = new Promise<void>((r) => (started = r));
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    let at;
    while ((at = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, at);
      buf = buf.slice(at + 2);
      if (line === '+OK') started();
      const m = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
      if (!m) continue;
      if (m[1] === 'lua') lua++;
      else {
        byClient[m[1]!] = (byClient[m[1]!] ?? 0) + 1;
        const cmd = m[2]!.toLowerCase();
        commands[cmd] = (commands[cmd] ?? 0) + 1;
      }
    }
  });
  sock.write('MONITOR\r\n');
  await ready;
  try {
    await fn();
    // MONITOR output trails the replies by a hair.
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    sock.destroy();
  }
  return { byClient, lua, commands };
}
