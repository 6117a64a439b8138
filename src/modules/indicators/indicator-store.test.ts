import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { refreshStatisticsAfter } from './indicator-store.js';

describeEachDialect('indicator statistics', (ctx) => {
  it('refreshes PostgreSQL’s statistics of the values table after a large write only', async () => {
    const { db, dialect } = ctx();
    const lastAnalyze = async () =>
      (
        await sql<{ at: string | null }>`select last_analyze as at from pg_stat_user_tables
          where relname = 'indicator_values' and schemaname = current_schema()`.execute(db)
      ).rows[0]?.at ?? null;
    if (dialect === 'sqlite') {
      // SQLite plans these queries without statistics: no ANALYZE (which would create sqlite_stat1).
      await refreshStatisticsAfter(db, 50_000);
      const stat = await sql<{
        n: number;
      }>`select count(*) as n from sqlite_master where name = 'sqlite_stat1'`.execute(db);
      expect(Number(stat.rows[0]!.n)).toBe(0);
      return;
    }
    await refreshStatisticsAfter(db, 10);
    expect(await lastAnalyze()).toBeNull();
    await refreshStatisticsAfter(db, 10_001);
    await expect.poll(lastAnalyze, { timeout: 5000 }).not.toBeNull();
  });
});
