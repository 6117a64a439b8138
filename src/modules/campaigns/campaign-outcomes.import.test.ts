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
import { installCaseType } from '../cases/case-types.service.js';
import { figuresOfCampaigns } from './campaign-figures.service.js';
import { importCampaignOutcomes } from './campaign-outcomes.import.js';
import { createCampaign } from './campaigns.service.js';

const local = (text: string) => new Date(`${text}+08:00`);
const csv = (...lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
const header = '用户号码,原因大类,具体原因,回访反馈,是否激活,激活日期';

describeEachDialect('campaign outcomes import', (ctx) => {
  const clock = manualClock(local('2026-11-02T09:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let grid1: Actor;
  let head: Actor;
  const deps = (actor: Actor) => ({ db, clock, actor });
  const key = (n: number) => `1390000${String(n).padStart(4, '0')}`;
  const good = [
    `${key(1)},联系不上,空号,三次拨打均提示空号,否,`,
    `${key(2)},,无需求,用户表示暂不需要宽带,是,2026-11-03`,
    `${key(3)},,其他 · 搬迁,用户已搬迁到外地居住,否,`,
  ];
  const states = async () =>
    (
      await db
        .selectFrom('campaignTargets')
        .innerJoin('cases', 'cases.id', 'campaignTargets.caseId')
        .select(['campaignTargets.externalKey', 'cases.status', 'cases.reasonCode', 'cases.outcomeJson'])
        .orderBy('campaignTargets.externalKey')
        .execute()
    ).map((r) => [r.externalKey, r.status, r.reasonCode, r.outcomeJson]);
  const audits = async () =>
    (
      await db
        .selectFrom('auditLog')
        .select('afterJson')
        .where('action', '=', 'campaign.outcomes_import')
        .execute()
    ).map((a) => JSON.parse(a.afterJson!) as unknown);

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
    grid1 = (await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock })).actor;
    await buildUser(db, [grant('manager', org.eastGrid2.id)], { clock });
    await createCampaign(
      {
        key: '2026-10-broadband',
        name: '十月宽带回访',
        caseType: 'telecom.arrears',
        unitId: org.east.id,
        category: 'broadband',
        rule: { by: 'unit_column', assignTo: 'unit_manager' },
        targets: [1, 2, 3, 4].map((n) => ({
          externalKey: key(n),
          unit: n < 4 ? org.eastGrid1.code : org.eastGrid2.code,
          data: { phone: key(n) },
        })),
      },
      deps(head),
    );
  });

  it('refuses a sheet with bad rows as a whole, naming each row, and changes nothing', async () => {
    const before = await states();
    const report = await importCampaignOutcomes(
      {
        campaign: '2026-10-broadband',
        source: csv(
          header,
          ...good,
          `${key(4)},,无需求,用户表示暂不需要宽带,否,`, // another grid's target
          `13999999999,,无需求,用户表示暂不需要宽带,否,`, // no target
          `${key(1)},,天气,用户表示暂不需要宽带,否,`, // no such reason (and the key twice)
          `${key(5)},联系不上,,,否,`,
        ),
        mode: 'all_or_nothing',
      },
      deps(grid1),
    );
    expect(report).toMatchObject({ applied: false, rows: 7, bad: 4 });
    expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [5, 'externalKey', 'not_assignee'],
      [6, 'externalKey', 'not_a_target'],
      [7, 'externalKey', 'duplicate_key'],
      [8, 'externalKey', 'not_a_target'],
    ]);
    expect(await states()).toEqual(before);
    expect(await audits()).toEqual([]);

    const rules = await importCampaignOutcomes(
      {
        campaign: '2026-10-broadband',
        source: csv(
          header,
          `${key(1)},,天气,用户表示暂不需要宽带,否,`,
          `${key(2)},,无需求,好,否,`,
          `${key(3)},,无需求,用户表示暂不需要宽带,是,`,
          `${key(3)},其他,空号,用户表示暂不需要宽带,否,`.replace(key(3), key(1)),
        ),
        mode: 'dry_run',
      },
      deps(grid1),
    );
    expect(rules.problems.map((p) => [p.row, p.field, p.code, p.value])).toEqual([
      [2, 'reason', 'unknown_reason', '天气'],
      [3, 'feedback', 'cases.feedback_too_short', '好'],
      [4, 'reactivated_on', 'cases.field_invalid', ''],
      [5, 'externalKey', 'duplicate_key', key(1)],
    ]);
    expect(rules.problems[1]!.whyZh).toContain('6');
  });

  it('resolves the follow-ups of the good rows; the same sheet again changes nothing', async () => {
    const sheet = csv(header, ...good, `${key(4)},,无需求,用户表示暂不需要宽带,否,`);
    const first = await importCampaignOutcomes(
      { campaign: '2026-10-broadband', source: sheet, mode: 'skip_bad' },
      deps(grid1),
    );
    expect(first).toMatchObject({ applied: true, created: 3, unchanged: 0, bad: 1 });
    expect(await states()).toEqual([
      [key(1), 'resolved', 'unreachable.empty', '{"reactivated":false}'],
      [key(2), 'resolved', 'no_need', '{"reactivated":true,"reactivated_on":"2026-11-03"}'],
      [key(3), 'resolved', 'other.moved', '{"reactivated":false}'],
      [key(4), 'assigned', null, null],
    ]);
    const figures = await figuresOfCampaigns({ campaign: '2026-10-broadband' }, deps(head));
    expect(figures.total).toMatchObject({ targets: 4, followedUp: 3, reached: 2, reactivated: 1 });

    const again = await importCampaignOutcomes(
      { campaign: '2026-10-broadband', source: sheet, mode: 'skip_bad' },
      deps(grid1),
    );
    expect(again).toMatchObject({ applied: true, created: 0, unchanged: 3, bad: 1 });
    const changed = await importCampaignOutcomes(
      {
        campaign: '2026-10-broadband',
        source: csv(header, `${key(1)},,无需求,用户表示暂不需要宽带,否,`),
        mode: 'all_or_nothing',
      },
      deps(grid1),
    );
    expect(changed.problems).toMatchObject([{ row: 2, field: 'reason', code: 'already_resolved' }]);
    expect(await audits()).toEqual([
      { key: '2026-10-broadband', recorded: 3, unchanged: 0, bad: 1 },
      { key: '2026-10-broadband', recorded: 0, unchanged: 3, bad: 1 },
    ]);
  });

  it('refuses a campaign the caller does not see, and a caller who may not write cases', async () => {
    const outsider = (await buildUser(db, [grant('manager', org.west.id)], { clock })).actor;
    const viewer = (await buildUser(db, [grant('viewer', org.east.id)], { clock })).actor;
    const codeOf = async (actor: Actor) => {
      try {
        await importCampaignOutcomes(
          { campaign: '2026-10-broadband', source: csv(header, ...good), mode: 'dry_run' },
          deps(actor),
        );
      } catch (error) {
        if (isAppError(error)) return error.code;
        throw error;
      }
      return null;
    };
    expect(await codeOf(outsider)).toBe('campaigns.not_found');
    expect(await codeOf(viewer)).toBe('auth.forbidden');
  });
});
