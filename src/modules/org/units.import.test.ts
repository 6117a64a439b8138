import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { importUnits } from './units.import.js';
import { listUnits } from './units.service.js';

describeEachDialect('importing units (组织单元导入)', (ctx) => {
  const clock = manualClock(new Date('2026-11-02T09:00:00+08:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let eastAdmin: Actor; // manager of the east branch: org.write there only
  const csv = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);
  const header = '单元编码,单元名称,上级单元编码,单元类型,排序';
  const byCode = async () =>
    new Map(
      (
        await db.selectFrom('units').select(['id', 'code', 'name', 'parentId', 'kind', 'sortOrder']).execute()
      ).map((u) => [u.code, u]),
    );
  const audits = async () =>
    (await db.selectFrom('auditLog').select('id').where('action', '=', 'unit.import').execute()).length;

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    eastAdmin = (await buildUser(db, [grant('manager', org.east.id)], { clock })).actor;
  });

  it('creates units whose parent comes on an earlier row, then changes nothing on the same file', async () => {
    const file = csv([
      header,
      `EI-G3,东三网格,${org.east.code},网格,3`,
      'EI-G3-T1,东三一班,EI-G3,班组,',
      'EI-G3-T2,东三二班,EI-G3,team,',
    ]);
    const first = await importUnits(
      { source: file, mode: 'all_or_nothing' },
      { db, clock, actor: eastAdmin },
    );
    expect(first).toMatchObject({ applied: true, created: 3, updated: 0, bad: 0 });
    expect(first.mapping).toEqual({
      code: '单元编码',
      name: '单元名称',
      parent: '上级单元编码',
      kind: '单元类型',
      sortOrder: '排序',
    });
    const units = await byCode();
    expect(units.get('EI-G3')).toMatchObject({ parentId: org.east.id, kind: 'grid', sortOrder: 3 });
    expect(units.get('EI-G3-T2')).toMatchObject({ parentId: units.get('EI-G3')!.id, kind: 'team' });
    // The cached tree sees the new units (the version was bumped in the import's transaction).
    expect((await listUnits({ db, actor: eastAdmin })).map((u) => u.code)).toContain('EI-G3-T1');

    const again = await importUnits(
      { source: file, mode: 'all_or_nothing' },
      { db, clock, actor: eastAdmin },
    );
    expect(again).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 3 });
    expect(await audits()).toBe(2);

    const renamed = await importUnits(
      { source: csv([header, 'EI-G3-T2,东三二班（新）,EI-G3,team,']), mode: 'skip_bad' },
      { db, clock, actor: eastAdmin },
    );
    expect(renamed).toMatchObject({ created: 0, updated: 1 });
    expect((await byCode()).get('EI-G3-T2')?.name).toBe('东三二班（新）');
  });

  it('reports unknown and later parents, cycles, out-of-scope units and top-level units as row problems', async () => {
    const report = await importUnits(
      {
        source: csv([
          header,
          'EI-X1,甲,EI-LATER,网格,', // its parent comes later: refused
          'EI-LATER,乙,EI-G3,网格,',
          `EI-G3,东三网格,EI-G3-T1,网格,3`, // under its own child: a cycle
          `${org.westGrid1.code},西一,${org.east.code},网格,`, // a unit outside the scope
          `EI-X2,丙,${org.west.code},网格,`, // a parent outside the scope
          'EI-X3,丁,,网格,', // top-level: only an organisation-wide admin
          'bad code!,戊,EI-G3,网格,',
          'EI-X4,己,EI-G3,,', // a new unit without a kind
        ]),
        mode: 'all_or_nothing',
      },
      { db, clock, actor: eastAdmin },
    );
    expect(report).toMatchObject({ applied: false, rows: 8, bad: 7 });
    expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [2, 'parent', 'unknown_parent'],
      [4, 'parent', 'org.unit_cycle'],
      [5, 'code', 'org.unit_code_taken'],
      [6, 'parent', 'org.unit_not_found'],
      [7, 'parent', 'org.root_forbidden'],
      [8, 'code', 'invalid'],
      [9, 'kind', 'required'],
    ]);
    expect((await byCode()).has('EI-LATER')).toBe(false);
  });

  it('moves a unit under another (its subtree follows) in skip-bad mode', async () => {
    const report = await importUnits(
      {
        source: csv([header, `EI-G3-T1,东三一班,${org.eastGrid1.code},班组,`, 'EI-BAD,坏,NOPE,班组,']),
        mode: 'skip_bad',
      },
      { db, clock, actor: eastAdmin },
    );
    expect(report).toMatchObject({ applied: true, updated: 1, bad: 1 });
    const moved = (await byCode()).get('EI-G3-T1')!;
    expect(moved.parentId).toBe(org.eastGrid1.id);
    const ancestors = await db
      .selectFrom('unitClosure')
      .select('ancestorId')
      .where('descendantId', '=', moved.id)
      .execute();
    expect(ancestors.map((a) => a.ancestorId).sort((a, b) => a - b)).toEqual(
      [org.company.id, org.east.id, org.eastGrid1.id, moved.id].sort((a, b) => a - b),
    );
  });
});
