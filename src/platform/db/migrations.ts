import { Migrator, sql } from 'kysely';
import { dialectOf } from './database.js';
import type { Kysely, Migration, MigrationResultSet } from 'kysely';
import { auditMigrations } from '../../modules/audit/audit.migrations.js';
import { authMigrations } from '../../modules/auth/auth.migrations.js';
import { calendarMigrations } from '../../modules/calendar/calendar.migrations.js';
import { campaignsMigrations } from '../../modules/campaigns/campaigns.migrations.js';
import { casesMigrations } from '../../modules/cases/cases.migrations.js';
import { indicatorsMigrations } from '../../modules/indicators/indicators.migrations.js';
import { importsMigrations } from '../../modules/imports/imports.migrations.js';
import { customersMigrations } from '../../modules/customers/customers.migrations.js';
import { notificationsMigrations } from '../../modules/notifications/notifications.migrations.js';
import { reportsMigrations } from '../../modules/reports/reports.migrations.js';
import { orgMigrations } from '../../modules/org/org.migrations.js';
import { jobsMigrations } from '../jobs/jobs.migrations.js';

/**
 * Every module contributes its migrations; names carry a global sequence number so that
 * the order across modules is fixed (org before auth, whose tables reference users).
 */
export const allMigrations = (): Record<string, Migration> => ({
  ...orgMigrations,
  ...authMigrations,
  ...auditMigrations,
  ...jobsMigrations,
  ...calendarMigrations,
  ...customersMigrations,
  ...casesMigrations,
  ...notificationsMigrations,
  ...campaignsMigrations,
  ...reportsMigrations,
  ...importsMigrations,
  ...indicatorsMigrations,
});

export type MigrationReport = { applied: string[]; alreadyApplied: number };

/** Applies every pending migration; throws with the failing migration's name. */
export const migrateToLatest = async <T>(handle: Kysely<T>): Promise<MigrationReport> => {
  const db = handle as unknown as Kysely<unknown>; // migrations see no typed schema
  // On PostgreSQL the bookkeeping tables live in the current schema: Kysely would otherwise
  // look for them in every schema and be misled by another deployment's (or test's) tables.
  const migrationTableSchema =
    dialectOf(db) === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => allMigrations() },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const before = (await migrator.getMigrations()).filter((m) => m.executedAt).length;
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    alreadyApplied: before,
  };
};
