import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import { manualClock } from '../../platform/clock.js';

describeEachDialect('reports API', (ctx) => {
  const clock = manualClock(new Date('2026-11-02T09:00:00+08:00'));
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let head: Client;
  let west: Client;

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db, { clock });
    org = await buildOrgTree(db);
    head = await loginAs(
      app,
      (await buildUser(db, [grant('manager', org.east.id)], { clock })).user.username,
    );
    west = await loginAs(
      app,
      (await buildUser(db, [grant('manager', org.west.id)], { clock })).user.username,
    );
  });
  afterAll(() => app.close());

  it('lists the templates', async () => {
    const templates = await head.request('GET', '/api/v1/report-templates');
    expect(templates.json()).toContainEqual(
      expect.objectContaining({ key: 'telecom-arrears-monthly', source: 'campaigns' }),
    );
  });

  it('generates a report of a month without campaigns, stores it, lists it and serves it again', async () => {
    const created = await head.request('POST', '/api/v1/reports', {
      template: 'telecom-arrears-monthly',
      period: '2026-10',
      unitId: org.east.id,
      format: 'docx',
    });
    expect(created.statusCode, created.body).toBe(201);
    const report = created.json<{ id: number; title: string; fileName: string }>();
    expect(report.title).toBe('城东2026年10月欠费拆机管控分析报告');

    const listed = await head.request('GET', '/api/v1/reports');
    expect(listed.json<Array<{ id: number }>>().map((r) => r.id)).toContain(report.id);
    // Another branch's manager sees neither the report nor its file.
    expect((await west.request('GET', '/api/v1/reports')).json()).toEqual([]);
    expect((await west.request('GET', `/api/v1/reports/${report.id}/file`)).statusCode).toBe(404);

    const file = await head.request('GET', `/api/v1/reports/${report.id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain(encodeURIComponent(report.fileName));
    const xml = strFromU8(unzipSync(new Uint8Array(file.rawPayload))['word/document.xml']!);
    // No campaign: zero targets, rates that cannot be computed shown as —, the "all in range" sentence.
    expect(xml).toContain('本月派单 0 户');
    expect(xml).toContain('反馈率 —');
    expect(xml).toContain('一、');
  });

  it('answers bad parameters with the field, and a unit outside the scope with 404', async () => {
    const badPeriod = await head.request('POST', '/api/v1/reports', {
      template: 'telecom-arrears-monthly',
      period: '2026-13',
      unitId: org.east.id,
    });
    expect(badPeriod.statusCode).toBe(400);
    const unknown = await head.request('POST', '/api/v1/reports', {
      template: 'nope',
      period: '2026-10',
      unitId: org.east.id,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'reports.unknown_template' } });
    const foreign = await west.request('POST', '/api/v1/reports', {
      template: 'telecom-arrears-monthly',
      period: '2026-10',
      unitId: org.east.id,
    });
    expect(foreign.statusCode).toBe(404);
  });
});
