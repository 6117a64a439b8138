import type { TFunction } from 'i18next';
import type { Messages } from '../i18n/zh-cn';
import { zhCN } from '../i18n/zh-cn';
import { actionKind, entityKey } from '../lib/audit-diff';

type FieldKey = keyof Messages['audit']['fields'];
type EntityKey = keyof Messages['audit']['entities'];

const isFieldKey = (k: string): k is FieldKey => Object.hasOwn(zhCN.audit.fields, k);
const isEntityKey = (k: string): k is EntityKey => Object.hasOwn(zhCN.audit.entities, k);

export const fieldLabel = (t: TFunction, field: string): string =>
  isFieldKey(field) ? t(`audit.fields.${field}`) : field;

export const entityLabel = (t: TFunction, entity: string): string => {
  const key = entityKey(entity);
  return isEntityKey(key) ? t(`audit.entities.${key}`) : entity;
};

export const actionLabel = (t: TFunction, action: string): string => {
  const kind = actionKind(action);
  return kind ? t(`audit.actions.${kind}`) : action;
};
