/**
 * The visitor's journey the load is made of: a six-turn lead intake that ends `complete`, and a
 * long session that never completes (for turn 200 vs turn 2). The first turn of an engine session
 * carries the template, as the gateway sends it; a gateway session gets its id from `session`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { engineTarget, gatewayTarget, runTurn, type TurnResult } from './turn-client.js';
import { ENGINE_KEY, SITE_ORIGIN } from './stack.js';

export const LEAD_SCRIPT = [
  "Hi, I'm Carla Diaz",
  'my email is carla@example.com',
  'call me on +1 415 555 0100',
  'budget is 150 a month',
  'the roof is pitched',
  'we could start next Monday',
];

/** Long sessions give their name once, then talk around the questions: the state keeps working. */
export const longMessage = (turn: number) =>
  turn === 1 ? "Hello, I'm Dana Smith" : ['hmm, not sure yet', 'let me think about it', 'what do you need that for?', 'ok'][turn % 4]!;

export const newSessionId = () => randomBytes(16).toString('base64url');

export interface Session {
  turn(text: string): Promise<TurnResult>;
  readonly id: string | undefined;
  turns: number;
}

/** A session straight against an engine (several engines: turns alternate between them). */
export function engineSession(origins: string[], template: unknown): Session {
  const id = newSessionId();
  const s: Session = {
    id,
    turns: 0,
    async turn(text) {
      const origin = origins[s.turns % origins.length]!;
      const body = { message: { id: randomUUID(), text }, ...(s.turns === 0 ? { template } : {}) };
      const r = await runTurn(engineTarget(origin, ENGINE_KEY, id), body);
      s.turns++;
      return r;
    },
  };
  return s;
}

/** A session through a gateway, as the widget runs it. */
export function gatewaySession(origin: string, token: string): Session {
  let id: string | undefined;
  const s: Session = {
    get id() {
      return id;
    },
    turns: 0,
    async turn(text) {
      const body = { ...(id ? { sessionId: id } : {}), message: { id: randomUUID(), text } };
      const r = await runTurn(gatewayTarget(origin, token, SITE_ORIGIN), body);
      id ??= r.sessionId;
      s.turns++;
      return r;
    },
  };
  return s;
}

export function assertOk(r: TurnResult, where: string): TurnResult {
  if (r.status !== 200 || r.error || !r.done) throw new Error(`${where}: turn failed (${r.status}) ${r.error ?? 'no done event'}`);
  return r;
}

/**
 * `concurrency` visitors each running lead-intake sessions until `turns` turns are done in all.
 * Returns every turn's result and the wall time.
 */
export async function runLoad(
  turns: number,
  concurrency: number,
  newSession: () => Session,
  where: string,
): Promise<{ results: TurnResult[]; wallMs: number }> {
  const results: TurnResult[] = [];
  let issued = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (issued < turns) {
      const s = newSession();
      for (const text of LEAD_SCRIPT) {
        if (issued >= turns) break;
        issued++;
        results.push(assertOk(await s.turn(text), where));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, turns) }, worker));
  return { results, wallMs: performance.now() - t0 };
}
