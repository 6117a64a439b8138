import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import { importTargets } from '../../import-targets.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { listValueVersions, readIndicatorValues } from './indicator-values.service.js';
import { importIndicatorValues } from './indicator-values.import.js';
import { defineIndicator } from './indicators.service.js';
import { feeRecovery } from '../../../test/helpers/indicators.js';

const csv = (lines: string[], encoding: 'gbk' | 'utf8') =>
  encoding === 'gbk' ? iconv.encode(lines.join('\r\n'), 'gbk') : Buffer.from(`\uFEFF${lines.join('\n')}`);

describeEachDialect('indicator-values import', (ctx) => {
  const clock = manualClock(new Date('2026-11-05T02:00:00Z'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let loader: Actor;
  const deps = () => ({ db, clock, actor: loader });
  const versions = async () =>
    Number(
      (
        await db
          .selectFrom('indicatorValueVersions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const companyValues = async (period: string) =>
    readIndicatorValues(
      {
        indicator: 'fee_recovery',
        query: { unitId: org.company.id, units: 'subtree', from: period, to: period },
      },
      deps(),
    );

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    loader = (await buildUser(db, [grant('manager', org.company.id)])).actor;
    await defineIndicator({ definition: feeRecovery() }, { ...systemDeps(db), clock });
  });

  it('loads a GBK file with Chinese headers, rolls it up, and records a re-import as a correction', async () => {
    const file = csv(
      [
        '单位编码,期间,分子,分母',
        `${org.eastGrid1.code},2026-10,99,100`,
        `${org.eastGrid2.code},2026-10,1000,1200`,
        `${org.westGrid1.code},2026-10-31,30,30`,
      ],
      'gbk',
    );
    const report = await importIndicatorValues(
      { indicator: 'fee_recovery', source: file, mode: 'all_or_nothing' },
      deps(),
    );
    expect(report).toMatchObject({ applied: true, rows: 3, bad: 0, created: 3, updated: 0, unchanged: 0 });
    expect(report.encoding).toBe('gb18030');
    expect(report.mapping).toEqual({
      unit: '单位编码',
      period: '期间',
      numerator: '分子',
      denominator: '分母',
    });
    const byCode = new Map((await companyValues('2026-10')).map((v) => [v.unitCode, v]));
    expect(byCode.get(org.company.code)).toMatchObject({
      numerator: 1129,
      denominator: 1330,
      status: 'missed',
    });
    expect(byCode.get(org.east.code)).toMatchObject({ numerator: 1099, denominator: 1300 });
    expect(byCode.get(org.eastGrid1.code)).toMatchObject({ value: 0.99, status: 'warning' });
    const audit = await db
      .selectFrom('auditLog')
      .select('afterJson')
      .where('action', '=', 'indicator.load')
      .execute();
    expect(audit.map((a) => JSON.parse(a.afterJson!) as unknown)).toEqual([
      expect.objectContaining({ via: 'import', written: 3, corrected: 0, periods: ['2026-10-01'] }),
    ]);

    // The same file again changes nothing; a changed figure replaces the value as a correction.
    clock.advance(3_600_000);
    const again = await importIndicatorValues(
      { indicator: 'fee_recovery', source: file, mode: 'all_or_nothing' },
      deps(),
    );
    expect(again).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 3 });
    const fix = csv(['单位,期间,数值,分母', `${org.eastGrid1.code},2026-10,1,100`], 'utf8');
    const fixed = await importIndicatorValues(
      { indicator: 'fee_recovery', source: fix, mode: 'all_or_nothing' },
      deps(),
    );
    expect(fixed).toMatchObject({ applied: true, created: 0, updated: 1, unchanged: 0 });
    const history = await listValueVersions(
      { indicator: 'fee_recovery', unitId: org.eastGrid1.id, period: '2026-10' },
      deps(),
    );
    expect(history.map((h) => [h.value, h.note, h.supersededAt !== null])).toEqual([
      [0.99, 'load', true],
      [1, 'correction', false],
    ]);
    const after = new Map((await companyValues('2026-10')).map((v) => [v.unitCode, v]));
    expect(after.get(org.east.code)).toMatchObject({ numerator: 1100, denominator: 1300 });
    expect(after.get(org.company.code)).toMatchObject({ numerator: 1130 });
  });

  describe('a file with a duplicate unit and period and an unknown unit', () => {
    const bad = () =>
      csv(
        [
          '单位编码,期间,分子,分母',
          `${org.eastGrid1.code},2026-09,90,100`,
          `${org.eastGrid2.code},2026-09,50,100`,
          `${org.eastGrid1.code},2026-09-15,91,100`,
          'NO-SUCH,2026-09,1,2',
          `${org.westGrid1.code},2026-09,20,10`,
        ],
        'utf8',
      );

    it('is refused whole, with the rows and fields, by all_or_nothing', async () => {
      const before = await versions();
      const report = await importIndicatorValues(
        { indicator: 'fee_recovery', source: bad(), mode: 'all_or_nothing' },
        deps(),
      );
      expect(report.applied).toBe(false);
      expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([
        [4, 'period', 'duplicate'],
        [5, 'unit', 'unknown_unit'],
        [6, 'numerator', 'bad_value'],
      ]);
      expect(report.problems[0]!.why).toContain('row 2');
      expect(report.problems[1]!.whyZh).toContain('没有编码为');
      expect(report.problems[1]!.value).toBe('NO-SUCH');
      expect(await versions()).toBe(before);
      expect(await companyValues('2026-09')).toEqual([]);
    });

    it('is checked but not written by a dry run', async () => {
      const before = await versions();
      const report = await importIndicatorValues(
        { indicator: 'fee_recovery', source: bad(), mode: 'dry_run' },
        deps(),
      );
      expect(report).toMatchObject({ applied: false, rows: 5, bad: 3, problemCount: 3 });
      // A dry run without bad rows writes nothing either.
      const good = csv(['单位编码,期间,分子,分母', `${org.eastGrid1.code},2026-08,1,2`], 'utf8');
      const clean = await importIndicatorValues(
        { indicator: 'fee_recovery', source: good, mode: 'dry_run' },
        deps(),
      );
      expect(clean).toMatchObject({ applied: false, rows: 1, bad: 0, created: 1 });
      expect(await versions()).toBe(before);
      expect(await companyValues('2026-08')).toEqual([]);
    });

    it('loads the good rows with skip_bad (the first of two duplicates counts)', async () => {
      const report = await importIndicatorValues(
        { indicator: 'fee_recovery', source: bad(), mode: 'skip_bad' },
        deps(),
      );
      expect(report).toMatchObject({ applied: true, rows: 5, bad: 3, created: 2 });
      const byCode = new Map((await companyValues('2026-09')).map((v) => [v.unitCode, v]));
      expect(byCode.get(org.eastGrid1.code)).toMatchObject({ numerator: 90, denominator: 100 });
      expect(byCode.get(org.east.code)).toMatchObject({ numerator: 140, denominator: 200, value: 0.7 });
      expect(byCode.has(org.westGrid1.code)).toBe(false);
    });
  });

  it('is in the registry with its option, and refuses a computed or unknown indicator', async () => {
    const target = importTargets['indicator-values']!;
    const fields = await target.fields({ indicator: 'fee_recovery' }, deps());
    expect(fields.map((f) => f.key)).toEqual([
      'unit',
      'period',
      'value',
      'numerator',
      'denominator',
      'weight',
    ]);
    const report = await target.run(
      {
        source: csv(['unit,period,value,denominator', `${org.westGrid1.code},2026-07,0.5,10`], 'utf8'),
        mode: 'all_or_nothing',
        options: { indicator: 'fee_recovery' },
      },
      deps(),
    );
    expect(report).toMatchObject({ applied: true, created: 1 });
    await expect(
      target.run(
        { source: Buffer.from('unit,period\n'), mode: 'dry_run', options: { indicator: 'nope' } },
        deps(),
      ),
    ).rejects.toMatchObject({ code: 'indicators.not_found' });
    // A computed indicator's values come from the data, never from a file.
    await defineIndicator(
      {
        definition: {
          ...feeRecovery(),
          key: 'callbacks',
          targets: [],
          source: { kind: 'computed', from: 'cases.callback_rate', params: {} },
        },
      },
      { ...systemDeps(db), clock },
    );
    await expect(
      target.run(
        { source: Buffer.from('unit,period\n'), mode: 'dry_run', options: { indicator: 'callbacks' } },
        deps(),
      ),
    ).rejects.toMatchObject({ code: 'indicators.not_loaded' });
  });
});
