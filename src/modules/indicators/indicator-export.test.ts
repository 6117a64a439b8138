import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { feeRecovery } from '../../../test/helpers/indicators.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { exportIndicatorValues } from './indicator-export.js';
import { loadIndicatorValues } from './indicator-load.service.js';
import { defineIndicator } from './indicators.service.js';

const readWorkbook = async (content: Buffer | Uint8Array) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(content) as unknown as ArrayBuffer);
  return workbook;
};

describeEachDialect('indicator export (xlsx)', (ctx) => {
  const clock = manualClock(new Date('2026-11-05T02:00:00Z'));
  let db: Db;
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let manager: Actor;
  let east: Client;

  beforeAll(async () => {
    db = ctx().db;
    app = await createTestApp(db, { clock });
    org = await buildOrgTree(db);
    const built = await buildUser(db, [grant('manager', org.company.id)], { clock });
    manager = built.actor;
    const eastUser = await buildUser(db, [grant('manager', org.east.id)], { clock });
    east = await loginAs(app, eastUser.user.username);
    await defineIndicator(
      {
        definition: feeRecovery({ targets: [{ target: 0.98, warning: 0.95 }] }),
      },
      { ...systemDeps(db), clock },
    );
    await loadIndicatorValues(
      {
        indicator: 'fee_recovery',
        rows: [
          { unit: org.eastGrid1.code, period: '2026-09', numerator: 99, denominator: 100 },
          { unit: org.eastGrid2.code, period: '2026-09', numerator: 96, denominator: 100 },
          { unit: org.eastGrid1.code, period: '2026-10', numerator: 90, denominator: 100 },
          { unit: org.westGrid1.code, period: '2026-10', numerator: 30, denominator: 30 },
        ],
      },
      { db, clock, actor: manager },
    );
  });
  afterAll(() => app.close());

  it('writes units × periods with value, target and status, and a sheet of the parts', async () => {
    const file = await exportIndicatorValues(
      {
        indicator: 'fee_recovery',
        query: { unitId: org.east.id, units: 'subtree', from: '2026-09', to: '2026-10' },
      },
      { db, clock, actor: manager },
    );
    expect(file.fileName).toBe('电费回收率_2026-09_2026-10.xlsx');
    const workbook = await readWorkbook(file.content);
    const table = workbook.getWorksheet('指标值 Values')!;
    expect(table.getCell('A1').value).toBe('电费回收率 / Fee recovery rate（%）');
    expect(table.getCell('C2').value).toBe('2026-09');
    expect(table.getCell('F2').value).toBe('2026-10');
    expect(table.getRow(3).values).toEqual([
      undefined,
      '单位编码 Unit code',
      '单位名称 Unit',
      '数值 Value',
      '目标 Target',
      '状态 Status',
      '数值 Value',
      '目标 Target',
      '状态 Status',
    ]);
    // 城东 (its subtree: 东一, 东二), in unit order.
    const rows = [4, 5, 6].map((r) => table.getRow(r).values as unknown[]);
    expect(rows.map((r) => r[1])).toEqual([org.east.code, org.eastGrid1.code, org.eastGrid2.code]);
    expect(rows[0]!.slice(3)).toEqual([0.975, 0.98, '预警', 0.9, 0.98, '未达标']);
    expect(rows[1]!.slice(3)).toEqual([0.99, 0.98, '达标', 0.9, 0.98, '未达标']);
    // 东二 has no value for 2026-10: empty cells, not 0.
    expect(rows[2]!.slice(3)).toEqual([0.96, 0.98, '预警']);
    expect(table.getCell('C4').numFmt).toBe('0.00%');
    expect(table.getRow(7).values).toEqual([]);

    const parts = workbook.getWorksheet('分子分母 Parts')!;
    expect(parts.getRow(1).values).toEqual([
      undefined,
      '单位编码 Unit code',
      '单位名称 Unit',
      '期间 Period',
      '分子 Numerator',
      '分母 Denominator',
      '数值 Value',
      '本单位 Own value',
    ]);
    expect(parts.getRow(2).values).toEqual([undefined, org.east.code, '城东', '2026-09', 195, 200, 0.975]);
    expect(parts.rowCount).toBe(6);
  });

  it('serves the workbook over the API, in the caller’s scope and with the query of /values', async () => {
    const response = await east.request(
      'GET',
      `/api/v1/indicators/fee_recovery/values.xlsx?unitId=${org.east.id}&units=children&from=2026-10&to=2026-10`,
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    expect(response.headers['content-disposition']).toContain(
      encodeURIComponent('电费回收率_2026-10_2026-10.xlsx'),
    );
    const table = (await readWorkbook(response.rawPayload)).getWorksheet('指标值 Values')!;
    expect(table.getCell('A4').value).toBe(org.eastGrid1.code);
    expect(table.getCell('C4').value).toBe(0.9);
    expect(table.getCell('E4').value).toBe('未达标');
    expect(table.getRow(5).values).toEqual([]);

    // 城西 is outside the caller's scope; an unknown indicator is a 404; a bad period a 400.
    const west = await east.request(
      'GET',
      `/api/v1/indicators/fee_recovery/values.xlsx?unitId=${org.west.id}`,
    );
    expect(west.statusCode).toBe(404);
    expect((await east.request('GET', '/api/v1/indicators/nope/values.xlsx')).statusCode).toBe(404);
    expect(
      (await east.request('GET', '/api/v1/indicators/fee_recovery/values.xlsx?from=2026-13')).statusCode,
    ).toBe(400);
    expect(
      (await app.http.inject({ method: 'GET', url: '/api/v1/indicators/fee_recovery/values.xlsx' }))
        .statusCode,
    ).toBe(401);
  });
});
