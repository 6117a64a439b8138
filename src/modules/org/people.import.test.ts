import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildPerson, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { importPeople } from './people.import.js';

describeEachDialect('importing people (人员导入)', (ctx) => {
  const clock = manualClock(new Date('2026-11-02T09:00:00+08:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let eastAdmin: Actor;
  const csv = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`);
  const header = '工号,姓名,所属单元编码,岗位,手机号码,邮箱';
  const person = (employeeNo: string) =>
    db.selectFrom('people').selectAll().where('employeeNo', '=', employeeNo).executeTakeFirst();

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    eastAdmin = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
    await buildPerson(db, { unitId: org.westGrid1.id, employeeNo: 'PI-W1', name: '西边的人' });
  });

  it('creates people by employee number, changes nothing on the same file, updates a changed row', async () => {
    const lines = [
      header,
      `PI-001,王芳,${org.eastGrid1.code},网格经理,138 0000 0001,wang@example.cn`,
      `PI-002,李强,${org.eastGrid2.code},装维,,`,
    ];
    const first = await importPeople(
      { source: csv(lines), mode: 'all_or_nothing' },
      { db, clock, actor: eastAdmin },
    );
    expect(first).toMatchObject({ applied: true, created: 2, bad: 0 });
    expect(first.mapping).toMatchObject({
      employeeNo: '工号',
      name: '姓名',
      unit: '所属单元编码',
      phone: '手机号码',
    });
    expect(await person('PI-001')).toMatchObject({
      name: '王芳',
      unitId: org.eastGrid1.id,
      position: '网格经理',
      phone: '138 0000 0001',
      email: 'wang@example.cn',
      active: 1,
    });
    const again = await importPeople(
      { source: csv(lines), mode: 'all_or_nothing' },
      { db, clock, actor: eastAdmin },
    );
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    // A column the file lacks is kept; an empty cell clears; an empty unit keeps the person's unit.
    const changed = await importPeople(
      { source: csv(['工号,姓名,所属单元编码,手机号码', 'PI-001,王芳,,']), mode: 'all_or_nothing' },
      { db, clock, actor: eastAdmin },
    );
    expect(changed).toMatchObject({ updated: 1 });
    expect(await person('PI-001')).toMatchObject({
      unitId: org.eastGrid1.id,
      position: '网格经理',
      phone: null,
    });
    expect(
      (await db.selectFrom('auditLog').select('afterJson').where('action', '=', 'person.import').execute())
        .length,
    ).toBe(3);
  });

  it('reports bad cells, unknown units, numbers held outside the scope and new people without a unit', async () => {
    const report = await importPeople(
      {
        source: csv([
          header,
          `PI-003,赵六,${org.eastGrid1.code},,phone?,`,
          `PI-004,钱七,${org.eastGrid1.code},,,not-an-email`,
          `PI-005,孙八,${org.westGrid1.code},,,`,
          `PI-W1,西边的人,${org.eastGrid1.code},,,`,
          'PI-006,周九,,,,',
          `PI-007,吴十,${org.eastGrid2.code},,,`,
        ]),
        mode: 'skip_bad',
      },
      { db, clock, actor: eastAdmin },
    );
    expect(report).toMatchObject({ applied: true, created: 1, bad: 5 });
    expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [2, 'phone', 'invalid'],
      [3, 'email', 'invalid'],
      [4, 'unit', 'org.unit_not_found'],
      [5, 'employeeNo', 'org.employee_no_taken'],
      [6, 'unit', 'required'],
    ]);
    expect(await person('PI-007')).toMatchObject({ unitId: org.eastGrid2.id });
    expect(await person('PI-W1')).toMatchObject({ unitId: org.westGrid1.id });
  });

  it('never reads a password column', async () => {
    const report = await importPeople(
      {
        source: csv(['工号,姓名,单元编码,密码', `PI-008,郑一,${org.eastGrid1.code},secret-123456`]),
        mode: 'dry_run',
      },
      { db, clock, actor: eastAdmin },
    );
    expect(report).toMatchObject({ applied: false, created: 1, unmatchedHeaders: ['密码'] });
    expect(await db.selectFrom('users').select('id').where('username', '=', 'PI-008').execute()).toEqual([]);
  });
});
