import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { migrateToLatest } from './migrations.js';

describeEachDialect('migrations', (ctx) => {
  it('creates every module table and is a no-op the second time', async () => {
    const { db } = ctx();
    const tables = (await db.introspection.getTables()).map((t) => t.name);
    for (const name of [
      'units',
      'unit_closure',
      'people',
      'users',
      'role_grants',
      'sessions',
      'api_tokens',
      'audit_log',
      'jobs',
    ]) {
      expect(tables).toContain(name);
    }
    const again = await migrateToLatest(db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBeGreaterThanOrEqual(4);
  });

  it('enforces foreign keys', async () => {
    const { db } = ctx();
    const now = new Date().toISOString();
    await expect(
      db
        .insertInto('people')
        .values({ unitId: 999999, name: 'x', active: 1, createdAt: now, updatedAt: now })
        .execute(),
    ).rejects.toThrow();
    const count = await sql<{ n: number }>`select count(*) as n from people`.execute(db);
    expect(Number(count.rows[0]?.n)).toBe(0);
  });
});
