/**
 * A TCP proxy in front of redis-server that records every command a client sends, parsed from
 * the RESP wire: counts round trips without MONITOR and without trusting the client library.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface RespCounter {
  url: string;
  /** Command names (upper case) received so far, in order. */
  commands: string[];
  /** Commands sent while `fn` ran. */
  during(fn: () => Promise<unknown>): Promise<string[]>;
  close(): Promise<void>;
}

/** Parses complete RESP arrays off the front of `buf`; returns the rest. */
function takeCommands(buf: Buffer, out: string[]): Buffer {
  for (;;) {
    if (buf.length === 0 || buf[0] !== 0x2a /* '*' */) return buf;
    let pos = buf.indexOf('\r\n');
    if (pos < 0) return buf;
    const n = Number(buf.subarray(1, pos).toString());
    pos += 2;
    let name = '';
    for (let i = 0; i < n; i++) {
      const eol = buf.indexOf('\r\n', pos);
      if (eol < 0) return buf;
      const len = Number(buf.subarray(pos + 1, eol).toString());
      if (eol + 2 + len + 2 > buf.length) return buf;
      if (i === 0)
        name = buf
          .subarray(eol + 2, eol + 2 + len)
          .toString()
          .toUpperCase();
      pos = eol + 2 + len + 2;
    }
    out.push(name);
    buf = buf.subarray(pos);
  }
}

export async function startRespCounter(redisPort: number): Promise<RespCounter> {
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = createConnection({ port: redisPort, host: '127.0.0.1' });
    sockets.add(down).add(up);
    let pending: Buffer = Buffer.alloc(0);
    down.on('data', (d: Buffer) => {
      pending = takeCommands(Buffer.concat([pending, d]), commands);
      up.write(d);
    });
    up.pipe(down);
    const end = () => {
      down.destroy();
      up.destroy();
    };
    down.on('close', end).on('error', end);
    up.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    commands,
    async during(fn) {
      const from = commands.length;
      await fn();
      return commands.slice(from);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
