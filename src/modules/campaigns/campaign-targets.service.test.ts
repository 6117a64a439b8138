import { beforeAll, expect, it } from 'vitest';
import { arrearsFollowUp, doorVisit } from '../../../test/helpers/campaigns.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { isAppError } from '../../platform/errors/app-error.js';
import { ensureStandardCalendar } from '../calendar/calendar.service.js';
import { installCaseType } from '../cases/case-types.service.js';
import { getCase } from '../cases/case-views.service.js';
import { createCase, transitionCase } from '../cases/cases.service.js';
import { getCaseCampaignTarget, listCampaignTargets, listTargetLists } from './campaign-targets.service.js';
import { escalateTargetToVisit } from './campaign-visits.service.js';
import { createCampaign } from './campaigns.service.js';

const local = (text: string) => new Date(`${text}+08:00`);

describeEachDialect('campaign targets and visits', (ctx) => {
  const clock = manualClock(local('2026-11-02T09:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let head: Actor;
  let grid1: Actor;
  let grid2: Actor;
  let outsider: Actor;
  const deps = (actor: Actor) => ({ db, clock, actor });
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (isAppError(error)) return error.code;
      throw error;
    }
    return null;
  };
  const key = (n: number) => `1390000${String(n).padStart(4, '0')}`;
  const caseOf = async (campaign: string, externalKey: string) =>
    (
      await db
        .selectFrom('campaignTargets')
        .innerJoin('campaigns', 'campaigns.id', 'campaignTargets.campaignId')
        .select('campaignTargets.caseId')
        .where('campaigns.key', '=', campaign)
        .where('campaignTargets.externalKey', '=', externalKey)
        .executeTakeFirstOrThrow()
    ).caseId;
  const resolve = async (actor: Actor, caseId: number, reasonCode: string, reactivated: boolean) => {
    await transitionCase({ caseId, input: { action: 'accept' } }, deps(actor));
    await transitionCase(
      {
        caseId,
        input: {
          action: 'resolve',
          reasonCode,
          feedback: '电话回访三次，情况如实记录',
          outcome: reactivated ? { reactivated, reactivated_on: '2026-11-03' } : { reactivated },
        },
      },
      deps(actor),
    );
  };
  const countCases = async () =>
    Number(
      (
        await db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await ensureStandardCalendar({ db, clock });
    await db.transaction().execute(async (tx) => {
      for (const type of [arrearsFollowUp, doorVisit])
        await installCaseType(tx, type, { clock, actor: systemActor('test'), mode: 'create' });
    });
    head = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
    grid1 = (await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock })).actor;
    grid2 = (await buildUser(db, [grant('manager', org.eastGrid2.id)], { clock })).actor;
    outsider = (await buildUser(db, [grant('manager', org.west.id)], { clock })).actor;
    const targets = [1, 2, 3, 4].map((n) => ({
      externalKey: key(n),
      unit: n <= 3 ? org.eastGrid1.code : org.eastGrid2.code,
      row: n + 1,
      data: { phone: key(n), arrears: 50 + n, package: `畅享 ${100 + n}`, 安装地址: `幸福路 ${n} 号` },
    }));
    for (const [campaignKey, visitCaseType] of [
      ['2026-10-broadband', 'telecom.visit'],
      ['2026-10-novisit', undefined],
    ] as const)
      await createCampaign(
        {
          key: campaignKey,
          name: `${campaignKey} 回访`,
          caseType: 'telecom.arrears',
          unitId: org.east.id,
          category: 'broadband',
          rule: { by: 'unit_column', assignTo: 'unit_manager' },
          ...(visitCaseType ? { visitCaseType } : {}),
          targets,
        },
        deps(head),
      );
    await resolve(grid1, await caseOf('2026-10-broadband', key(1)), 'unreachable.empty', false);
    await resolve(grid1, await caseOf('2026-10-broadband', key(2)), 'no_need', true);
    await resolve(grid1, await caseOf('2026-10-novisit', key(1)), 'unreachable.no_answer', false);
  });

  it("lists a campaign's targets with their outcome, filtered, in the caller's scope", async () => {
    const page = await listCampaignTargets({ campaign: '2026-10-broadband', query: {} }, deps(head));
    expect(page.total).toBe(4);
    expect(page.items.map((t) => t.externalKey)).toEqual([key(1), key(2), key(3), key(4)]);
    expect(page.items[0]).toMatchObject({
      row: 2,
      reasonCode: 'unreachable.empty',
      reasonName: '联系不上 · 空号',
      reactivated: false,
      data: { arrears: 51, package: '畅享 101' },
      visit: null,
      case: { status: 'resolved', unit: { id: org.eastGrid1.id } },
    });
    expect(page.items[1]).toMatchObject({ reasonName: '无需求', reactivated: true });
    expect(page.items[2]).toMatchObject({
      reasonCode: null,
      reactivated: null,
      case: { status: 'assigned' },
    });

    const keys = async (query: Parameters<typeof listCampaignTargets>[0]['query'], actor = head) =>
      (await listCampaignTargets({ campaign: '2026-10-broadband', query }, deps(actor))).items.map(
        (t) => t.externalKey,
      );
    expect(await keys({ contact: 'unreachable' })).toEqual([key(1)]);
    expect(await keys({ contact: 'reached' })).toEqual([key(2)]);
    expect(await keys({ contact: 'none' })).toEqual([key(3), key(4)]);
    expect(await keys({ status: 'open' })).toEqual([key(3), key(4)]);
    expect(await keys({ status: 'closed' })).toEqual([key(1), key(2)]);
    expect(await keys({ q: '00004' })).toEqual([key(4)]);
    expect(await keys({ page: 2, pageSize: 3 })).toEqual([key(4)]);
    // A grid manager sees his grid's targets only; another branch sees no campaign.
    expect(await keys({}, grid2)).toEqual([key(4)]);
    expect(
      await codeOf(listCampaignTargets({ campaign: '2026-10-broadband', query: {} }, deps(outsider))),
    ).toBe('campaigns.not_found');
  });

  it('escalates an unreachable target to a visit that shows its arrears and package first', async () => {
    const campaign = '2026-10-broadband';
    expect(
      await codeOf(escalateTargetToVisit({ campaign, externalKey: key(2), input: {} }, deps(grid1))),
    ).toBe(
      'campaigns.visit_not_allowed', // reached
    );
    expect(
      await codeOf(escalateTargetToVisit({ campaign, externalKey: key(3), input: {} }, deps(grid1))),
    ).toBe(
      'campaigns.visit_not_allowed', // no outcome yet
    );
    expect(
      await codeOf(escalateTargetToVisit({ campaign, externalKey: key(1), input: {} }, deps(grid2))),
    ).toBe(
      'campaigns.target_not_found', // another grid's target
    );
    expect(
      await codeOf(
        escalateTargetToVisit({ campaign: '2026-10-novisit', externalKey: key(1), input: {} }, deps(grid1)),
      ),
    ).toBe('campaigns.no_visit_type');

    const followUpId = await caseOf(campaign, key(1));
    expect(await getCaseCampaignTarget({ caseId: followUpId }, deps(grid1))).toMatchObject({
      canEscalate: true,
      visit: null,
    });
    const { caseId } = await escalateTargetToVisit(
      { campaign, externalKey: key(1), input: { note: '白天家中无人，晚上上门' } },
      deps(grid1),
    );
    const visit = await getCase({ caseId }, deps(grid1));
    expect(visit).toMatchObject({
      caseType: { key: 'telecom.visit' },
      unit: { id: org.eastGrid1.id },
      categoryKey: 'broadband',
      assignee: { id: grid1.userId },
      fields: { arrears: 51, package: '畅享 101' },
    });
    expect(visit.description!.split('\n')).toEqual([
      `派单：${campaign} 回访（${key(1)}）`,
      '欠费金额：51',
      '套餐：畅享 101',
      `联系电话：${key(1)}`,
      '安装地址：幸福路 1 号',
      '回访结果：联系不上 · 空号',
      '回访反馈：电话回访三次，情况如实记录',
      '说明：白天家中无人，晚上上门',
    ]);

    // Both cases lead to the target; the list shows the visit; a second escalation is refused.
    const phone = { key: 'phone', label: '联系电话', value: key(1) };
    const arrears = { key: 'arrears', label: '欠费金额', value: 51 };
    const pkg = { key: 'package', label: '套餐', value: '畅享 101' };
    const address = { key: '安装地址', label: '安装地址', value: '幸福路 1 号' };
    // On the follow-up the follow-up type's order; on the visit the visit type's (arrears first).
    for (const [id, fields] of [
      [followUpId, [phone, arrears, pkg, address]],
      [caseId, [arrears, pkg, phone, address]],
    ] as const)
      expect(await getCaseCampaignTarget({ caseId: id }, deps(grid1))).toEqual({
        campaign: { key: campaign, name: `${campaign} 回访` },
        externalKey: key(1),
        row: 2,
        fields,
        followUp: {
          caseId: followUpId,
          status: 'resolved',
          reasonName: '联系不上 · 空号',
          feedback: '电话回访三次，情况如实记录',
        },
        visit: { caseId, status: 'assigned', assignee: { id: grid1.userId!, name: grid1.name } },
        canEscalate: false,
      });
    const listed = await listCampaignTargets({ campaign, query: { contact: 'unreachable' } }, deps(head));
    expect(listed.items[0]!.visit).toMatchObject({ caseId });
    expect(
      await codeOf(escalateTargetToVisit({ campaign, externalKey: key(1), input: {} }, deps(grid1))),
    ).toBe('campaigns.visit_exists');
    const audit = await db
      .selectFrom('auditLog')
      .select('afterJson')
      .where('action', '=', 'campaign.visit')
      .execute();
    expect(audit.map((a) => JSON.parse(a.afterJson!) as unknown)).toEqual([
      { followUpCaseId: followUpId, visitCaseId: caseId },
    ]);
    expect(await codeOf(getCaseCampaignTarget({ caseId: followUpId }, deps(outsider)))).toBe(
      'campaigns.not_found',
    );
  });

  it('completes an escalation interrupted before the link instead of registering a second visit', async () => {
    // As if the process died after registering the visit: the case exists, the target is not linked.
    const campaign = await db
      .selectFrom('campaigns')
      .select('id')
      .where('key', '=', '2026-10-broadband')
      .executeTakeFirstOrThrow();
    await resolve(grid2, await caseOf('2026-10-broadband', key(4)), 'unreachable.not_user', false);
    const { caseId: orphan } = await createCase(
      {
        caseType: 'telecom.visit',
        unitId: org.eastGrid2.id,
        title: `上门走访 · ${key(4)}`,
        category: 'broadband',
        externalKey: `campaign-${campaign.id}:${key(4)}`,
      },
      deps(grid2),
    );
    const before = await countCases();
    const { caseId } = await escalateTargetToVisit(
      { campaign: '2026-10-broadband', externalKey: key(4), input: {} },
      deps(grid2),
    );
    expect(caseId).toBe(orphan);
    expect(await countCases()).toBe(before);
    expect(
      (await listCampaignTargets({ campaign: '2026-10-broadband', query: { q: key(4) } }, deps(grid2)))
        .items[0]!.visit,
    ).toMatchObject({ caseId: orphan });
  });

  it('lists the imported target lists a dispatcher may use', async () => {
    const now = clock.now().toISOString();
    const typeId = (
      await db
        .selectFrom('caseTypes')
        .select('id')
        .where('key', '=', 'telecom.arrears')
        .executeTakeFirstOrThrow()
    ).id;
    for (const [listKey, unitId] of [
      ['east-2026-11', org.east.id],
      ['west-2026-11', org.west.id],
    ] as const)
      await db
        .insertInto('targetLists')
        .values({
          key: listKey,
          name: listKey,
          caseTypeId: typeId,
          unitId,
          rowCount: 0,
          createdByUserId: null,
          createdAt: now,
          updatedAt: now,
        })
        .execute();
    expect(await listTargetLists(deps(head))).toEqual([
      expect.objectContaining({
        key: 'east-2026-11',
        caseType: 'telecom.arrears',
        unit: { id: org.east.id, name: '城东' },
      }),
    ]);
    const staff = (await buildUser(db, [grant('staff', org.east.id)], { clock })).actor;
    expect(await codeOf(listTargetLists(deps(staff)))).toBe('auth.forbidden');
  });
});
