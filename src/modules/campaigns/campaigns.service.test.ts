import { beforeAll, expect, it } from 'vitest';
import { arrearsFollowUp } from '../../../test/helpers/campaigns.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { ensureStandardCalendar } from '../calendar/calendar.service.js';
import { expectedFigureDays, storedFigureDays } from '../cases/case-figure-days.js';
import { installCaseType } from '../cases/case-types.service.js';
import { getCase } from '../cases/case-views.service.js';
import { transitionCase } from '../cases/cases.service.js';
import { figuresOfCampaigns } from './campaign-figures.service.js';
import type { CreateCampaignInput } from './campaigns.schema.js';
import { createCampaign, getCampaign } from './campaigns.service.js';

const local = (text: string) => new Date(`${text}+08:00`);

describeEachDialect('dispatch campaigns', (ctx) => {
  const clock = manualClock(local('2026-11-02T09:00')); // a Monday
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let branchHead: Actor; // 分公司: creates the campaigns
  let grid1Manager: Actor;
  let grid2Manager: Actor;
  let grid2Staff: Actor;
  const deps = (actor: Actor) => ({ db, clock, actor });
  const count = async (table: 'cases' | 'campaigns' | 'campaignTargets' | 'auditLog' | 'notifications') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const refusal = async (input: CreateCampaignInput) => {
    try {
      await createCampaign(input, deps(branchHead));
    } catch (error) {
      if (isAppError(error)) return { code: error.code, ...error.details };
      throw error;
    }
    return null;
  };
  const target = (
    n: number,
    unit: string,
    extra: Partial<NonNullable<CreateCampaignInput['targets']>[number]> = {},
  ) => ({
    externalKey: `1390000${String(n).padStart(4, '0')}`,
    unit,
    data: { phone: `1390000${String(n).padStart(4, '0')}`, arrears: 58 + n, package: '畅享 199' },
    ...extra,
  });
  let campaign: CreateCampaignInput;

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await ensureStandardCalendar({ db, clock });
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(tx, arrearsFollowUp, { clock, actor: systemActor('test'), mode: 'create' }),
      );
    branchHead = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
    grid1Manager = (await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock })).actor;
    grid2Manager = (await buildUser(db, [grant('manager', org.eastGrid2.id)], { clock })).actor;
    grid2Staff = (await buildUser(db, [grant('staff', org.eastGrid2.id)], { clock })).actor;
    campaign = {
      key: '2026-10-broadband',
      name: '2026年10月宽带欠费拆机回访',
      caseType: 'telecom.arrears',
      unitId: org.east.id,
      category: '宽带',
      rule: { by: 'unit_column', assignTo: 'unit_manager' },
      targets: [
        target(1, org.eastGrid1.code),
        target(2, org.eastGrid1.code),
        target(3, org.eastGrid2.code),
        target(4, org.eastGrid2.code, { category: 'mobile' }),
      ],
    };
  });

  it('refuses a list with bad targets as a whole, naming each row, and writes nothing', async () => {
    const before = await Promise.all([
      count('cases'),
      count('campaigns'),
      count('auditLog'),
      count('notifications'),
    ]);
    const bad: CreateCampaignInput = {
      ...campaign,
      targets: [
        ...campaign.targets!,
        target(5, 'NO-SUCH-GRID', { row: 6 }),
        target(1, org.eastGrid1.code, { row: 7 }), // the same subscriber twice
        target(6, org.westGrid1.code, { row: 8 }), // another branch's grid
        target(7, org.eastGrid1.code, { row: 9, category: 'iptv' }),
        target(8, org.eastGrid1.code, { row: 10, data: { arrears: '十二元' } }), // not a number
      ],
    };
    expect(await refusal(bad)).toMatchObject({
      code: 'campaigns.targets_invalid',
      problemCount: 5,
      problems: [
        { row: 6, field: 'unit', code: 'org.unit_not_found' },
        { row: 7, field: 'externalKey', code: 'duplicate_key' },
        { row: 8, field: 'unit', code: 'org.unit_not_found' },
        { row: 9, field: 'category', code: 'cases.unknown_category' },
        { row: 10, field: 'data.arrears', code: 'cases.field_invalid' },
      ],
    });
    expect(
      await Promise.all([count('cases'), count('campaigns'), count('auditLog'), count('notifications')]),
    ).toEqual(before);
  });

  it('refuses a case type whose outcome the figures cannot read', async () => {
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(
          tx,
          { ...arrearsFollowUp, key: 'plain', reasons: [{ key: 'done', name: '完成' }] },
          { clock, actor: systemActor('test'), mode: 'create' },
        ),
      );
    expect(await refusal({ ...campaign, caseType: 'plain' })).toMatchObject({
      code: 'request.invalid',
      issues: [{ path: 'body.caseType' }],
    });
  });

  it('dispatches each target to its grid manager, with one audit row and one notice per manager', async () => {
    const audit = await count('auditLog');
    const result = await createCampaign(campaign, deps(branchHead));
    expect(result.dispatched).toBe(4);
    expect(result.rejected).toEqual([]);
    expect(result.assignees.map((a) => [a.userId, a.count])).toEqual([
      [grid1Manager.userId, 2],
      [grid2Manager.userId, 2],
    ]);
    expect(await count('auditLog')).toBe(audit + 1);
    const inbox = await db.selectFrom('notifications').select(['userId', 'titleZh']).execute();
    expect(inbox.filter((n) => n.userId === grid1Manager.userId).map((n) => n.titleZh)).toEqual([
      '派单：2026年10月宽带欠费拆机回访，2 件派给您',
    ]);

    const targets = await db
      .selectFrom('campaignTargets')
      .select(['externalKey', 'caseId'])
      .orderBy('externalKey')
      .execute();
    const first = await getCase({ caseId: targets[0]!.caseId }, deps(grid1Manager));
    expect(first).toMatchObject({
      status: 'assigned',
      categoryKey: 'broadband',
      unit: { id: org.eastGrid1.id },
      assignee: { id: grid1Manager.userId },
      fields: { phone: '13900000001', arrears: 59, package: '畅享 199' },
    });
    // Three working days from Monday's assignment end at close of business on Thursday (docs/calendar.md).
    expect(first.clocks[0]).toMatchObject({
      key: 'followup',
      dueAt: local('2026-11-05T18:00').toISOString(),
    });
    const fourth = await getCase({ caseId: targets[3]!.caseId }, deps(grid2Manager));
    expect(fourth.categoryKey).toBe('mobile');
    expect((await getCampaign({ key: campaign.key }, deps(grid1Manager))).targetCount).toBe(4);
    expect(await storedFigureDays(db)).toEqual(await expectedFigureDays(db));

    expect(await refusal(campaign)).toMatchObject({ code: 'campaigns.key_taken', field: 'key' });
  });

  it('turns round robin and a mapping table into assignees, and skips bad rows when asked', async () => {
    const result = await createCampaign(
      {
        ...campaign,
        key: '2026-10-mobile',
        name: '2026年10月移动欠费拆机回访',
        category: 'mobile',
        rule: { by: 'mapping', map: { 东二: org.eastGrid2.code }, assignTo: 'round_robin' },
        mode: 'skip_bad',
        targets: [target(11, '东二'), target(12, '东二'), target(13, '东二'), target(14, '城南', { row: 9 })],
      },
      deps(branchHead),
    );
    expect(result.dispatched).toBe(3);
    expect(result.rejected).toEqual([
      expect.objectContaining({ row: 9, field: 'unit', code: 'unmapped_unit' }),
    ]);
    // The grid's manager and staff in turn, by user id.
    const pool = [grid2Manager.userId!, grid2Staff.userId!].sort((a, b) => a - b);
    expect(Object.fromEntries(result.assignees.map((a) => [a.userId, a.count]))).toEqual({
      [pool[0]!]: 2,
      [pool[1]!]: 1,
    });
  });

  it('computes the campaign figures from the outcomes recorded on the follow-ups', async () => {
    const ids = (
      await db
        .selectFrom('campaignTargets')
        .innerJoin('campaigns', 'campaigns.id', 'campaignTargets.campaignId')
        .select(['campaignTargets.caseId', 'campaignTargets.externalKey'])
        .where('campaigns.key', '=', campaign.key)
        .orderBy('campaignTargets.externalKey')
        .execute()
    ).map((r) => r.caseId);
    const resolve = async (actor: Actor, caseId: number, reasonCode: string, reactivated: boolean) => {
      await transitionCase({ caseId, input: { action: 'accept' } }, deps(actor));
      await transitionCase(
        {
          caseId,
          input: {
            action: 'resolve',
            reasonCode,
            feedback: '电话回访，用户说明了具体情况',
            outcome: reactivated ? { reactivated, reactivated_on: '2026-11-03' } : { reactivated },
          },
        },
        deps(actor),
      );
    };
    clock.set(local('2026-11-03T10:00'));
    await resolve(grid1Manager, ids[0]!, 'unreachable.no_answer', false);
    await resolve(grid1Manager, ids[1]!, 'no_need', true);
    await resolve(grid2Manager, ids[2]!, 'unreachable.empty', false);
    // ids[3] (mobile, grid 2) is not followed up yet.

    const f = await figuresOfCampaigns({ campaign: campaign.key }, deps(branchHead));
    expect(f.total).toEqual({
      key: 'total',
      label: '',
      targets: 4,
      followedUp: 3,
      followUpRate: 0.75,
      reached: 1,
      reachedRate: 0.3333,
      reactivated: 1,
      reactivationRate: 0.25,
      netDisconnections: 3,
      otherReason: 0,
    });
    expect(f.reasons).toEqual([
      {
        key: 'unreachable',
        name: '联系不上',
        count: 2,
        share: 0.6667,
        children: [
          { key: 'unreachable.empty', name: '空号', count: 1, share: 0.3333 },
          { key: 'unreachable.no_answer', name: '无人接听', count: 1, share: 0.3333 },
        ],
      },
      { key: 'no_need', name: '无需求', count: 1, share: 0.3333, children: [] },
    ]);
    expect(f.byCategory.map((r) => [r.label, r.targets, r.followedUp])).toEqual([
      ['宽带', 3, 3],
      ['移动', 1, 0],
    ]);
    expect(f.byAssignee.map((r) => [r.key, r.targets, r.followedUp, r.reactivated])).toEqual([
      [String(grid1Manager.userId), 2, 2, 1],
      [String(grid2Manager.userId), 2, 1, 0],
    ]);
    expect(f.byUnit.map((r) => r.label).sort()).toEqual(['东一网格', '东二网格']);

    // The period view adds the mobile campaign's three untouched targets.
    const month = await figuresOfCampaigns(
      { from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00', unitId: org.east.id },
      deps(branchHead),
    );
    expect(month.campaigns.map((c) => c.key)).toEqual(['2026-10-broadband', '2026-10-mobile']);
    expect(month.total).toMatchObject({ targets: 7, followedUp: 3, reactivated: 1, netDisconnections: 6 });
    // A grid manager sees the branch's campaigns that dispatched to his grid, and counts his grid only.
    const mine = await figuresOfCampaigns(
      { from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' },
      deps(grid1Manager),
    );
    expect(mine.campaigns.map((c) => c.key)).toEqual(['2026-10-broadband', '2026-10-mobile']);
    expect(mine.total).toMatchObject({ targets: 2, followedUp: 2, reached: 1, reactivated: 1 });
    expect(mine.byUnit.map((r) => r.label)).toEqual(['东一网格']);
  });
});
