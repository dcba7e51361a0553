/**
 * The graph's state: the form (template, collected data, progress), nothing that grows with the
 * conversation, so a checkpoint at turn 200 weighs what one at turn 2 does. The conversation lives
 * in the transcript list (state/transcript.ts); each turn hands its last messages in as `history`,
 * which the reply node clears, so the window is never written into a checkpoint.
 */
import { Annotation } from '@langchain/langgraph';
import type { ContextValue, InvalidField, SessionStatus, Template } from '@chat/shared';

export interface WindowMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface TurnInput {
  id: string;
  text: string;
}

const last = <T>(def: () => T) => Annotation<T>({ reducer: (_a: T, b: T) => b, default: def });

export const IntakeState = Annotation.Root({
  template: last<Template | null>(() => null),
  /**
   * What the model may know of the visitor's page (first turn only): only the keys the template's
   * `contextKeys` list. Given to the model as data beside the conversation, never in the system prompt.
   */
  context: last<Record<string, ContextValue>>(() => ({})),
  /** The message of the current turn. */
  input: last<TurnInput | null>(() => null),
  data: last<Record<string, unknown>>(() => ({})),
  missing: last<string[]>(() => []),
  invalid: last<InvalidField[]>(() => []),
  /** Invalid attempts per field; past MAX_FIELD_ATTEMPTS the field is set aside and asked again last. */
  attempts: last<Record<string, number>>(() => ({})),
  /** Optional fields the visitor declined or that were asked once without an answer. */
  declined: last<string[]>(() => []),
  /** Fields set aside after too many invalid attempts. */
  deferred: last<string[]>(() => []),
  /** Fields whose value changed this turn (for the acknowledgement). */
  changed: last<string[]>(() => []),
  /** Candidate values read from this turn's message, before validation. */
  candidates: last<Record<string, unknown>>(() => ({})),
  corrected: last<string[]>(() => []),
  askedField: last<string | null>(() => null),
  /** `complete` from the turn the last required value arrives, and from then on (unless closed). */
  status: last<SessionStatus>(() => 'collecting'),
  /** This turn made the status `complete`: the reply confirms with the template's completion message. */
  justCompleted: last<boolean>(() => false),
  /** This turn's window of earlier messages (from the transcript); empty again once the reply is written. */
  history: last<WindowMessage[]>(() => []),
  turns: last<number>(() => 0),
  lastReply: last<string>(() => ''),
  /** Characters of prompt the model saw this turn (for the growth benchmark). */
  promptChars: last<number>(() => 0),
});

export type IntakeStateType = typeof IntakeState.State;
export type IntakeUpdate = typeof IntakeState.Update;
