import { afterAll, beforeAll, expect, it } from 'vitest';
import { installRepairType } from '../../../test/helpers/cases.js';
import { feeRecovery } from '../../../test/helpers/indicators.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import { manualClock } from '../../platform/clock.js';

describeEachDialect('indicators API', (ctx) => {
  const clock = manualClock(new Date('2026-11-10T09:00:00+08:00'));
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let admin: Client;
  let eastHead: Client;
  let staff: Client;

  const recovery = feeRecovery();

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db, { clock });
    org = await buildOrgTree(db);
    await installRepairType(db, clock);
    admin = await loginAs(
      app,
      (await buildUser(db, [grant('admin', org.company.id)], { clock })).user.username,
    );
    eastHead = await loginAs(
      app,
      (await buildUser(db, [grant('manager', org.east.id)], { clock })).user.username,
    );
    staff = await loginAs(app, (await buildUser(db, [grant('staff', org.east.id)], { clock })).user.username);
  });
  afterAll(() => app.close());

  it('defines an indicator (administrators only), refusing a percentage written for a ratio with the field', async () => {
    expect((await eastHead.request('POST', '/api/v1/indicators', recovery)).statusCode).toBe(403);
    const bad = await admin.request('POST', '/api/v1/indicators', { ...recovery, targets: [{ target: 95 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: {
        code: 'request.invalid',
        details: { issues: [expect.objectContaining({ path: 'body.targets.0.target' })] },
      },
    });
    const created = await admin.request('POST', '/api/v1/indicators', recovery);
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({
      key: 'fee_recovery',
      definition: { targets: [{ unit: '*', target: 1 }] },
    });
    const unknownClock = await admin.request('POST', '/api/v1/indicators', {
      ...recovery,
      key: 'on_time',
      source: {
        kind: 'computed',
        from: 'cases.on_time_rate',
        params: { caseType: 'repair', clock: 'arrival' },
      },
    });
    expect(unknownClock.statusCode).toBe(400);
    expect(unknownClock.json()).toMatchObject({
      error: {
        code: 'indicators.unknown_reference',
        details: { field: 'source.params.clock', value: 'arrival' },
      },
    });
    const list = await staff.request('GET', '/api/v1/indicators');
    expect(list.json<Array<{ key: string }>>().map((i) => i.key)).toEqual(['fee_recovery']);
  });

  it('loads a series (managers, in scope), reads it back with status, and refuses bad rows with 400 and nothing written', async () => {
    const rows = [
      { unit: org.eastGrid1.code, period: '2026-10', numerator: 990, denominator: 1000 },
      { unit: org.eastGrid2.code, period: '2026-10', numerator: 500, denominator: 500 },
    ];
    expect((await staff.request('POST', '/api/v1/indicators/fee_recovery/values', { rows })).statusCode).toBe(
      403,
    );
    const loaded = await eastHead.request('POST', '/api/v1/indicators/fee_recovery/values', { rows });
    expect(loaded.statusCode).toBe(200);
    expect(loaded.json()).toEqual({ rows: 2, written: 2, corrected: 0, unchanged: 0 });

    const refused = await eastHead.request('POST', '/api/v1/indicators/fee_recovery/values', {
      rows: [
        { unit: org.eastGrid1.code, period: '2026-09', numerator: 1, denominator: 1 },
        { unit: org.westGrid1.code, period: '2026-09', numerator: 1, denominator: 1 },
      ],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      error: {
        code: 'indicators.values_invalid',
        details: { problemCount: 1, problems: [{ row: 2, field: 'unit', code: 'out_of_scope' }] },
      },
    });

    const values = await staff.request(
      'GET',
      `/api/v1/indicators/fee_recovery/values?unitId=${org.east.id}&units=children&from=2026-10&to=2026-10`,
    );
    expect(values.statusCode).toBe(200);
    expect(
      values
        .json<Array<{ unitCode: string; value: number; status: string }>>()
        .map((v) => [v.unitCode, v.value, v.status]),
    ).toEqual([
      [org.eastGrid1.code, 0.99, 'warning'],
      [org.eastGrid2.code, 1, 'met'],
    ]);
    const history = await staff.request(
      'GET',
      `/api/v1/indicators/fee_recovery/history?unitId=${org.eastGrid1.id}&period=2026-10`,
    );
    expect(history.json()).toEqual([
      expect.objectContaining({ value: 0.99, note: 'load', supersededAt: null }),
    ]);
    const badPeriod = await staff.request('GET', '/api/v1/indicators/fee_recovery/values?from=2026-13');
    expect(badPeriod.statusCode).toBe(400);
    expect(badPeriod.json()).toMatchObject({
      error: { code: 'indicators.bad_period', details: { field: 'from' } },
    });
    expect((await staff.request('GET', '/api/v1/indicators/nope/values')).statusCode).toBe(404);
  });

  it('ranks, and shows the dashboard of the caller’s unit scoped to it', async () => {
    const ranking = await eastHead.request('GET', '/api/v1/indicators/fee_recovery/ranking');
    expect(ranking.statusCode).toBe(200);
    expect(ranking.json()).toMatchObject({
      period: '2026-10-01',
      rows: [
        { unitCode: org.eastGrid2.code, rank: 1 },
        { unitCode: org.eastGrid1.code, rank: 2 },
      ],
    });
    const dashboard = await eastHead.request('GET', '/api/v1/dashboard');
    expect(dashboard.statusCode).toBe(200);
    const body = dashboard.json<{
      unit: { id: number };
      cards: Array<{ key: string; value: number; status: string; sparkline: unknown[] }>;
      overdue: { total: number };
      ranking: { rows: unknown[] };
    }>();
    expect(body.unit.id).toBe(org.east.id);
    expect(body.cards).toEqual([
      expect.objectContaining({ key: 'fee_recovery', value: 1490 / 1500, status: 'warning' }),
    ]);
    expect(body.cards[0]!.sparkline).toHaveLength(12);
    expect(body.overdue.total).toBe(0);
    expect(body.ranking.rows).toHaveLength(2);
    const west = await eastHead.request('GET', `/api/v1/dashboard?unitId=${org.west.id}`);
    expect(west.statusCode).toBe(404);
  });

  it('recomputes on request (administrators only)', async () => {
    expect((await eastHead.request('POST', '/api/v1/indicators/recompute', {})).statusCode).toBe(403);
    const result = await admin.request('POST', '/api/v1/indicators/recompute', {
      from: '2026-10-01',
      to: '2026-11-30',
    });
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({ indicators: 0, periods: 0, valuesWritten: 0, rollupsWritten: 0 });
    const unknown = await admin.request('POST', '/api/v1/indicators/recompute', { indicators: ['nope'] });
    expect(unknown.statusCode).toBe(404);
  });
});
