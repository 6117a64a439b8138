import { authErrors } from '../../modules/auth/auth.errors.js';
import { campaignsErrors } from '../../modules/campaigns/campaigns.errors.js';
import { calendarErrors } from '../../modules/calendar/calendar.errors.js';
import { casesErrors } from '../../modules/cases/cases.errors.js';
import { customersErrors } from '../../modules/customers/customers.errors.js';
import { indicatorsErrors } from '../../modules/indicators/indicators.errors.js';
import { importsErrors } from '../../modules/imports/imports.errors.js';
import { notificationsErrors } from '../../modules/notifications/notifications.errors.js';
import { packsErrors } from '../../modules/packs/packs.errors.js';
import { orgErrors } from '../../modules/org/org.errors.js';
import { reportsErrors } from '../../modules/reports/reports.errors.js';
import type { ErrorDefinition } from './define-errors.js';
import { platformErrors } from './platform.errors.js';

/**
 * Every error code of the application with its kind and messages. Each module owns
 * its table (`<module>.errors.ts`); the doc comment on each entry explains the code.
 */
export const errorCatalog = {
  ...platformErrors,
  ...orgErrors,
  ...authErrors,
  ...calendarErrors,
  ...customersErrors,
  ...casesErrors,
  ...notificationsErrors,
  ...packsErrors,
  ...importsErrors,
  ...campaignsErrors,
  ...reportsErrors,
  ...indicatorsErrors,
} satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalog;

export type Locale = 'zh-CN' | 'en';

/** The message of a code in a locale, with `{name}` placeholders filled from details. */
export const messageOf = (code: ErrorCode, locale: Locale, details: Record<string, unknown> = {}): string => {
  const definition: ErrorDefinition = errorCatalog[code];
  const template = locale === 'en' ? definition.en : definition.zh;
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    details[name] === undefined ? `{${name}}` : String(details[name]),
  );
};
