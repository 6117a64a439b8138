import type { AuditTables } from '../../modules/audit/audit.tables.js';
import type { CampaignsTables } from '../../modules/campaigns/campaigns.tables.js';
import type { AuthTables } from '../../modules/auth/auth.tables.js';
import type { CalendarTables } from '../../modules/calendar/calendar.tables.js';
import type { CasesTables } from '../../modules/cases/cases.tables.js';
import type { NotificationsTables } from '../../modules/notifications/notifications.tables.js';
import type { IndicatorsTables } from '../../modules/indicators/indicators.tables.js';
import type { ImportsTables } from '../../modules/imports/imports.tables.js';
import type { CustomersTables } from '../../modules/customers/customers.tables.js';
import type { ReportsTables } from '../../modules/reports/reports.tables.js';
import type { OrgTables } from '../../modules/org/org.tables.js';
import type { JobsTables } from '../jobs/jobs.tables.js';

/** The whole database as Kysely sees it: the union of the tables each module owns. */
export type Database = OrgTables &
  AuthTables &
  AuditTables &
  JobsTables &
  CalendarTables &
  CustomersTables &
  CasesTables &
  NotificationsTables &
  CampaignsTables &
  ReportsTables &
  ImportsTables &
  IndicatorsTables;
