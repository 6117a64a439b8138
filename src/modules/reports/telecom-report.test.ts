import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, expect, it } from 'vitest';
import { arrearsFollowUp } from '../../../test/helpers/campaigns.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { ensureStandardCalendar } from '../calendar/calendar.service.js';
import { createCampaign } from '../campaigns/campaigns.service.js';
import { installCaseType } from '../cases/case-types.service.js';
import { transitionCase } from '../cases/cases.service.js';
import { campaignReportContext } from './campaign-report-context.js';
import { renderDocx } from './render/docx-render.js';
import { monthPeriod } from './report-period.js';
import { readTemplate } from './report-templates.js';
import { fillTemplate } from './template-engine.js';

const local = (text: string) => new Date(`${text}+08:00`);

/*
 * The telecom monthly report (templates/telecom-arrears-monthly.json) written from two months of
 * campaigns whose outcomes are set by hand, so that every figure it prints is known here.
 */
describeEachDialect('the telecom monthly report', (ctx) => {
  const clock = manualClock(local('2026-09-01T09:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let head: Actor;
  let managers: Actor[];

  /** One broadband campaign with one target per outcome, `[manager index, reason, reactivated]`. */
  const month = async (key: string, day: string, outcomes: Array<[number, string | null, boolean]>) => {
    clock.set(local(`${day}T09:00`));
    const grids = [org.eastGrid1, org.eastGrid2];
    await createCampaign(
      {
        key,
        name: `${key} 宽带欠费拆机回访`,
        caseType: 'telecom.arrears',
        unitId: org.east.id,
        category: 'broadband',
        rule: { by: 'unit_column', assignTo: 'unit_manager' },
        targets: outcomes.map(([m], i) => ({
          externalKey: `${key}-${i}`,
          unit: grids[m]!.code,
          data: { arrears: 100 + i },
        })),
      },
      { db, clock, actor: head },
    );
    const cases = await db
      .selectFrom('campaignTargets')
      .innerJoin('campaigns', 'campaigns.id', 'campaignTargets.campaignId')
      .select('campaignTargets.caseId')
      .where('campaigns.key', '=', key)
      .orderBy('campaignTargets.rowNumber')
      .execute();
    clock.set(local(`${day}T10:00`));
    for (const [i, [m, reason, reactivated]] of outcomes.entries()) {
      if (reason === null) continue;
      const deps = { db, clock, actor: managers[m]! };
      await transitionCase({ caseId: cases[i]!.caseId, input: { action: 'accept' } }, deps);
      await transitionCase(
        {
          caseId: cases[i]!.caseId,
          input: {
            action: 'resolve',
            reasonCode: reason,
            feedback: '电话回访，用户说明了具体情况',
            outcome: reactivated ? { reactivated, reactivated_on: day } : { reactivated },
          },
        },
        deps,
      );
    }
  };

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await ensureStandardCalendar({ db, clock });
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(tx, arrearsFollowUp, { clock, actor: systemActor('test'), mode: 'create' }),
      );
    head = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
    managers = [
      (await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock })).actor,
      (await buildUser(db, [grant('manager', org.eastGrid2.id)], { clock })).actor,
    ];
    // September: 4 targets, unreachable 2 of 4 (50 %), other carrier 1 (25 %), no need 1, one reactivated.
    await month('2026-09', '2026-09-07', [
      [0, 'unreachable.no_answer', false],
      [0, 'no_need', true],
      [1, 'unreachable.empty', false],
      [1, 'other_carrier', false],
    ]);
    // October: 5 targets, 4 followed up: unreachable 1, other carrier 2 (50 %, up 25 points),
    // other 1; one reactivated (20 % of targets, at the 20 % target); grid 2 leaves one open.
    await month('2026-10', '2026-10-12', [
      [0, 'unreachable.not_user', false],
      [0, 'other_carrier', true],
      [1, 'other_carrier', false],
      [1, 'other.moved', false],
      [1, null, false],
    ]);
  });

  it('writes the month with its comparisons, its triggered sentences, tables and charts', async () => {
    const context = await campaignReportContext(
      { unitId: org.east.id, period: monthPeriod('2026-10') },
      { db, actor: head },
    );
    expect(context.current.total).toMatchObject({ targets: 5, followedUp: 4, reactivated: 1, pending: 1 });
    expect(context.change).toMatchObject({ netDisconnections: 1, otherCarrierShare: 0.25 });

    const document = fillTemplate({
      template: readTemplate('telecom-arrears-monthly'),
      context: { ...context, unit: { name: '城东分公司' }, period: monthPeriod('2026-10') },
      generatedAt: '2026-11-02T09:00:00+08:00',
    });
    expect(document.title).toBe('城东分公司2026年10月欠费拆机管控分析报告');
    const text = JSON.stringify(document.blocks);
    expect(text).toContain(
      '本月派单 5 户，已反馈 4 户，反馈率 80.0%；激活 1 户，欠拆激活率 20.0%，净拆机 4 户',
    );
    expect(text).toContain('净拆机 +1 户，欠拆激活率下降 5.0 个百分点');
    // Triggered: one target without feedback; 转入异网 up 25 points; not triggered: the rate is at target.
    expect(text).toContain('仍有 ');
    expect(text).toContain('转入异网”占比 ');
    expect(text).toContain('较上月上升 25.0 个百分点');
    expect(text).not.toContain('低于 20.0% 的目标');
    // The broadband reasons with their sub-reasons and change.
    expect(text).toContain('转入异网 2 户，占 50.0%，较上月上升 25.0 个百分点');
    expect(text).toContain('联系不上 1 户，占 25.0%，较上月下降 25.0 个百分点（其中号码非本人 1 户）');
    // Suggestions: the grid-2 manager has a target without feedback and 50 % "other".
    expect(text).toMatch(/须对每户写明具体原因：未反馈 1 户，“其他”占 50\.0%/);

    const docx = await renderDocx({ document });
    const files = unzipSync(new Uint8Array(docx.buffer));
    const xml = strFromU8(files['word/document.xml']!);
    for (const heading of [
      '一、',
      '欠费拆机存在的主要问题',
      '二、',
      '欠费拆机主要原因分析',
      '（一）',
      '宽带欠费拆机主要原因',
      '三、',
      '四、',
    ])
      expect(xml).toContain(heading);
    expect(xml).toContain('分网格经理情况');
    expect(Object.keys(files).filter((f) => f.startsWith('word/media/') && f.endsWith('.png'))).toHaveLength(
      2,
    );
  });
});
