import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionCase } from '../../src/modules/cases/cases.service.js';
import type { TransitionInput } from '../../src/modules/cases/cases.schema.js';
import { loadIndicatorValues } from '../../src/modules/indicators/indicator-load.service.js';
import { defineIndicator } from '../../src/modules/indicators/indicators.service.js';
import type { Actor } from '../../src/platform/access.js';
import { manualClock } from '../../src/platform/clock.js';
import { createDatabase } from '../../src/platform/db/database.js';
import type { Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrations.js';
import { buildCase, installRepairType } from '../helpers/cases.js';
import { buildOrgTree, buildUnit, buildUser, grant, systemDeps } from '../helpers/factories.js';
import { feeRecovery } from '../helpers/indicators.js';

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-indicators-cli-'));
const databaseFile = path.join(dir, 'cli.sqlite');
const env = {
  ...process.env,
  GUANKONG_DATA_DIR: dir,
  GUANKONG_DATABASE_URL: databaseFile,
  LOG_LEVEL: 'silent',
};

/** Runs the real CLI entry point, as test/cli/cli.test.ts does. */
const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

const local = (text: string) => new Date(`${text}+08:00`);

describe('guankong indicators', () => {
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  const values = async (key: string) =>
    db
      .selectFrom('indicatorValues')
      .innerJoin('indicators', 'indicators.id', 'indicatorValues.indicatorId')
      .select(['indicatorValues.unitId', 'indicatorValues.period', 'indicatorValues.treeValue'])
      .where('indicators.key', '=', key)
      .orderBy('indicatorValues.unitId')
      .execute();

  beforeAll(async () => {
    // Two resolved repair cases in October 2026, written by the real services into the CLI's file.
    db = createDatabase({ dialect: 'sqlite', file: databaseFile });
    await migrateToLatest(db);
    org = await buildOrgTree(db);
    const clock = manualClock(local('2026-10-12T09:00'));
    await installRepairType(db, clock);
    const desk = (await buildUser(db, [grant('manager', org.company.id)])).actor;
    const team = await buildUnit(db, { parentId: org.company.id, kind: 'team', name: '维修班' });
    const tech = (await buildUser(db, [grant('staff', team.id)])).actor;
    const act = (actor: Actor, caseId: number, input: TransitionInput) =>
      transitionCase({ caseId, input }, { db, clock, actor });
    for (const unitId of [org.eastGrid1.id, org.westGrid1.id]) {
      const { caseId } = await buildCase(db, clock, desk, { unitId });
      await act(desk, caseId, { action: 'assign', assigneeUserId: tech.userId! });
      await act(tech, caseId, { action: 'accept' });
      await act(tech, caseId, { action: 'start' });
      await act(tech, caseId, { action: 'resolve', reasonCode: 'misuse', feedback: '已处理' });
    }
    const deps = { ...systemDeps(db), clock };
    await defineIndicator(
      {
        definition: {
          key: 'rework',
          name: '返修率',
          nameEn: 'Rework rate',
          measure: { kind: 'ratio' },
          direction: 'lower_better',
          aggregation: 'ratio_of_sums',
          grain: 'month',
          source: { kind: 'computed', from: 'cases.rework_rate', params: { caseType: 'repair' } },
          targets: [{ target: 0.03 }],
        },
      },
      deps,
    );
    await defineIndicator(
      {
        definition: feeRecovery({ targets: [{ target: 0.98 }] }),
      },
      deps,
    );
    await loadIndicatorValues(
      {
        indicator: 'fee_recovery',
        rows: [
          { unit: org.eastGrid1.code, period: '2026-10', numerator: 99, denominator: 100 },
          { unit: org.eastGrid2.code, period: '2026-10', numerator: 90, denominator: 100 },
        ],
      },
      deps,
    );
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its help', () => {
    const help = cli(['indicators', 'recompute', '--help']);
    expect(help.code, help.err).toBe(0);
    for (const option of ['--from', '--to', '--period', '--indicator', '--json'])
      expect(help.out).toContain(option);
    expect(cli(['--help']).out).toContain('indicators');
  });

  it('recomputes a month, and a second run writes nothing', async () => {
    const first = cli(['indicators', 'recompute', '--period', '2026-10']);
    expect(first.code, first.err).toBe(0);
    // 东一 and 西一 own parts (0 reworked of 1 resolved each); roll-ups of 城东, 城西, the company.
    expect(first.out).toContain(
      '已重算指标 / indicators recomputed: 1 个指标 indicators, 1 个期间 periods, 2 个数值 values written, 3 个汇总 roll-ups written',
    );
    const rows = await values('rework');
    expect(rows.map((r) => r.unitId).sort((a, b) => a - b)).toEqual(
      [org.company.id, org.east.id, org.west.id, org.eastGrid1.id, org.westGrid1.id].sort((a, b) => a - b),
    );
    expect(new Set(rows.map((r) => r.period))).toEqual(new Set(['2026-10-01']));
    expect(rows.every((r) => r.treeValue === 0)).toBe(true);

    const again = cli(['indicators', 'recompute', '--from', '2026-10-01', '--to', '2026-10-31', '--json']);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toEqual({ indicators: 1, periods: 1, valuesWritten: 0, rollupsWritten: 0 });

    // A loaded indicator is not recomputed: naming it selects nothing.
    const loaded = cli([
      'indicators',
      'recompute',
      '--period',
      '2026-10',
      '--indicator',
      'fee_recovery',
      '--json',
    ]);
    expect(loaded.code, loaded.err).toBe(0);
    expect(JSON.parse(loaded.out)).toMatchObject({ indicators: 0, valuesWritten: 0 });
  });

  it('exits 1 with a message for a bad period, a bad day, both ranges or an unknown indicator', () => {
    const badMonth = cli(['indicators', 'recompute', '--period', '2026-13']);
    expect(badMonth.code).toBe(1);
    expect(badMonth.err).toContain('expected a month as YYYY-MM, got 2026-13');
    const badDay = cli(['indicators', 'recompute', '--from', '2026-02-30']);
    expect(badDay.code).toBe(1);
    expect(badDay.err).toContain('expected a day as YYYY-MM-DD');
    const both = cli(['indicators', 'recompute', '--period', '2026-10', '--from', '2026-10-01']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('not both');
    const unknown = cli(['indicators', 'recompute', '--indicator', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('indicators.not_found');
    expect(unknown.err).toContain('指标 nope 不存在');
  });

  it('lists the indicators', () => {
    const list = cli(['indicators', 'list']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/fee_recovery\t电费回收率 \/ Fee recovery rate\tratio\tmonth\t导入 loaded/);
    expect(list.out).toMatch(/rework\t返修率 \/ Rework rate\tratio\tmonth\t计算 computed: cases.rework_rate/);
    expect(list.out).toContain('共 2 个指标 / 2 indicators');
    const json = cli(['indicators', 'list', '--json']);
    expect((JSON.parse(json.out) as Array<{ key: string }>).map((i) => i.key)).toEqual([
      'fee_recovery',
      'rework',
    ]);
  });

  it('exports the values of a unit subtree to an Excel file', async () => {
    const out = path.join(dir, 'fee.xlsx');
    const exported = cli([
      'indicators',
      'export',
      'fee_recovery',
      '--out',
      out,
      '--unit',
      org.east.code,
      '--from',
      '2026-10',
      '--to',
      '2026-10',
    ]);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.out).toContain(`已导出 / exported: fee_recovery → ${out}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const table = workbook.getWorksheet('指标值 Values')!;
    expect([4, 5, 6].map((r) => table.getRow(r).getCell(1).value)).toEqual([
      org.east.code,
      org.eastGrid1.code,
      org.eastGrid2.code,
    ]);
    expect(table.getCell('C4').value).toBeCloseTo(189 / 200, 12);
    expect(table.getCell('E4').value).toBe('未达标');
    expect(table.getCell('E5').value).toBe('达标');

    const missing = cli(['indicators', 'export', 'nope', '--out', path.join(dir, 'x.xlsx')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('indicators.not_found');
    const noUnit = cli(['indicators', 'export', 'fee_recovery', '--out', out, '--unit', 'NO-SUCH']);
    expect(noUnit.code).toBe(1);
  });
});
