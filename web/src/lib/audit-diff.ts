import type { AuditEvent, JsonObject } from '../api/types';

export type FieldChange = { field: string; before: unknown; after: unknown; changed: boolean };

/** Bookkeeping fields that change on every write and say nothing to a reader of the history. */
const NOISE_FIELDS = new Set(['updatedAt', 'createdAt', 'id', 'passwordHash', 'passwordChangedAt']);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Field-by-field comparison of an event's before and after. A create has no before, a delete no after;
 * then every (non-empty) field of the present side is listed.
 */
export const diffEvent = (
  event: Pick<AuditEvent, 'before' | 'after'>,
  { onlyChanged = true, hideNoise = true }: { onlyChanged?: boolean; hideNoise?: boolean } = {},
): FieldChange[] => {
  const before: JsonObject = event.before ?? {};
  const after: JsonObject = event.after ?? {};
  const keys: string[] = [];
  for (const key of [...Object.keys(before), ...Object.keys(after)]) if (!keys.includes(key)) keys.push(key);
  return keys
    .filter((field) => !(hideNoise && NOISE_FIELDS.has(field)))
    .map((field) => ({
      field,
      before: before[field],
      after: after[field],
      changed: !same(before[field], after[field]),
    }))
    .filter((c) => {
      if (!onlyChanged) return true;
      if (!event.before || !event.after) return (event.before ? c.before : c.after) != null;
      return c.changed;
    });
};

export type ActionKind =
  | 'create'
  | 'update'
  | 'delete'
  | 'move'
  | 'activate'
  | 'deactivate'
  | 'login'
  | 'logout'
  | 'resetPassword'
  | 'changePassword'
  | 'grant'
  | 'setDay'
  | 'removeDay'
  | 'loadOfficial'
  | 'revealContact';

const ACTION_ALIASES: Record<string, ActionKind> = {
  create: 'create',
  created: 'create',
  insert: 'create',
  add: 'create',
  update: 'update',
  updated: 'update',
  edit: 'update',
  patch: 'update',
  delete: 'delete',
  deleted: 'delete',
  remove: 'delete',
  removed: 'delete',
  move: 'move',
  moved: 'move',
  activate: 'activate',
  activated: 'activate',
  deactivate: 'deactivate',
  deactivated: 'deactivate',
  login: 'login',
  logout: 'logout',
  resetpassword: 'resetPassword',
  passwordreset: 'resetPassword',
  changepassword: 'changePassword',
  passwordchange: 'changePassword',
  passwordchanged: 'changePassword',
  grant: 'grant',
  grants: 'grant',
  setday: 'setDay',
  removeday: 'removeDay',
  loadofficial: 'loadOfficial',
  revealcontact: 'revealContact',
};

/** Maps action strings like `unit.update`, `org.person.created` or `user.reset_password` to a known kind. */
export const actionKind = (action: string): ActionKind | null => {
  const last = action.split(/[.:/]/).pop() ?? action;
  return ACTION_ALIASES[last.toLowerCase().replace(/[^a-z]/g, '')] ?? null;
};

export const ACTION_COLORS: Record<ActionKind, string> = {
  create: 'green',
  update: 'blue',
  delete: 'red',
  move: 'purple',
  activate: 'cyan',
  deactivate: 'orange',
  login: 'default',
  logout: 'default',
  resetPassword: 'gold',
  changePassword: 'gold',
  grant: 'geekblue',
  setDay: 'blue',
  removeDay: 'orange',
  loadOfficial: 'cyan',
  revealContact: 'volcano',
};

/** Entity strings (`unit`, `org.person`, `api_token`) reduced to the keys of the i18n entity names. */
export const entityKey = (entity: string): string => {
  const last = entity.split('.').pop() ?? entity;
  return last.replace(/[_-]([a-z])/g, (_m, c: string) => c.toUpperCase());
};
