import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrearsFollowUp } from '../../../test/helpers/campaigns.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { ensureStandardCalendar } from '../calendar/calendar.service.js';
import { installCaseType } from '../cases/case-types.service.js';
import { createCampaign } from './campaigns.service.js';
import { importDispatchList } from './dispatch-list.import.js';

describeEachDialect('importing a target list (派单清单)', (ctx) => {
  const clock = manualClock(new Date('2026-11-02T09:00:00+08:00'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let head: Actor;
  const deps = () => ({ db, clock, actor: head });
  const list = () => ({
    key: '2026-10-arrears',
    name: '十月欠费拆机清单',
    caseType: 'telecom.arrears',
    unitId: org.east.id,
  });
  /** A GBK file as Excel on a Chinese Windows saves it. */
  const gbk = (lines: string[]) => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
  const header = '用户号码,网格编码,产品类型,欠费金额(元),套餐,备注';
  let good: string[];
  const rows = async () =>
    (
      await db
        .selectFrom('targetListRows')
        .select(['externalKey', 'unit', 'category', 'dataJson'])
        .orderBy('externalKey')
        .execute()
    ).map((r) => ({ ...r, data: JSON.parse(r.dataJson) as unknown, dataJson: undefined }));
  const auditRows = async () =>
    (await db.selectFrom('auditLog').select('id').where('action', '=', 'target_list.import').execute())
      .length;

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
    await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock });
    await buildUser(db, [grant('manager', org.eastGrid2.id)], { clock });
    good = [
      header,
      `13900000001,${org.eastGrid1.code},宽带,"1,058.50",畅享 199,`,
      `13900000002,${org.eastGrid1.code},移动,59,畅享 99,老用户`,
      `13900000003,${org.eastGrid2.code},宽带,￥120,融合 299,`,
    ];
  });

  it('refuses a file with bad rows as a whole in all-or-nothing mode, reporting every one', async () => {
    const report = await importDispatchList(
      {
        list: list(),
        source: gbk([
          ...good,
          `13900000004,${org.eastGrid1.code},宽带,12abc,畅享 99,`,
          `13900000001,${org.eastGrid2.code},宽带,10,畅享 99,`,
          `13900000005,${org.eastGrid2.code}`,
        ]),
        mode: 'all_or_nothing',
      },
      deps(),
    );
    expect(report).toMatchObject({ applied: false, encoding: 'gb18030', rows: 6, bad: 3, problemCount: 3 });
    expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [5, 'arrears', 'invalid'],
      [6, 'externalKey', 'duplicate_key'],
      [7, '', 'ragged'],
    ]);
    expect(report.problems[0]).toMatchObject({ value: '12abc' });
    expect(report.mapping).toMatchObject({
      externalKey: '用户号码',
      unit: '网格编码',
      category: '产品类型',
      arrears: '欠费金额(元)',
      package: '套餐',
    });
    expect(report.unmatchedHeaders).toEqual(['备注']);
    expect(await rows()).toEqual([]);
    expect(await db.selectFrom('targetLists').select('id').execute()).toEqual([]);
  });

  it('checks without writing in a dry run', async () => {
    const report = await importDispatchList({ list: list(), source: gbk(good), mode: 'dry_run' }, deps());
    expect(report).toMatchObject({ applied: false, rows: 3, bad: 0, created: 3 });
    expect(await rows()).toEqual([]);
    expect(await auditRows()).toBe(0);
  });

  it('imports the list, then changes nothing on the same file and updates a changed row', async () => {
    const first = await importDispatchList(
      { list: list(), source: gbk(good), mode: 'all_or_nothing' },
      deps(),
    );
    expect(first).toMatchObject({ applied: true, created: 3, updated: 0, unchanged: 0 });
    expect(await rows()).toEqual([
      {
        externalKey: '13900000001',
        unit: org.eastGrid1.code,
        category: '宽带',
        data: { arrears: 1058.5, package: '畅享 199' },
        dataJson: undefined,
      },
      expect.objectContaining({ externalKey: '13900000002', data: { arrears: 59, package: '畅享 99' } }),
      expect.objectContaining({ externalKey: '13900000003', data: { arrears: 120, package: '融合 299' } }),
    ]);
    expect(await auditRows()).toBe(1);
    const listRow = await db.selectFrom('targetLists').select('rowCount').executeTakeFirstOrThrow();
    expect(listRow.rowCount).toBe(3);

    const again = await importDispatchList(
      { list: list(), source: gbk(good), mode: 'all_or_nothing' },
      deps(),
    );
    expect(again).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 3 });

    const changed = good.map((line) => line.replace('"1,058.50"', '999'));
    const third = await importDispatchList(
      { list: list(), source: gbk(changed), mode: 'all_or_nothing' },
      deps(),
    );
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect((await rows())[0]!.data).toEqual({ arrears: 999, package: '畅享 199' });
  });

  it('writes the good rows and reports the bad ones in skip-bad mode', async () => {
    const report = await importDispatchList(
      {
        list: list(),
        source: gbk([
          ...good,
          `13900000006,${org.eastGrid2.code},宽带,,畅享 99,`,
          `,${org.eastGrid2.code},宽带,1,畅享 99,`,
        ]),
        mode: 'skip_bad',
      },
      deps(),
    );
    expect(report).toMatchObject({ applied: true, created: 1, unchanged: 2, updated: 1, bad: 1 });
    expect(report.problems).toEqual([
      expect.objectContaining({ row: 6, field: 'externalKey', code: 'required' }),
    ]);
  });

  it('dispatches a campaign from the imported list', async () => {
    const result = await createCampaign(
      {
        key: '2026-10-from-list',
        name: '十月欠费拆机回访',
        caseType: 'telecom.arrears',
        unitId: org.east.id,
        rule: { by: 'unit_column', assignTo: 'unit_manager' },
        list: '2026-10-arrears',
      },
      deps(),
    );
    expect(result.dispatched).toBe(4);
    const cases = await db.selectFrom('cases').select(['categoryKey', 'fieldsJson']).orderBy('id').execute();
    expect(cases.map((c) => c.categoryKey)).toEqual(['broadband', 'mobile', 'broadband', 'broadband']);
    // The skip-bad import above brought the first row's arrears back to the file's 1,058.50.
    expect(JSON.parse(cases[0]!.fieldsJson)).toEqual({ arrears: 1058.5, package: '畅享 199' });
  });

  describe('in a worker thread (large files)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guankong-dispatch-worker-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, bytes: Buffer) => {
      const at = path.join(dir, name);
      writeFileSync(at, bytes);
      return at;
    };
    const workerList = () => ({ ...list(), key: '2026-10-worker' });
    const mixed = () => [
      ...good,
      `13900000004,${org.eastGrid1.code},宽带,12abc,畅享 99,`,
      `13900000001,${org.eastGrid2.code},宽带,10,畅享 99,`,
      `13900000005,${org.eastGrid2.code}`,
      `13900000007,${org.eastGrid2.code},移动,7,,`,
    ];

    it('reports the same rows and problems as this thread does', async () => {
      const source = file('mixed.csv', gbk(mixed()));
      const here = await importDispatchList(
        { list: workerList(), source, mode: 'all_or_nothing', thread: 'this' },
        deps(),
      );
      const there = await importDispatchList(
        { list: workerList(), source, mode: 'all_or_nothing', thread: 'worker' },
        deps(),
      );
      expect(there).toEqual({ ...here, elapsedMs: there.elapsedMs });
      expect(there).toMatchObject({ applied: false, encoding: 'gb18030', rows: 7, bad: 3, created: 3 });
      expect(there.problems.map((p) => [p.row, p.field, p.code])).toEqual([
        [5, 'arrears', 'invalid'],
        [6, 'externalKey', 'duplicate_key'],
        [7, '', 'ragged'],
      ]);
      expect(
        await db.selectFrom('targetLists').select('key').where('key', '=', '2026-10-worker').execute(),
      ).toEqual([]);
    });

    it('writes exactly the rows it reports in skip-bad mode, and nothing again on the same file', async () => {
      const source = file('skip.csv', gbk(mixed()));
      const progress: number[] = [];
      const first = await importDispatchList(
        {
          list: workerList(),
          source,
          mode: 'skip_bad',
          thread: 'worker',
          onProgress: (p) => progress.push(p.rows),
        },
        deps(),
      );
      expect(first).toMatchObject({ applied: true, rows: 7, bad: 3, created: 4, updated: 0, unchanged: 0 });
      expect(progress.at(-1)).toBe(7);
      const stored = await db
        .selectFrom('targetListRows')
        .innerJoin('targetLists', 'targetLists.id', 'targetListRows.listId')
        .select(['externalKey', 'rowNumber', 'dataJson'])
        .where('targetLists.key', '=', '2026-10-worker')
        .orderBy('rowNumber')
        .execute();
      expect(stored.map((r) => [r.externalKey, r.rowNumber, JSON.parse(r.dataJson) as unknown])).toEqual([
        ['13900000001', 2, { arrears: 1058.5, package: '畅享 199' }],
        ['13900000002', 3, { arrears: 59, package: '畅享 99' }],
        ['13900000003', 4, { arrears: 120, package: '融合 299' }],
        ['13900000007', 8, { arrears: 7 }],
      ]);
      const again = await importDispatchList(
        { list: workerList(), source, mode: 'skip_bad', thread: 'worker' },
        deps(),
      );
      expect(again).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 4, bad: 3 });
    });

    it("passes on the reader's errors with their codes", async () => {
      const source = file('gbk.csv', gbk(good));
      await expect(
        importDispatchList(
          { list: workerList(), source, mode: 'dry_run', read: { encoding: 'utf-8' }, thread: 'worker' },
          deps(),
        ),
      ).rejects.toMatchObject({ code: 'imports.encoding' });
      await expect(
        importDispatchList(
          {
            list: workerList(),
            source: file('nokey.csv', gbk(['网格编码,产品类型', 'A,宽带'])),
            mode: 'dry_run',
            thread: 'worker',
          },
          deps(),
        ),
      ).rejects.toMatchObject({ code: 'imports.mapping_invalid', details: { missing: ['externalKey'] } });
    });
  });
});
