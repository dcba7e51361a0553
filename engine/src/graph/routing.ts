/**
 * Pure functions that decide where the conversation goes next. No I/O, no model.
 */
import { requiredFields, type Template } from '@chat/shared';
import type { IntakeStateType } from './state.js';

type Progress = Pick<IntakeStateType, 'data' | 'declined' | 'deferred'> & { template: Template };

const has = (data: Record<string, unknown>, k: string) => Object.hasOwn(data, k) && data[k] !== undefined && data[k] !== null;

/**
 * Fields still to ask: the required ones first, then the optional ones (each in template order), so
 * a lead completes as early as it can; fields set aside after repeated invalid answers last.
 */
export function pendingFields(p: Progress): string[] {
  const open = Object.keys(p.template.fields).filter((k) => !has(p.data, k) && !p.declined.includes(k));
  const required = (k: string) => p.template.fields[k]?.required === true;
  const ordered = [...open.filter(required), ...open.filter((k) => !required(k))];
  return [...ordered.filter((k) => !p.deferred.includes(k)), ...ordered.filter((k) => p.deferred.includes(k))];
}

/** The field to ask about next, or null when there is nothing left to ask. */
export function nextField(p: Progress): string | null {
  return pendingFields(p)[0] ?? null;
}

/** Required fields without a valid value. */
export function missingFields(p: Pick<Progress, 'data' | 'template'>): string[] {
  return requiredFields(p.template).filter((k) => !has(p.data, k));
}

/**
 * Complete: every required field holds a valid value. Optional fields may still be asked after
 * that. A template without required fields completes once nothing is left to ask (otherwise it
 * would be complete before the visitor said anything).
 */
export function isComplete(p: Progress): boolean {
  if (missingFields(p).length > 0) return false;
  return requiredFields(p.template).length > 0 || nextField(p) === null;
}

/** Edge after validation: a closed session ends the run without a reply. */
export function afterValidate(state: Pick<IntakeStateType, 'status'>): 'reply' | '__end__' {
  return state.status === 'closed' ? '__end__' : 'reply';
}
