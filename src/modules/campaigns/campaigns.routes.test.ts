import { afterAll, beforeAll, expect, it } from 'vitest';
import { arrearsFollowUp } from '../../../test/helpers/campaigns.js';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import { systemActor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import { ensureStandardCalendar } from '../calendar/calendar.service.js';
import { installCaseType } from '../cases/case-types.service.js';

describeEachDialect('campaigns API', (ctx) => {
  const clock = manualClock(new Date('2026-11-02T09:00:00+08:00'));
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let head: Client;
  let staff: Client;
  const campaigns = async () =>
    (await ctx().db.selectFrom('campaigns').select('key').execute()).map((r) => r.key);

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db, { clock });
    org = await buildOrgTree(db);
    await ensureStandardCalendar({ db, clock });
    await db
      .transaction()
      .execute((tx) =>
        installCaseType(tx, arrearsFollowUp, { clock, actor: systemActor('test'), mode: 'create' }),
      );
    await buildUser(db, [grant('manager', org.eastGrid1.id)], { clock });
    head = await loginAs(
      app,
      (await buildUser(db, [grant('manager', org.east.id)], { clock })).user.username,
    );
    staff = await loginAs(app, (await buildUser(db, [grant('staff', org.east.id)], { clock })).user.username);
  });
  afterAll(() => app.close());

  const body = (extra: Record<string, unknown> = {}) => ({
    key: 'api-2026-10',
    name: '十月宽带欠费拆机回访',
    caseType: 'telecom.arrears',
    unitId: org.east.id,
    category: 'broadband',
    rule: { by: 'unit_column' },
    targets: [{ externalKey: '13900001111', unit: org.eastGrid1.code, data: { phone: '13900001111' } }],
    ...extra,
  });

  it('answers a malformed body with the field, and bad targets with their rows; writes nothing', async () => {
    const malformed = await head.request('POST', '/api/v1/campaigns', body({ rule: { by: 'lottery' } }));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      error: { code: 'request.invalid', details: { issues: [{ path: 'body.rule.by' }] } },
    });

    const bad = await head.request(
      'POST',
      '/api/v1/campaigns',
      body({ targets: [{ externalKey: '1', unit: 'NOWHERE', row: 2, data: { phone: '1' } }] }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: {
        code: 'campaigns.targets_invalid',
        details: { problemCount: 1, problems: [{ row: 2, field: 'unit', code: 'org.unit_not_found' }] },
      },
    });
    expect(await campaigns()).toEqual([]);
  });

  it('lets only dispatchers create campaigns', async () => {
    const refused = await staff.request('POST', '/api/v1/campaigns', body());
    expect(refused.statusCode).toBe(403);
    expect(await campaigns()).toEqual([]);
  });

  it('creates a campaign, reads it back and gives its figures', async () => {
    const created = await head.request('POST', '/api/v1/campaigns', body());
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ dispatched: 1, campaign: { key: 'api-2026-10', targetCount: 1 } });
    const read = await head.request('GET', '/api/v1/campaigns/api-2026-10');
    expect(read.json()).toMatchObject({
      caseType: 'telecom.arrears',
      rule: { by: 'unit_column', assignTo: 'unit_manager' },
      period: '2026-11', // the month it was created in, by default
    });
    expect((await head.request('GET', '/api/v1/campaigns/nope')).statusCode).toBe(404);

    const figures = await head.request('GET', '/api/v1/campaign-figures?campaign=api-2026-10');
    expect(figures.statusCode).toBe(200);
    expect(figures.json()).toMatchObject({ total: { targets: 1, followedUp: 0, netDisconnections: 1 } });
    const unbounded = await head.request('GET', '/api/v1/campaign-figures');
    expect(unbounded.statusCode).toBe(400);

    // A list of October dispatched in November counts in October's figures.
    const october = await head.request(
      'POST',
      '/api/v1/campaigns',
      body({
        key: 'api-2026-10-late',
        period: '2026-10',
        targets: [{ externalKey: '13900002222', unit: org.eastGrid1.code }],
      }),
    );
    expect(october.json()).toMatchObject({ campaign: { period: '2026-10' } });
    const byPeriod = async (period: string) =>
      (await head.request('GET', `/api/v1/campaign-figures?period=${period}`))
        .json<{ campaigns: Array<{ key: string }> }>()
        .campaigns.map((c) => c.key);
    expect(await byPeriod('2026-10')).toEqual(['api-2026-10-late']);
    expect(await byPeriod('2026-11')).toEqual(['api-2026-10']);
    const badPeriod = await head.request('POST', '/api/v1/campaigns', body({ key: 'x', period: '2026-13' }));
    expect(badPeriod.json()).toMatchObject({
      error: { code: 'request.invalid', details: { issues: [{ path: 'body.period' }] } },
    });
  });

  it("lists the campaign's targets, refuses a visit for a target not unreachable, reads a case's target", async () => {
    const page = await head.request('GET', '/api/v1/campaigns/api-2026-10/targets?contact=none&pageSize=10');
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      total: 1,
      items: [{ externalKey: '13900001111', reasonCode: null, data: { phone: '13900001111' }, visit: null }],
    });
    const caseId = (page.json() as { items: Array<{ case: { id: number } }> }).items[0]!.case.id;
    expect((await head.request('GET', '/api/v1/campaigns/api-2026-10/targets?pageSize=500')).statusCode).toBe(
      400,
    );

    const visit = await head.request('POST', '/api/v1/campaigns/api-2026-10/targets/13900001111/visit', {});
    expect(visit.statusCode).toBe(400);
    expect(visit.json()).toMatchObject({ error: { code: 'campaigns.no_visit_type' } });
    const unknown = await head.request('POST', '/api/v1/campaigns/api-2026-10/targets/000/visit', {});
    expect(unknown.json()).toMatchObject({ error: { code: 'campaigns.target_not_found' } });

    const target = await head.request('GET', `/api/v1/cases/${caseId}/campaign-target`);
    expect(target.json()).toMatchObject({
      campaign: { key: 'api-2026-10' },
      fields: [{ key: 'phone', label: '联系电话', value: '13900001111' }],
      canEscalate: false,
    });
    expect((await staff.request('GET', '/api/v1/target-lists')).statusCode).toBe(403);
    expect((await head.request('GET', '/api/v1/target-lists')).json()).toEqual([]);
  });
});
