import { beforeAll, expect, it } from 'vitest';
import { installRepairType } from '../../../test/helpers/cases.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { importCases } from './cases.import.js';

describeEachDialect('importing cases of a type from a file (工单导入)', (ctx) => {
  const clock = manualClock(new Date('2026-01-15T09:00:00+08:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let desk: Actor; // manager of the east branch: cases.write there only
  const csv = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
  const header = '工单编号,单元编码,标题,分类,优先级,受理时间,办结时间,原因,反馈,房号';
  const cases = () =>
    db
      .selectFrom('cases')
      .select(['externalKey', 'status', 'categoryKey', 'priorityKey', 'fieldsJson', 'createdAt', 'closedAt'])
      .orderBy('externalKey')
      .execute();

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    await installRepairType(db, clock);
    desk = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
  });

  it('imports rows with names for keys, the same as the history import, and skips known keys', async () => {
    const lines = [
      header,
      `C-1,${org.eastGrid1.code},楼上漏水,漏水,紧急,2025-04-01 09:00,2025-04-01 11:00,使用不当,已修好,1-101`,
      `C-2,${org.eastGrid2.code},路灯不亮,lighting,,2025/4/2 10:00,,,,2-202`,
    ];
    const first = await importCases(
      { caseType: 'repair', source: csv(lines), mode: 'all_or_nothing' },
      { db, clock, actor: desk },
    );
    expect(first).toMatchObject({ applied: true, created: 2, bad: 0, caseType: 'repair' });
    expect(first.mapping).toMatchObject({ externalKey: '工单编号', openedAt: '受理时间', room: '房号' });
    expect(await cases()).toEqual([
      {
        externalKey: 'C-1',
        status: 'closed',
        categoryKey: 'leak',
        priorityKey: 'urgent',
        fieldsJson: JSON.stringify({ room: '1-101' }),
        createdAt: '2025-04-01T01:00:00.000Z', // 09:00 in Asia/Shanghai
        closedAt: '2025-04-01T03:00:00.000Z',
      },
      expect.objectContaining({
        externalKey: 'C-2',
        status: 'registered',
        priorityKey: 'normal',
        closedAt: null,
      }),
    ]);
    const events = await db.selectFrom('caseEvents').select('kind').execute();
    expect(events.map((e) => e.kind).sort()).toEqual(['closed', 'created', 'created', 'resolved']);

    const again = await importCases(
      { caseType: 'repair', source: csv(lines), mode: 'all_or_nothing' },
      { db, clock, actor: desk },
    );
    expect(again).toMatchObject({ applied: true, created: 0, unchanged: 2 });
    expect((await cases()).length).toBe(2);
    const audits = await db
      .selectFrom('auditLog')
      .select('afterJson')
      .where('action', '=', 'case.import')
      .execute();
    expect(audits.length).toBe(2);
    expect(JSON.parse(audits[0]!.afterJson!)).toMatchObject({
      imported: 2,
      closed: 1,
      firstExternalKey: 'C-1',
    });
  });

  it('reports the history import’s row problems by spreadsheet row, and a unit outside the scope', async () => {
    const report = await importCases(
      {
        caseType: 'repair',
        source: csv([
          header,
          `C-3,${org.eastGrid1.code},甲,没有的分类,,2025-04-01 09:00,,,,1`,
          `C-4,${org.eastGrid1.code},乙,漏水,,2025-04-02 09:00,2025-04-01 09:00,使用不当,好,1`,
          `C-5,${org.westGrid1.code},丙,漏水,,2025-04-01 09:00,,,,1`,
          `C-6,${org.eastGrid1.code},丁,漏水,,2025-04-01 09:00,2025-04-01 10:00,,,1`,
          `C-7,${org.eastGrid1.code},戊,漏水,,2025-04-01 09:00,,,,`,
          `C-8,${org.eastGrid1.code},己,漏水,,2027-04-01 09:00,,,,1`,
          `C-9,${org.eastGrid1.code},庚,漏水,,2025-04-01 09:00,,,,9`,
        ]),
        mode: 'skip_bad',
      },
      { db, clock, actor: desk },
    );
    expect(report).toMatchObject({ applied: true, created: 1, bad: 6 });
    expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [2, 'category', 'cases.unknown_category'],
      [3, 'closedAt', 'closed_before_opened'],
      [4, 'unit', 'org.unit_not_found'],
      [5, 'reasonCode', 'cases.outcome_required'],
      [5, 'feedback', 'cases.outcome_required'],
      [6, 'room', 'required'],
      [7, 'openedAt', 'in_future'],
    ]);
    expect(report.problems[0]).toMatchObject({ value: '没有的分类', whyZh: '该工单类型没有这个分类' });
    expect((await cases()).map((c) => c.externalKey)).toEqual(['C-1', 'C-2', 'C-9']);
  });
});
