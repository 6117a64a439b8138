import type { Actor } from '../../platform/access.js';
import { scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { isUnitInScope } from '../org/units.service.js';
import { describeUsers } from '../org/users.service.js';
import { findNode } from './case-type.schema.js';
import type { FieldDefinition } from './case-type.schema.js';
import type { LoadedCaseType } from './case-types.service.js';

/* The checks a case's input must pass against its type and the organisation; each throws the code naming the field. */

export const requireCategory = (type: LoadedCaseType, key: string) => {
  if (!findNode(type.definition.categories, key))
    throw new AppError('cases.unknown_category', { caseType: type.key, key, field: 'category' });
};
export const requirePriority = (type: LoadedCaseType, key: string) => {
  if (!type.definition.priorities.some((p) => p.key === key))
    throw new AppError('cases.unknown_priority', { caseType: type.key, key, field: 'priority' });
};
export const requireReason = (type: LoadedCaseType, key: string | undefined) => {
  if (key !== undefined && !findNode(type.definition.reasons, key))
    throw new AppError('cases.unknown_reason', { caseType: type.key, key, field: 'reasonCode' });
};

/**
 * Checks and normalises values against field definitions: required ones present (or required
 * because another field has a value), each of its type, no unknown keys. Errors name
 * `<prefix>.<key>`.
 */
export const checkFields = (
  definitions: readonly FieldDefinition[],
  values: Record<string, unknown>,
  prefix: 'fields' | 'outcome',
): Record<string, unknown> => {
  const byKey = new Map(definitions.map((f) => [f.key, f]));
  for (const key of Object.keys(values))
    if (!byKey.has(key))
      throw new AppError('cases.field_invalid', { field: `${prefix}.${key}`, problem: 'unknown field' });
  const out: Record<string, unknown> = {};
  for (const f of definitions) {
    const value = values[f.key];
    const field = `${prefix}.${f.key}`;
    if (value === undefined || value === null || value === '') {
      const required =
        f.required ||
        (f.requiredWhen !== undefined && values[f.requiredWhen.field] === f.requiredWhen.equals);
      if (required) throw new AppError('cases.field_invalid', { field, problem: 'required' });
      continue;
    }
    const bad = (problem: string) => new AppError('cases.field_invalid', { field, problem });
    switch (f.type) {
      case 'text':
      case 'textarea':
        if (typeof value !== 'string') throw bad('expected text');
        if (value.length > (f.type === 'text' ? 200 : 5000)) throw bad('too long');
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('expected a number');
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw bad('expected true or false');
        break;
      case 'date':
        if (
          typeof value !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
          Number.isNaN(Date.parse(value))
        )
          throw bad('expected a date YYYY-MM-DD');
        break;
      case 'select':
        if (!f.options?.some((o) => o.value === value))
          throw bad(`expected one of ${f.options?.map((o) => o.value).join(', ')}`);
        break;
    }
    out[f.key] = value;
  }
  return out;
};

/** The type's custom fields of a new case, checked and normalised. */
export const validateFields = (type: LoadedCaseType, fields: Record<string, unknown>) =>
  checkFields(type.definition.fields, fields, 'fields');

/** An assignee must be an active user who may handle cases somewhere. */
export const requireAssignee = async (db: Executor, userId: number) => {
  const facts = (await describeUsers({ userIds: [userId] }, { db })).get(userId);
  const mayHandle =
    facts?.active &&
    scopeRoots({ kind: 'user', userId, name: facts.displayName, grants: facts.grants }, 'cases.write')
      .length > 0;
  if (!facts || !mayHandle) throw new AppError('cases.assignee_invalid', { userId, field: 'assigneeUserId' });
  return facts;
};

export const requireDispatchOn = async (db: Executor, actor: Actor, unitId: number, field: string) => {
  if (!(await isUnitInScope({ unitId, roots: scopeRoots(actor, 'cases.dispatch') }, { db })))
    throw new AppError('cases.not_allowed', { action: 'assign', allowedBy: 'dispatcher', field });
};

/**
 * The outcome the type demands before a case may be resolved or closed: reason code, feedback
 * of a useful length, and the structured outcome fields (answered checked and normalised).
 */
export const requireOutcome = (
  type: LoadedCaseType,
  outcome: { reasonCode: string | null; feedback: string | null; values: Record<string, unknown> },
): Record<string, unknown> => {
  const closing = type.definition.closing;
  if (closing.requireReason && !outcome.reasonCode)
    throw new AppError('cases.outcome_required', { field: 'reasonCode' });
  const feedback = outcome.feedback?.trim() ?? '';
  if (closing.requireFeedback && !feedback)
    throw new AppError('cases.outcome_required', { field: 'feedback' });
  if (feedback && [...feedback].length < closing.minFeedbackLength)
    throw new AppError('cases.feedback_too_short', {
      field: 'feedback',
      minLength: closing.minFeedbackLength,
      length: [...feedback].length,
    });
  return checkFields(closing.outcomeFields, outcome.values, 'outcome');
};
