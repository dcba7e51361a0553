/**
 * Wire events. Both hops (engine → gateway, gateway → browser) use these names and payloads.
 */
import { ERRORS, isErrorCode, type ErrorCode } from './errors.js';

export const SESSION_STATUSES = ['collecting', 'complete', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A field whose last offered value failed validation. */
export interface InvalidField {
  field: string;
  message: string;
}

export interface SessionEventData {
  sessionId: string;
}
export interface TokenEventData {
  text: string;
}
export interface DataEventData {
  data: Record<string, unknown>;
  missing: string[];
  invalid: InvalidField[];
}
export interface DoneEventData {
  status: SessionStatus;
  reply: string;
}
export interface ErrorEventData {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

export interface EventMap {
  session: SessionEventData;
  token: TokenEventData;
  data: DataEventData;
  done: DoneEventData;
  error: ErrorEventData;
}
export type EventName = keyof EventMap;
export const EVENT_NAMES = ['session', 'token', 'data', 'done', 'error'] as const satisfies readonly EventName[];

/** One event as it crosses a hop. `id` is set by the producer of the stream. */
export type WireEvent = { [K in EventName]: { event: K; data: EventMap[K]; id?: string } }[EventName];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

const checks: { [K in EventName]: (d: unknown) => d is EventMap[K] } = {
  session: (d): d is SessionEventData => isObj(d) && typeof d.sessionId === 'string' && d.sessionId.length > 0,
  token: (d): d is TokenEventData => isObj(d) && typeof d.text === 'string',
  data: (d): d is DataEventData =>
    isObj(d) &&
    isObj(d.data) &&
    isStrArr(d.missing) &&
    Array.isArray(d.invalid) &&
    d.invalid.every((i) => isObj(i) && typeof i.field === 'string' && typeof i.message === 'string'),
  done: (d): d is DoneEventData => isObj(d) && typeof d.reply === 'string' && (SESSION_STATUSES as readonly unknown[]).includes(d.status),
  error: (d): d is ErrorEventData => isObj(d) && isErrorCode(d.code) && typeof d.message === 'string' && typeof d.retryable === 'boolean',
};

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(checks, name);
}

/** Check an event against the contract: known name, payload of the right shape. */
export function isWireEvent(ev: { event: unknown; data: unknown }): ev is WireEvent {
  return isEventName(ev.event) && checks[ev.event](ev.data);
}

/** True when the event ends a turn's stream. */
export function isTerminal(ev: WireEvent): boolean {
  return ev.event === 'done' || ev.event === 'error';
}

/** The stream form of a registry error: `{code, message, retryable}` from one place. */
export function errorEvent(code: ErrorCode, message?: string): WireEvent {
  return { event: 'error', data: { code, message: message ?? ERRORS[code].message, retryable: ERRORS[code].retryable } };
}
