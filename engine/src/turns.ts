/**
 * One turn of a session: checks that answer with an HTTP status before any byte of the stream,
 * then the graph run relayed as SSE. The lock is held from the first check to the last write.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  errorEvent,
  validateTemplate,
  type ContextValue,
  type DataEventData,
  type SessionStatus,
  type Template,
  type TurnRequest,
  type WireEvent,
} from '@chat/shared';
import type { IntakeGraph } from './graph/graph.js';
import { isReplyToken } from './graph/nodes/reply.js';
import type { IntakeStateType, WindowMessage } from './graph/state.js';
import { tokenize } from './models/embedded.js';
import type { SessionStore } from './state/session-store.js';
import type { StoredEntry } from './state/transcript.js';
import type { TurnScopedSaver } from './state/turn-saver.js';
import { isRedisError } from '@chat/shared/server';

export interface TurnDeps {
  graph: IntakeGraph;
  saver: TurnScopedSaver;
  store: SessionStore;
  maxMessageChars: number;
  turnTimeoutMs: number;
  /** The lock's lease; renewed while the turn runs, so a killed engine's lock lapses this fast. */
  lockTtlMs: number;
  /** Messages of the transcript the model sees (CONTEXT_MESSAGES). */
  contextMessages: number;
  /** Turns whose reply a retried message id replays (RECENT_REPLIES). */
  recentReplies: number;
}

/** How much of the transcript a turn reads with its lock: the model's window and the replay memory. */
const transcriptTail = (d: Pick<TurnDeps, 'contextMessages' | 'recentReplies'>) => Math.max(d.contextMessages, 2 * d.recentReplies);

export type Emit = (ev: WireEvent) => void;

export interface PreparedTurn {
  /** Run the turn, emitting events; resolves when the stream should end. */
  run(emit: Emit, signal: AbortSignal): Promise<'done' | 'aborted' | 'failed'>;
  release(): Promise<void>;
}

const threadConfig = (sessionId: string) => ({ configurable: { thread_id: sessionId } });

/**
 * The session's latest state, straight from the checkpointer: `graph.getState` would also rebuild
 * the channels and work out the next tasks, about a millisecond per turn the turn never uses.
 */
export async function loadState(graph: IntakeGraph, sessionId: string): Promise<IntakeStateType | null> {
  const saver = graph.checkpointer;
  if (!saver || typeof saver === 'boolean') throw new Error('the graph has no checkpointer');
  const tuple = await saver.getTuple(threadConfig(sessionId));
  const values = tuple?.checkpoint.channel_values as IntakeStateType | undefined;
  return values && values.template ? values : null;
}

/** Longest context value the model sees (the gateway caps page URLs at this too). */
const CONTEXT_VALUE_MAX = 2048;

/**
 * The visitor context the model may see: only the keys the template's `contextKeys` list (the
 * gateway filters too; this does not rely on it), scalar values, long strings cut.
 */
export function modelContext(template: Template, context: TurnRequest['context']): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  if (!context) return out;
  for (const key of template.contextKeys ?? []) {
    if (!Object.hasOwn(context, key)) continue;
    const v: unknown = context[key];
    if (typeof v === 'string') out[key] = v.slice(0, CONTEXT_VALUE_MAX);
    else if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[key] = v;
  }
  return out;
}

/** 409 with Retry-After: the seconds left on the holder's lease (a killed holder's lock lapses then). */
export async function turnInProgress(deps: Pick<TurnDeps, 'store' | 'lockTtlMs'>, sessionId: string): Promise<AppError> {
  const e = new AppError('turn_in_progress');
  const ms = await deps.store.lockRemainingMs(sessionId).catch(() => deps.lockTtlMs);
  e.retryAfterS = Math.max(1, Math.ceil(ms / 1000));
  return e;
}

/** Validate and lock; throws AppError for anything the client must fix. */
export async function prepareTurn(deps: TurnDeps, sessionId: string, body: TurnRequest): Promise<PreparedTurn> {
  if (body.message.text.length > deps.maxMessageChars) throw new AppError('message_too_long', `The message is longer than ${deps.maxMessageChars} characters.`);
  let template: Template | undefined;
  if (body.template !== undefined) {
    const r = validateTemplate(body.template);
    if (!r.ok) throw new AppError('template_invalid', `The template is invalid at ${r.errors[0]?.path}: ${r.errors[0]?.message}`, r.errors);
    template = r.template;
  }
  const lockToken = randomUUID();
  const tail = await deps.store.startTurn(sessionId, lockToken, deps.lockTtlMs, transcriptTail(deps));
  if (!tail) throw await turnInProgress(deps, sessionId);
  const lease = setInterval(
    () => {
      deps.store.extendLock(sessionId, lockToken, deps.lockTtlMs).catch(() => {});
    },
    Math.max(50, Math.floor(deps.lockTtlMs / 3)),
  );
  lease.unref();
  let state: IntakeStateType | null;
  const tx = deps.saver.beginTurn();
  try {
    state = await tx.run(() => loadState(deps.graph, sessionId));
    if (!state && !template) throw new AppError('template_required');
    if (state && template) throw new AppError('template_already_set');
    if (state?.status === 'closed') throw new AppError('session_closed');
  } catch (e) {
    clearInterval(lease);
    await deps.store.releaseLock(sessionId, lockToken).catch(() => {});
    throw e;
  }
  let released = false;
  const release = async () => {
    clearInterval(lease);
    if (released) return;
    released = true;
    await deps.store.releaseLock(sessionId, lockToken).catch(() => {});
  };
  // A session without state starts afresh, whatever lines an expired one may have left.
  const lines = state ? tail : [];
  const replayed = findReply(lines.slice(-2 * deps.recentReplies), body.message.id);
  const history: WindowMessage[] = lines.slice(-deps.contextMessages).map((e) => ({ role: e.role, text: e.text }));

  return {
    release,
    async run(emit, signal) {
      if (replayed) {
        replay(replayed, emit);
        await release();
        return 'done';
      }
      const timeout = AbortSignal.timeout(deps.turnTimeoutMs);
      const runSignal = AbortSignal.any([signal, timeout]);
      let reply = '';
      let status: SessionStatus = state?.status ?? 'collecting';
      // The data event is kept with the reply, so that a retry of this message id replays it exactly.
      let data: DataEventData | undefined;
      try {
        // The template and the visitor context arrive together, on the first turn; a later turn's context is ignored.
        const first = template ? { template, context: modelContext(template, body.context) } : {};
        const input = { input: { id: body.message.id, text: body.message.text }, history, ...first };
        const result = await tx.run(() => streamGraph(deps.graph, sessionId, input, runSignal, emit));
        reply = result.reply;
        data = result.data;
        status = result.status ?? status;
        if (signal.aborted) throw signal.reason;
        await tx.commit();
      } catch (e) {
        tx.discard();
        await release();
        if (signal.aborted) return 'aborted';
        emit(errorEvent(!timeout.aborted && isRedisError(e) ? 'state_unavailable' : 'model_error'));
        throw e;
      }
      const at = new Date().toISOString();
      const entries: StoredEntry[] = [
        { role: 'user', id: body.message.id, text: body.message.text, at },
        { role: 'assistant', text: reply, at, ...(data ? { replay: { status, data } } : {}) },
      ];
      // finishTurn releases the lock in the same round trip as the transcript append.
      clearInterval(lease);
      released = true;
      try {
        await deps.store.finishTurn(sessionId, lockToken, entries);
      } catch (e) {
        // The turn is saved; only its transcript lines are not. Say so rather than claim success.
        emit(errorEvent('state_unavailable'));
        throw e;
      }
      emit({ event: 'done', data: { status, reply } });
      return 'done';
    },
  };
}

/**
 * Run the graph, relaying reply tokens and the extraction result as they come: `custom` carries
 * the reply node's tokens, `updates` each node's output. (`streamEvents` would carry the same, at
 * about twice the CPU per turn: it turns every runnable's start and end into an event; see
 * docs/scaling.md.)
 */
async function streamGraph(graph: IntakeGraph, sessionId: string, input: object, signal: AbortSignal, emit: Emit) {
  let status: SessionStatus | undefined;
  let data: DataEventData | undefined;
  let reply = '';
  const stream = await graph.stream(input, {
    ...threadConfig(sessionId),
    streamMode: ['custom', 'updates'],
    signal,
    // One checkpoint write per turn, at the end; TurnScopedSaver holds it until the turn succeeds.
    durability: 'exit',
  });
  for await (const [mode, chunk] of stream) {
    if (mode === 'custom') {
      if (isReplyToken(chunk)) emit({ event: 'token', data: { text: chunk.token } });
    } else if (mode === 'updates') {
      const update = chunk as { validate?: Pick<IntakeStateType, 'data' | 'missing' | 'invalid' | 'status'>; reply?: { lastReply: string } };
      if (update.validate) {
        status = update.validate.status;
        data = { data: update.validate.data, missing: update.validate.missing, invalid: update.validate.invalid };
        emit({ event: 'data', data });
      }
      if (update.reply) reply = update.reply.lastReply;
    }
  }
  return { status, data, reply };
}

/** The reply to message `id` among the transcript's last lines: its user line, then the assistant line after it. */
export function findReply(lines: StoredEntry[], id: string): { reply: string; status: SessionStatus; data: DataEventData } | undefined {
  const at = lines.findIndex((e) => e.role === 'user' && e.id === id);
  const answer = at >= 0 ? lines[at + 1] : undefined;
  if (answer?.role !== 'assistant' || !answer.replay) return undefined;
  return { reply: answer.text, ...answer.replay };
}

function replay(r: { reply: string; status: SessionStatus; data: DataEventData }, emit: Emit) {
  emit({ event: 'data', data: r.data });
  for (const text of tokenize(r.reply)) emit({ event: 'token', data: { text } });
  emit({ event: 'done', data: { status: r.status, reply: r.reply } });
}
