import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { arrearsFollowUp } from '../../../test/helpers/campaigns.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import { ensureStandardCalendar } from '../calendar/calendar.service.js';
import { installCaseType } from '../cases/case-types.service.js';
import { campaignsMigrations } from './campaigns.migrations.js';
import { createCampaign } from './campaigns.service.js';

describeEachDialect('campaigns migrations', (ctx) => {
  it('0017 gives the campaigns before it the month they were created in, in Asia/Shanghai', async () => {
    const { db } = ctx();
    // 01:00 on the 1st of November in Shanghai, still October in UTC.
    const clock = manualClock(new Date('2026-11-01T01:00:00+08:00'));
    const org = await buildOrgTree(db);
    await ensureStandardCalendar({ db, clock });
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(tx, arrearsFollowUp, { clock, actor: systemActor('test'), mode: 'create' }),
      );
    const head = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
    await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock });
    await createCampaign(
      {
        key: 'before-0017',
        name: '迁移前的派单',
        caseType: 'telecom.arrears',
        unitId: org.east.id,
        category: 'broadband',
        rule: { by: 'unit_column', assignTo: 'unit_manager' },
        targets: [{ externalKey: '13900000001', unit: org.eastGrid1.code }],
      },
      { db, clock, actor: head },
    );
    // Back to the schema before 0017, then its step again (called directly: later migrations have
    // run since, and the migrator runs only what comes after the last one it applied).
    await sql`alter table campaigns drop column period`.execute(db);
    await campaignsMigrations['0017_campaign_period']!.up(db as unknown as Kysely<unknown>);
    expect(await db.selectFrom('campaigns').select(['key', 'period']).execute()).toEqual([
      { key: 'before-0017', period: '2026-11' },
    ]);
  });
});
